"""The event engine: narrative decisions with mechanical effects, for every world at once.

Events come from content (``events/*.toml``, see docs/modding.md) and are compiled once
per World into index arrays and small trees of conditions over registered metrics
(registry.py); nothing from a file is ever evaluated as code.

Once per quarter, at the end of ``end_turn`` (the new quarter's date), :func:`step` runs
in a fixed order:

1. the player's decisions left open since last quarter take the event's default option;
2. temporary modifiers that have run their course are undone;
3. each event, in order of id: where it is due from a queue, or where its per-quarter
   chance comes up (one pre-drawn uniform per world, quarter and event; shifted by the
   golden ratio for each city) and ``once``/``cooldown`` allow, its scope and trigger are
   evaluated for the candidate worlds; where they hold it fires: the first (or
   best-ranked) match binds the firm or sector, the event's own effects apply, cities
   people play get a pending decision and each city the computer plays answers at once
   by its archetype's fixed rule.

People answer with a ``choose_event`` decision (``choose``), recorded in the action log,
so replays stay deterministic; a decision left open takes the event's default at the next
quarter's end (which is what a batch of worlds played by bots gets, unless its bots call
``answer_pending``). Every city people play (``State.human``: the player's, and in
hot-seat games others) gets decisions; the computer's cities answer at once.

The package, by layer:

- ``conditions``: condition trees, compiled and evaluated (``compile_condition``, ``holds``);
- ``compile``: event definitions into an ``EventTable`` of ``CEvent``s;
- ``dice``: the per-quarter chance, ``once`` and ``cooldown``, each a [W, C, E] mask;
- ``binding``: which firm or sector an event binds for a city, one path for every scope;
- ``effects``: what events and chosen options do to the state;
- ``choices``: options offered, defaults, the computer's answers, people's answers;
- ``text``: placeholders and effects in words;
- ``quarter``: the quarter's order (``step``) and ``fire``.

What the rest of the game uses is imported here; the modules' other functions are for
tools that look inside (e.g. why an event did not fire for a city: ``dice.chance_came_up``,
``dice.cooled_down``, ``dice.once_allows``, ``binding.world_level``, ``binding.in_scope``
and the ``binding`` filters after it).
"""

from game.engine.events.binding import Pairs
from game.engine.events.choices import (
    answer_pending,
    choice_mask,
    choice_reasons,
    choose,
    default_choice,
    offered,
    pending,
    resolve_defaults,
)
from game.engine.events.compile import CEffect, CEvent, COption, EventTable, compile_events, select
from game.engine.events.conditions import Node, compile_condition, holds
from game.engine.events.effects import expire_modifiers
from game.engine.events.quarter import fire, step
from game.engine.events.text import describe_effects, names_for, render

__all__ = [
    "CEffect", "CEvent", "COption", "EventTable", "Node", "Pairs",
    "answer_pending", "choice_mask", "choice_reasons", "choose", "compile_condition", "compile_events",
    "default_choice", "describe_effects", "expire_modifiers", "fire", "holds", "names_for", "offered", "pending", "render",
    "resolve_defaults", "select", "step",
]
