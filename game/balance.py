"""The balance study: every scenario against every bot, and the game's promises checked.

Every bot plays the same worlds (the same seeds) of a scenario, so scores compare world
by world: "bot A beats bot B in 70% of seeds" means in 70% of the worlds A's score is
higher than B's in that same world. The promises come from the design: land finance
runs out, herding is a gamble, no strategy dominates, and a classroom can be won more
than one way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from game.bots import BOTS
from game.content.loader import Content
from game.engine.build import build_world
from game.engine.scoring import grade
from game.sim import play_batch

WIN_SCORE = 55.0  # grade C or better counts as winning a scenario


@dataclass
class BotRun:
    scores: np.ndarray
    failed: np.ndarray
    crisis: np.ndarray
    gdp: np.ndarray
    land_share: np.ndarray

    @property
    def median(self) -> float:
        return float(np.median(self.scores))

    @property
    def spread(self) -> float:
        p10, p90 = np.percentile(self.scores, [10, 90])
        return float(p90 - p10)


@dataclass
class Check:
    name: str
    held: bool
    detail: str


@dataclass
class Study:
    worlds: int
    runs: dict[str, dict[str, BotRun]] = field(default_factory=dict)  # scenario -> bot -> run
    checks: list[Check] = field(default_factory=list)


def bots_for(content: Content, scenario_id: str) -> list[str]:
    """Every bot, except `historical` where the scenario has no history to replay."""
    sc = content.scenarios[scenario_id]
    return [b for b in BOTS if b != "historical" or sc.historical_moves]


def run_study(content: Content, worlds: int = 300, scenarios: Iterable[str] | None = None,
              seed: int | None = None, progress: Callable[[str, str], None] | None = None) -> Study:
    study = Study(worlds=worlds)
    for sid in scenarios or sorted(content.scenarios):
        world = build_world(content.scenario(sid), content.sectors, content.firms)
        study.runs[sid] = {}
        for bot in bots_for(content, sid):
            if progress:
                progress(sid, bot)
            _state, final = play_batch(world, worlds, seed=seed, bot=BOTS[bot])
            study.runs[sid][bot] = BotRun(final["score"], final["failed_firms"], final["fiscal_crisis"],
                                          final["gdp"], final["land_share"])
    study.checks = check_promises(study)
    return study


def beats(a: BotRun, b: BotRun) -> float:
    """Share of worlds where ``a`` scores strictly higher than ``b``."""
    return float(np.mean(a.scores > b.scores))


def check_promises(study: Study) -> list[Check]:
    checks: list[Check] = []
    runs = study.runs
    for sid in ("hefei-2008", "land-cliff"):
        if sid not in runs or not {"land-addict", "patient-industrialist"} <= set(runs[sid]):
            continue
        r = runs[sid]
        share = beats(r["patient-industrialist"], r["land-addict"])
        checks.append(Check(f"{sid}: land-addict loses to patient-industrialist in at least 70% of seeds",
                            share >= 0.70, f"patient-industrialist scores higher in {share:.0%} of seeds"))
        rates = {b: float(run.crisis.mean()) for b, run in r.items()}
        worst = max(rates, key=rates.get)
        others = max(v for b, v in rates.items() if b != "land-addict")
        checks.append(Check(f"{sid}: land-addict meets a fiscal crisis more often than any other bot",
                            worst == "land-addict" and rates["land-addict"] > others,
                            ", ".join(f"{b} {v:.0%}" for b, v in sorted(rates.items(), key=lambda x: -x[1]))))
    if "herd-fever" in runs and "herd-chaser" in runs["herd-fever"]:
        r = runs["herd-fever"]
        spreads = {b: run.spread for b, run in r.items()}
        failed = {b: float(run.failed.mean()) for b, run in r.items()}
        checks.append(Check("herd-fever: herd-chaser has the widest spread of scores (p90 - p10)",
                            max(spreads, key=spreads.get) == "herd-chaser",
                            ", ".join(f"{b} {v:.1f}" for b, v in sorted(spreads.items(), key=lambda x: -x[1]))))
        checks.append(Check("herd-fever: herd-chaser has the most failed firms",
                            max(failed, key=failed.get) == "herd-chaser",
                            ", ".join(f"{b} {v:.2f}" for b, v in sorted(failed.items(), key=lambda x: -x[1]))))
    best_everywhere = None
    for sid, r in runs.items():
        weakest = []
        for bot, run in r.items():
            beaten = np.zeros(len(run.scores), dtype=bool)
            for other, orun in r.items():
                if other != bot:
                    beaten |= orun.scores > run.scores
            if beaten.mean() < 0.10:
                weakest.append(f"{bot} (beaten in {beaten.mean():.0%})")
        checks.append(Check(f"{sid}: every bot is beaten by some other bot in at least 10% of seeds",
                            not weakest, "all beaten often enough" if not weakest else "not: " + ", ".join(weakest)))
        top = max(r, key=lambda b: r[b].median)
        best_everywhere = {top} if best_everywhere is None else best_everywhere & {top}
    if runs:
        checks.append(Check("no bot has the best median score in every scenario", not best_everywhere,
                            "best everywhere: " + ", ".join(sorted(best_everywhere)) if best_everywhere else
                            "the best bot differs between scenarios"))
    if "classroom" in runs:
        winners = [b for b, run in runs["classroom"].items() if run.median >= WIN_SCORE]
        checks.append(Check(f"classroom: winnable (median score at least {WIN_SCORE:.0f}) by at least two bots",
                            len(winners) >= 2, ", ".join(winners) or "none"))
    return checks


def report_markdown(study: Study) -> str:
    lines = ["# Balance report", "",
             f"Every scenario against every bot, {study.worlds} worlds each (the same seeds for every "
             "bot). Scores are 0-100; grades A >= 85, B >= 70, C >= 55, D >= 40.", ""]
    held = sum(c.held for c in study.checks)
    lines += [f"## Checks: {held} of {len(study.checks)} hold", ""]
    lines += [f"- [{'x' if c.held else ' '}] {c.name} — {c.detail}" for c in study.checks]
    for sid, r in study.runs.items():
        lines += ["", f"## {sid}", "",
                  "| bot | median score | grade | p10 | p90 | median GDP (¥ bn) | land share | failed firms | fiscal crisis |",
                  "| --- | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for bot, run in sorted(r.items(), key=lambda x: -x[1].median):
            p10, p90 = np.percentile(run.scores, [10, 90])
            lines.append(f"| {bot} | {run.median:.1f} | {grade(run.median)} | {p10:.1f} | {p90:.1f} | "
                         f"{np.median(run.gdp):,.0f} | {np.median(run.land_share):.0%} | "
                         f"{run.failed.mean():.2f} | {run.crisis.mean():.0%} |")
    return "\n".join(lines) + "\n"
