"""The ``architect`` command: play, list scenarios, simulate batches headless."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from game import __version__
from game.content.loader import Content, ContentError, load_content


def _content(args: argparse.Namespace) -> Content:
    return load_content([Path(m) for m in (args.mods or [])])


def _world(content: Content, scenario_id: str):
    from game.engine.world import build_world

    return build_world(content.scenario(scenario_id), content.sectors, content.firms)


def cmd_play(args: argparse.Namespace) -> int:
    from game.tui.app import run_app  # Textual loads only for the game itself

    run_app(scenario=args.scenario, seed=args.seed, mods=[Path(m) for m in (args.mods or [])])
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    content = _content(args)
    width = max(len(s) for s in content.scenarios)
    for sc in sorted(content.scenarios.values(), key=lambda s: (s.start_year, s.id)):
        print(f"{sc.id:<{width}}  {sc.name}  ({sc.difficulty}, {sc.turns} turns from "
              f"{sc.start_year} Q{sc.start_quarter})")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from game.sim import BOTS, simulate

    if args.bot not in BOTS:
        print(f"architect: unknown bot {args.bot!r}; known: {', '.join(BOTS)}", file=sys.stderr)
        return 2
    if args.worlds < 1 or args.worlds > 1_000_000:
        print("architect: --worlds must be between 1 and 1,000,000", file=sys.stderr)
        return 2
    if args.turns is not None and args.turns < 1:
        print("architect: --turns must be at least 1", file=sys.stderr)
        return 2
    content = _content(args)
    world = _world(content, args.scenario)
    show = (lambda t, n: print(f"\rturn {t}/{n}", end="", file=sys.stderr, flush=True)) \
        if sys.stderr.isatty() and not args.json else None
    summary = simulate(world, args.worlds, args.turns, args.seed, args.bot, progress=show)
    if show:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(f"{summary['scenario']}: {summary['worlds']} worlds x {summary['turns']} turns, "
              f"bot {summary['bot']}, {summary['seconds']:.2f} s")
        print(f"{'metric':<14}{'mean':>10}{'p10':>10}{'p50':>10}{'p90':>10}")
        for name, m in summary["metrics"].items():
            print(f"{name:<14}{m['mean']:>10.2f}{m['p10']:>10.2f}{m['p50']:>10.2f}{m['p90']:>10.2f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="architect", description="Industrial Architect: run a city's industrial policy.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--mods", action="append", metavar="DIR",
                        help="load a content pack folder after the base game (repeatable)")
    sub = parser.add_subparsers(dest="command")

    play = sub.add_parser("play", help="play the game in the terminal (the default)")
    play.add_argument("--scenario", help="start this scenario at once (see `architect scenarios`)")
    play.add_argument("--seed", type=int, help="world seed (default: the scenario's own)")
    play.add_argument("--mods", action="append", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    play.set_defaults(func=cmd_play)

    scen = sub.add_parser("scenarios", help="list the scenarios")
    scen.add_argument("--mods", action="append", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    scen.set_defaults(func=cmd_scenarios)

    sim = sub.add_parser("simulate", help="play many worlds headless and summarise them")
    sim.add_argument("--scenario", required=True)
    sim.add_argument("--worlds", type=int, default=1000)
    sim.add_argument("--turns", type=int, help="stop after this many turns (default: the whole scenario)")
    sim.add_argument("--seed", type=int, help="base seed (default: the scenario's own)")
    sim.add_argument("--bot", default="pass", help="strategy to play (pass, land-addict)")
    sim.add_argument("--json", action="store_true", help="print the summary as JSON")
    sim.add_argument("--mods", action="append", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sim.set_defaults(func=cmd_simulate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["play", *(argv if argv is not None else sys.argv[1:])])
    try:
        return args.func(args)
    except ContentError as exc:
        print("architect: the content could not be loaded:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
