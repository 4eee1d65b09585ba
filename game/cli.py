"""The ``architect`` command: play, list scenarios, simulate batches headless."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from game import __version__
from game.content.loader import Content, ContentError, load_content


def _mod_dirs(args: argparse.Namespace) -> list[Path]:
    """Packs from the mods/ folder (in name order), then each --mods DIR in the order given."""
    from game.content.loader import discover_mods

    return [*discover_mods(), *(Path(m) for m in (getattr(args, "mods", None) or []))]


def _content(args: argparse.Namespace) -> Content:
    return load_content(_mod_dirs(args))


def _world(content: Content, scenario_id: str):
    from game.engine.world import build_world

    return build_world(content.scenario(scenario_id), content.sectors, content.firms)


def cmd_play(args: argparse.Namespace) -> int:
    if getattr(args, "load", None):
        return _play_saved(args)
    if getattr(args, "session", None):
        from game.classroom.cli import cmd_play_session

        return cmd_play_session(args)
    from game.tui.app import run_app  # Textual loads only for the game itself

    run_app(scenario=args.scenario, seed=args.seed, mods=_mod_dirs(args))
    return 0


def _read_save_arg(args: argparse.Namespace):
    """The save named (or the file given) on the command line, with content to open it."""
    from game.saves import content_for, read_save, resolve, save_arg

    save = read_save(resolve(save_arg(args.save), args.saves))
    # the mods given now, else the mod folders the save recorded (those that still exist)
    content, mods = content_for(save, args.mods)
    return save, content, mods


def _play_saved(args: argparse.Namespace) -> int:
    """Open a save in the game; a bad save is refused here, before the UI starts."""
    import inspect

    from game.saves import SaveError, load_game

    args.save = args.load
    try:
        save, content, mods = _read_save_arg(args)
        session = load_game(save.path, content=content)
    except SaveError as exc:
        print(f"architect: cannot open the save: {exc}", file=sys.stderr)
        return 1
    for news in session.news:
        if news.kind == "game" and news.severity == "warning" and news.text.startswith("Loaded save"):
            print(f"architect: warning: {news.text}", file=sys.stderr)
    try:
        from game.tui.app import run_app
    except ImportError:
        run_app = None
    if run_app is None or "session" not in inspect.signature(run_app).parameters:
        print(f"architect: {save.name} is a good save (turn {session.turn}, {session.date}), but "
              "this version's game screen cannot open saves yet", file=sys.stderr)
        return 1
    return run_app(session=session, content=content, mods=mods)


def cmd_replay(args: argparse.Namespace) -> int:
    """Re-run a save's actions from its seed; exit 0 when the result matches the save."""
    from game.classroom.results import is_result_file
    from game.saves import SaveError, replay

    if is_result_file(args.save):
        from game.classroom.cli import cmd_replay_result

        return cmd_replay_result(args)
    try:
        save, content, _ = _read_save_arg(args)
        result = replay(save, content)
    except SaveError as exc:
        print(f"architect: {exc}", file=sys.stderr)
        return 1
    for text in result.warnings:
        print(f"warning: {text}", file=sys.stderr)
    p = save.payload
    if result.ok:
        print(f"OK: {save.name} ({p.scenario_name}, {p.date}, {p.turn} turns) replays to the saved "
              f"state; hash {result.actual_hash[:16]}")
        return 0
    where = ("at turn " + str(result.first_divergent_turn)
             if result.first_divergent_turn is not None else "somewhere")
    print(f"DIVERGES {where}: {save.name}: {result.message}")
    print(f"  saved hash    {result.expected_hash}")
    print(f"  replayed hash {result.actual_hash}")
    return 1


def cmd_scenarios(args: argparse.Namespace) -> int:
    content = _content(args)
    width = max(len(s) for s in content.scenarios)
    for sc in sorted(content.scenarios.values(), key=lambda s: (s.start_year, s.id)):
        print(f"{sc.id:<{width}}  {sc.name}  ({sc.difficulty}, {sc.turns} turns from "
              f"{sc.start_year} Q{sc.start_quarter})")
    return 0


def _progress_bar(enabled: bool):
    """A one-line progress bar on stderr for long runs (only on a terminal)."""
    if not enabled:
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {100 * done // max(total, 1):3d}%",
              end="" if done < total else "\n", file=sys.stderr, flush=True)
    return show


def cmd_simulate(args: argparse.Namespace) -> int:
    from game.bots import bots_with
    from game.sim import compare, simulate

    content = _content(args)
    known = bots_with(content)
    bots = [b.strip() for b in args.compare.split(",") if b.strip()] if args.compare else [args.bot]
    unknown = [b for b in bots if b not in known]
    if unknown:
        print(f"architect: unknown bot {unknown[0]!r}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    if args.worlds < 1 or args.worlds > 1_000_000:
        print("architect: --worlds must be between 1 and 1,000,000", file=sys.stderr)
        return 2
    if args.turns is not None and args.turns < 1:
        print("architect: --turns must be at least 1", file=sys.stderr)
        return 2
    world = _world(content, args.scenario)
    from game.mods.memory import refusal  # the batch must fit in memory (docs/modding.md, limits)

    too_big = refusal(world, args.worlds)
    if too_big:
        print(f"architect: {too_big}", file=sys.stderr)
        return 2
    show = _progress_bar(sys.stderr.isatty() and args.worlds * (args.turns or world.turns) >= 20_000)
    if args.compare:
        result = compare(world, bots, args.worlds, args.turns, args.seed, progress=show, known=known)
        if args.json:
            print(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            print(compare_table(result))
        return 0
    summary = simulate(world, args.worlds, args.turns, args.seed, args.bot, progress=show, bots=known)
    for problem in summary["content_problems"]:
        print(f"architect: content problem: {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(f"{summary['scenario']}: {summary['worlds']} worlds x {summary['turns']} turns, "
              f"bot {summary['bot']}, {summary['seconds']:.2f} s")
        print(f"{'metric':<14}{'mean':>10}{'p10':>10}{'p50':>10}{'p90':>10}")
        for name, m in summary["metrics"].items():
            print(f"{name:<14}{m['mean']:>10.2f}{m['p10']:>10.2f}{m['p50']:>10.2f}{m['p90']:>10.2f}")
        d = summary["diverged_most"]
        if d:
            print(f"the worlds diverged most in {d['date']} (turn {d['turn']})")
    return 0


def compare_table(result: dict) -> str:
    """Bots side by side: median (p10-p90) of each headline metric."""
    bots = list(result["bots"])
    names = ["score", "gdp", "land_share", "treasury", "debt", "portfolio", "failed_firms", "fiscal_crisis"]
    width = max(14, *(len(b) + 2 for b in bots))
    lines = [f"{result['scenario']}: {result['worlds']} worlds per bot, same seeds",
             f"{'metric':<14}" + "".join(f"{b:>{width}}" for b in bots)]
    for name in names:
        row = f"{name:<14}"
        for b in bots:
            m = result["bots"][b]["metrics"][name]
            cell = f"{m['mean']:.0%}" if name == "fiscal_crisis" else (
                f"{m['p50']:.2f}" if name == "land_share" else f"{m['p50']:.1f}")
            row += f"{cell:>{width}}"
        lines.append(row)
    lines.append("(medians; fiscal_crisis is the share of worlds)")
    return "\n".join(lines)


def cmd_balance(args: argparse.Namespace) -> int:
    from game.balance import report_markdown, run_study

    content = _content(args)
    unknown = [s for s in (args.scenario or []) if s not in content.scenarios]
    if unknown:
        print(f"architect: unknown scenario {unknown[0]!r}; known: {', '.join(sorted(content.scenarios))}",
              file=sys.stderr)
        return 2
    if args.worlds < 10:
        print("architect: --worlds must be at least 10 for a balance study", file=sys.stderr)
        return 2

    def say(sid: str, bot: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{sid}: {bot}{' ' * 20}", end="", file=sys.stderr, flush=True)

    study = run_study(content, args.worlds, args.scenario, args.seed, progress=say)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    text = report_markdown(study)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    held = sum(c.held for c in study.checks)
    print(f"{held} of {len(study.checks)} balance checks hold; report written to {out}")
    for c in study.checks:
        print(f"  [{'ok' if c.held else '!!'}] {c.name}: {c.detail}")
    return 0 if held == len(study.checks) else 1


def cmd_mods_validate(args: argparse.Namespace) -> int:
    """One line per problem (FILE:LINE: key: message); exit 1 when anything is reported
    (with --warnings-ok, only when something is wrong)."""
    from game import mods

    result = mods.validate([Path(p) for p in args.paths])
    for line in result.lines():
        print(line)
    if result.hidden:
        print(f"({result.hidden} more in other files of the pack: validate the pack folder to see them)",
              file=sys.stderr)
    errors, warnings = len(result.errors), len(result.warnings)
    if errors or (warnings and not args.warnings_ok):
        files = {p.file for p in result.problems}
        counts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((errors, "problem"), (warnings, "warning"))
                  if n]
        tail = "" if errors or args.warnings_ok else " (--warnings-ok accepts warnings)"
        print(f"{' and '.join(counts)} in {len(files)} file{'s' if len(files) != 1 else ''}{tail}",
              file=sys.stderr)
        return 1
    assert result.content is not None
    print(f"OK: {', '.join(args.paths)}" + (f" ({warnings} warning{'s' if warnings != 1 else ''})"
                                              if warnings else ""))
    mine = {p.id for p, d in zip(result.content.packs, result.content.pack_dirs, strict=True)
            if d in result.packs}
    for line in mods.summary(result.content, mine or None):
        print(f"  {line}")
    return 0


def cmd_mods_schema(args: argparse.Namespace) -> int:
    from game import mods

    try:
        written = mods.write_schemas(Path(args.out))
    except OSError as exc:
        print(f"architect: cannot write the schemas to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print("Point an editor at a schema with a first line such as  #:schema ./schema/event.schema.json",
          file=sys.stderr)
    return 0


def cmd_mods_new(args: argparse.Namespace) -> int:
    from game import mods

    folder, name = mods.pack_folder(args.name, Path(args.dir) if args.dir else None)
    try:
        written = mods.new_pack(folder, name)
    except (FileExistsError, OSError) as exc:
        print(f"architect: {exc if isinstance(exc, FileExistsError) else exc.strerror or exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"Next: architect mods validate {folder}  and  architect mods test {folder}", file=sys.stderr)
    return 0


def cmd_mods_test(args: argparse.Namespace) -> int:
    """Play each scenario's expectations headless; exit 1 when one does not hold."""
    from game import mods
    from game.mods.memory import refusal

    pack = Path(args.path)
    content = load_content([*(Path(m) for m in (getattr(args, "mods", None) or [])), pack])
    ids = args.scenario or mods.scenarios_of(content, pack)
    ids = [i for i in ids if content.scenario(i).expectations]
    for sid in ids:
        world = _world(content, sid)
        for n, ex in enumerate(content.scenario(sid).expectations, 1):
            why = refusal(world, ex.worlds, f"expectation #{n} of {sid}")
            if why:
                print(f"architect: {why.replace('--worlds', 'worlds =')} in the expectation", file=sys.stderr)
                return 2
    outcomes = mods.run_expectations(content, ids)
    for o in outcomes:
        print(o.line())
    if not outcomes:
        print(f"no expectations in the scenarios of {pack}", file=sys.stderr)
        return 0
    failed = sum(not o.held for o in outcomes)
    print(f"{len(outcomes) - failed} of {len(outcomes)} expectations held", file=sys.stderr)
    pid = next((p.id for p, d in zip(content.packs, content.pack_dirs, strict=True) if d == pack), None)
    silent = mods.never_fired(content, outcomes, pid, pack) if pid else []
    for line in silent:
        print(f"note: {line}", file=sys.stderr)
    _say_warnings(content)
    return 1 if failed else 0


def _say_warnings(content: Content) -> None:
    if content.warnings:
        print(f"{len(content.warnings)} warning(s) about the content: `architect mods validate` shows them",
              file=sys.stderr)


def cmd_mods_list(args: argparse.Namespace) -> int:
    from game import mods

    content = load_content(_mod_dirs(args))
    for pack, folder in zip(content.packs, content.pack_dirs, strict=True):
        needs = [f"requires {', '.join(pack.requires)}"] if pack.requires else []
        needs += [f"loads after {', '.join(pack.load_after)}"] if pack.load_after else []
        print(f"{pack.id} {pack.version}: {pack.name}" + (f" ({'; '.join(needs)})" if needs else "")
              + f"  [{folder}]")
    for line in mods.summary(content)[1:]:
        print(f"  {line}")
    for problem in content.warnings:
        print(f"  {problem}")
    return 0


def cmd_mods_trace(args: argparse.Namespace) -> int:
    """One world of a scenario, quarter by quarter: the events that fired, and why the
    events named with --event did not."""
    from game.bots import bots_with
    from game.mods.trace import trace

    pack = Path(args.path)
    content = load_content([*(Path(m) for m in (getattr(args, "mods", None) or [])), pack])
    if args.scenario not in content.scenarios:
        from game import mods

        mine = mods.scenarios_of(content, pack)
        print(f"architect: no scenario {args.scenario!r}; the pack's: {', '.join(mine) or 'none'}; "
              f"all: {', '.join(sorted(content.scenarios))}", file=sys.stderr)
        return 2
    known = bots_with(content)
    if args.bot not in known:
        print(f"architect: unknown bot {args.bot!r}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    if args.seed is not None and args.seed < 0:
        print("architect: --seed must be 0 or more", file=sys.stderr)
        return 2
    result = trace(_world(content, args.scenario), known[args.bot], args.bot, args.seed, args.event or [],
                   args.turns)
    for line in result.lines():
        print(line)
    return 0


def cmd_mods_docs(args: argparse.Namespace) -> int:
    from game import mods

    path = Path(args.file)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    head = text.split(mods.REFERENCE_MARK)[0].rstrip() + "\n\n" if mods.REFERENCE_MARK in text else text
    reference = mods.reference_markdown(load_content())
    new = head + mods.REFERENCE_MARK + "\n\n" + reference
    if args.check:
        if new != text:
            print(f"{path} is stale: run  architect mods docs --write", file=sys.stderr)
            return 1
        print(f"{path} is current")
        return 0
    if args.write:
        path.write_text(new, encoding="utf-8")
        print(path)
    else:
        print(reference)
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
    play.add_argument("--load", metavar="NAME", help="continue a saved game (a save name or a file)")
    play.add_argument("--session", metavar="CODE", help="start the world of a class's session code (e.g. HEFEI-25JPM)")
    play.add_argument("--saves", metavar="DIR", help="the save folder (default: $ARCHITECT_SAVES, "
                      "else saves/ in a checkout, else the user's data folder)")
    play.set_defaults(func=cmd_play)

    rep = sub.add_parser("replay", help="re-run a save's actions and check they reach the saved state")
    rep.add_argument("save", metavar="SAVE", help="a save name in the save folder, a save file, or a result file")
    rep.add_argument("--saves", metavar="DIR", help="the save folder (as for play)")
    rep.add_argument("--mods", action="append", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    rep.set_defaults(func=cmd_replay)

    scen = sub.add_parser("scenarios", help="list the scenarios")
    scen.add_argument("--mods", action="append", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    scen.set_defaults(func=cmd_scenarios)

    sim = sub.add_parser("simulate", help="play many worlds headless and summarise them")
    sim.add_argument("--scenario", required=True)
    sim.add_argument("--worlds", type=int, default=1000)
    sim.add_argument("--turns", type=int, help="stop after this many turns (default: the whole scenario)")
    sim.add_argument("--seed", type=int, help="base seed (default: the scenario's own)")
    sim.add_argument("--bot", default="pass", help="strategy to play (see --help for the list)")
    sim.add_argument("--compare", metavar="BOT,BOT,...", help="several bots on the same seeds, side by side")
    sim.add_argument("--json", action="store_true", help="print the summary as JSON")
    sim.add_argument("--mods", action="append", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sim.set_defaults(func=cmd_simulate)

    bal = sub.add_parser("balance", help="every scenario against every bot: a Markdown balance report")
    bal.add_argument("--worlds", type=int, default=500, help="worlds per scenario and bot (default 500, as the suite checks)")
    bal.add_argument("--scenario", action="append", help="only this scenario (repeatable)")
    bal.add_argument("--seed", type=int, help="base seed (default: each scenario's own)")
    bal.add_argument("--out", default="balance.md", help="where to write the report (default balance.md)")
    bal.add_argument("--mods", action="append", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    bal.set_defaults(func=cmd_balance)

    from game.classroom.cli import add_commands  # classroom new/demo/what-if, export, report, serve

    add_commands(sub)

    hidden_mods = {"action": "append", "metavar": "DIR", "default": argparse.SUPPRESS, "help": argparse.SUPPRESS}
    mods = sub.add_parser("mods", help="tools for content packs: validate, schema, new, test, list, docs, trace")
    msub = mods.add_subparsers(dest="mods_command", required=True)
    val = msub.add_parser("validate", help="check packs or single files; every problem as FILE:LINE: key: message")
    val.add_argument("paths", nargs="+", metavar="PATH", help="a pack folder (with pack.toml) or a content file")
    val.add_argument("--warnings-ok", action="store_true",
                     help="exit 0 when there are only warnings (what loads but cannot work as written)")
    val.set_defaults(func=cmd_mods_validate)
    sch = msub.add_parser("schema", help="write a JSON Schema for each kind of file (and of patch), for editors")
    sch.add_argument("--out", required=True, metavar="DIR")
    sch.set_defaults(func=cmd_mods_schema)
    new = msub.add_parser("new", help="start a working example pack")
    new.add_argument("name", metavar="NAME", help='the pack\'s name ("My pack" makes the folder my-pack/ and '
                     'the id my-pack), or a folder path (mods/solar, ./solar, /home/me/solar: that folder, '
                     'the pack named after its last part)')
    new.add_argument("--dir", metavar="DIR", help="create the pack inside this folder (default: here)")
    new.set_defaults(func=cmd_mods_new)
    tst = msub.add_parser("test", help="play a pack's scenario expectations headless and report each")
    tst.add_argument("path", metavar="PATH", help="the pack folder")
    tst.add_argument("--scenario", action="append", help="only this scenario (repeatable)")
    tst.add_argument("--mods", **hidden_mods)
    tst.set_defaults(func=cmd_mods_test)
    lst = msub.add_parser("list", help="the packs that load, in load order, and what each changed")
    lst.add_argument("--mods", **hidden_mods)
    lst.set_defaults(func=cmd_mods_list)
    trc = msub.add_parser("trace", help="play one world and list each quarter's events, and why an event did not fire")
    trc.add_argument("path", metavar="PACK", help="the pack folder")
    trc.add_argument("--scenario", required=True, help="the scenario to play")
    trc.add_argument("--seed", type=int, help="the world's seed (default: the scenario's)")
    trc.add_argument("--event", action="append", metavar="ID",
                     help="say each quarter why this event did not fire, for each city (repeatable)")
    trc.add_argument("--bot", default="pass", help="the strategy that plays the player's city (default pass)")
    trc.add_argument("--turns", type=int, help="stop after this many turns (default: the whole scenario)")
    trc.add_argument("--mods", **hidden_mods)
    trc.set_defaults(func=cmd_mods_trace)
    doc = msub.add_parser("docs", help="print or update the generated reference in docs/modding.md")
    doc.add_argument("--file", default="docs/modding.md")
    doc.add_argument("--write", action="store_true", help="rewrite the reference part of the file")
    doc.add_argument("--check", action="store_true", help="exit 1 when the file's reference is stale")
    doc.set_defaults(func=cmd_mods_docs)
    return parser


def main(argv: list[str] | None = None) -> int:
    from game.mods.runtime_log import install

    install()  # problems met while playing content go to the content problem log
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
