"""The simulation: numpy arrays with the world axis first, one code path for one game or
ten thousand. It never imports textual or rich.

Modules import only from modules listed before them (no cycles):

1. ``arrays``, ``ledger``; ``world`` (the World and the firm stage codes);
2. ``economics`` (unit cost, profit, equity value: each formula once), ``state``;
3. ``capital``, ``chains``, ``land``, ``contrib``, then ``firms``, ``prospects``;
4. ``registry`` (the metrics and fields content may name);
5. ``events`` (a package: conditions, compile, dice, binding, effects, choices, text, quarter);
6. ``build`` (``build_world``: a scenario and its content, events included, into a World);
7. ``actions``, ``rivals``, ``tick``, ``scoring``, ``session``.

(Until the action mechanics move below the event engine, ``events.effects`` calls the
invest and rescue actions through an import inside ``_invest``, and ``rivals`` imports
``actions`` inside its functions.)
"""
