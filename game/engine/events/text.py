"""Text: an event's placeholders filled in, and its effects in plain words for the player.

Placeholders are replaced by plain substitution, never formatted or evaluated.
"""

from __future__ import annotations

import numpy as np

from game.engine.events.binding import Pairs
from game.engine.events.compile import CEffect, CEvent, EventTable
from game.engine.events.conditions import with_fixed
from game.engine.events.effects import invest_amount, new_value
from game.engine.registry import Ctx
from game.engine.state import State
from game.engine.world import World


def render(text: str, names: dict[str, str]) -> str:
    """Replace the known placeholders ({firm}, {sector}, {city}, {my_city}, {date}) by plain
    substitution; anything else in braces stays as written."""
    for key, value in names.items():
        text = text.replace("{" + key + "}", value)
    return text


def names_for(world: World, state: State, ev: CEvent, target: int, city: int, w: int = 0) -> dict[str, str]:
    """What the placeholders of an event stand for in world ``w``."""
    out = {"my_city": world.cities[city].name, "city": world.cities[city].name,
           "date": world.date_label(min(state.turn, world.turns))}
    if ev.scope == "firm" and target >= 0:
        out["firm"] = world.firm_name(target, int(state.name_index[w, target]))
        out["sector"] = world.sectors[int(world.firm_sector[target])].name
        out["city"] = world.cities[int(state.firm_city[w, target])].name
    elif ev.scope == "sector" and target >= 0:
        out["sector"] = world.sectors[target].name
    return out


def describe_effects(world: World, state: State, ev: CEvent, effects: tuple[CEffect, ...], target: int,
                     city: int, w: int = 0) -> list[str]:
    """Plain words for what effects will do now, e.g. "Treasury +¥2.0 bn"."""
    pairs = Pairs(np.array([w]), np.array([city]), np.array([target]))
    out = []
    for eff in effects:
        ctx = with_fixed(pairs.ctx(world, state, ev.scope), eff.fixed_f, eff.fixed_s)
        out.append(_describe(world, state, ev, eff, ctx, pairs))
    return [x for x in out if x]


def _label(name: str) -> str:
    return name.split(".", 1)[1].replace("_bn", "").replace("_ha", "").replace("_", " ")


def _describe(world: World, state: State, ev: CEvent, eff: CEffect, ctx: Ctx, pairs: Pairs) -> str:
    tab: EventTable = world.event_table
    whose = ""
    if ctx.f is not None and eff.spec is not None and eff.spec.scope == "firm":
        f = int(np.asarray(ctx.f).reshape(-1)[0])
        whose = f" of {world.firm_name(f, int(state.name_index[pairs.w[0], f]))}"
    elif ctx.s is not None and eff.spec is not None and eff.spec.scope == "sector":
        whose = f" in {world.sectors[int(np.asarray(ctx.s).reshape(-1)[0])].name}"
    if eff.kind in ("add", "multiply", "set"):
        spec = eff.spec
        assert spec is not None
        old = float(np.asarray(spec.read(ctx)).reshape(-1)[0])
        new = float(np.asarray(new_value(eff, ctx, np.asarray([old]))).reshape(-1)[0])
        money = "¥" if spec.unit.startswith("¥") else ""
        unit = " bn" if money else ""
        sign = "+" if new >= old else "-"
        return (f"{_label(spec.name).capitalize()}{whose} {sign}{money}{abs(new - old):,.2f}{unit} "
                f"(to {money}{new:,.2f}{unit})")
    if eff.kind == "stake":
        f = int(pairs.target[0]) if eff.fixed_f is None else eff.fixed_f
        name = world.firm_name(f, int(state.name_index[pairs.w[0], f]))
        cost = eff.value * float(max(state.valuation[pairs.w[0], f], 0.0))
        pay = (f", paying ¥{cost:,.2f} bn" if cost > 0 else f", receiving ¥{-cost:,.2f} bn") if eff.pay else ""
        return f"Your stake in {name} {eff.value:+.0%}{pay}"
    if eff.kind == "invest":
        f = int(np.asarray(ctx.f).reshape(-1)[0])
        amount = float(np.asarray(invest_amount(eff, ctx)).reshape(-1)[0])
        return f"Invest ¥{amount:,.2f} bn in {world.firm_name(f, int(state.name_index[pairs.w[0], f]))}"
    if eff.kind == "spawn":
        tpl = world.templates[eff.template]  # type: ignore[attr-defined]
        return f"{tpl.name} arrives asking for terms"
    if eff.kind in ("set_flag", "clear_flag"):
        return ""  # bookkeeping the player need not see
    if eff.kind == "modifier":
        spec = eff.spec
        assert spec is not None
        change = f"x{eff.value:g}" if eff.multiply else f"{eff.value:+g}"
        return f"{_label(spec.name).capitalize()}{whose} {change} for {eff.turns} quarters"
    if eff.kind == "queue":
        return f"Consequences in {eff.after} quarter{'s' if eff.after != 1 else ''}: {tab.events[eff.event].definition.title}"
    return ""
