"""Classroom features: session codes, result files, the class report and what-if replays.

The API the game screens use (no Textual in here):

- ``codes.decode(code, content) -> (scenario_id, seed)`` (CodeError with a sentence),
  ``codes.new_code(content, scenario_id, seed=None) -> (code, seed)``;
- ``results.export_result(session, path, player=..., code=..., city=None, content=...)``
  and ``results.export_results`` (one file per person in hot-seat);
- ``report.build_report(paths, content) -> ClassReport`` with ``rows()``, ``summary()``
  and per-scenario ``sections`` (``strategies()``, ``debrief()``, ``series()``);
- ``whatif.what_if_session(session, Change(turn, index, action_or_None))`` and
  ``whatif.decisions(...)`` to list what can be changed.
"""
