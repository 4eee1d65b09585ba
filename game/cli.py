"""The ``architect`` command: play, list scenarios, simulate batches headless.

Every command ends with an exit code and, on a failure, one line on stderr: 2 when the
arguments are wrong (argparse's usage errors and the checks here), 1 when the work could
not be done (a save, a pack or a folder that fails). Never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from game import __version__
from game.cli_args import (
    MAX_WORLDS,
    SEED,
    CommandError,
    Parser,
    check_scenarios,
    help_text,
    out_file,
    usage_error,
    whole,
    writable_folder,
)
from game.content.loader import Content, ContentError, load_content

EX_SOFTWARE = 70  # sysexits.h: an internal error (a bug), after its one-line message


def _mod_dirs(args: argparse.Namespace) -> list[Path]:
    """Packs from the mods/ folder (in name order), then each --mods DIR in the order given."""
    from game.content.loader import discover_mods

    return [*discover_mods(), *(Path(m) for m in (getattr(args, "mods", None) or []))]


def _content(args: argparse.Namespace) -> Content:
    return load_content(_mod_dirs(args))


def _world(content: Content, scenario_id: str):
    from game.engine.build import build_world

    return build_world(content.scenario(scenario_id), content.sectors, content.firms)


def terminal_problem() -> str | None:
    """Why the game cannot run here, or None. Textual reads keys from standard input and
    draws on standard error: without a terminal there it would wait for ever."""
    if os.environ.get("TEXTUAL_DRIVER"):  # `architect serve`: a web driver over pipes
        return None
    for name, stream in (("standard input", sys.__stdin__), ("standard error", sys.__stderr__)):
        if stream is None or not stream.isatty():
            return (f"the game needs a terminal, and its {name} is not one: run architect in a "
                    "terminal window (or `architect serve` to play in a browser)")
    return None


def saves_folder(args: argparse.Namespace) -> Path | None:
    """--saves DIR, made if missing and checked writable; None for the default folder."""
    return writable_folder(Path(args.saves).expanduser(), f"--saves {args.saves}") if args.saves else None


def run_game(args: argparse.Namespace, **options) -> int:
    """The game screen with ``options`` (see game.tui.app.run_app), saving into --saves;
    its exit code (1 after a content failure)."""
    saves = saves_folder(args)
    problem = terminal_problem()
    if problem:
        raise CommandError(problem)
    return game_screen(saves_dir=saves, **options) or 0


def game_screen(**options) -> int:
    """Run the Textual game with ``options`` (see game.tui.app.run_app); its exit code."""
    from game.tui.app import run_app  # Textual loads only for the game itself

    return run_app(**options)


def cmd_play(args: argparse.Namespace) -> int:
    chosen = [flag for flag, value in (("--load", args.load), ("--session", args.session),
                                       ("--scenario", args.scenario)) if value]
    if len(chosen) > 1:
        raise usage_error(f"{' and '.join(chosen)}: give one of them")
    if args.seed is not None and not args.scenario:
        raise usage_error("--seed needs --scenario (a session code or a save has its own seed)")
    if args.load:
        return _play_saved(args)
    if args.session:
        from game.classroom.cli import cmd_play_session

        return cmd_play_session(args)
    content = None
    if args.scenario:  # checked here, so a typo is an error message rather than a screen
        content = _content(args)
        check_scenarios(content, [args.scenario])
    return run_game(args, scenario=args.scenario, seed=args.seed, mods=_mod_dirs(args), content=content)


def _read_save_arg(args: argparse.Namespace):
    """The save named (or the file given) on the command line, with content to open it."""
    from game.saves import content_for, read_save, resolve, save_arg

    save = read_save(resolve(save_arg(args.save), args.saves))
    # the mods given now, else the mod folders the save recorded (those that still exist)
    content, mods = content_for(save, args.mods)
    return save, content, mods


def _play_saved(args: argparse.Namespace) -> int:
    """Open a save in the game; a bad save is refused here, before the UI starts."""
    from game.saves import SaveError, load_game

    args.save = args.load
    try:
        save, content, mods = _read_save_arg(args)
        session = load_game(save.path, content=content)
    except SaveError as exc:
        raise CommandError(f"cannot open the save: {exc}") from None
    for news in session.news:
        if news.kind == "game" and news.severity == "warning" and news.text.startswith("Loaded save"):
            print(f"architect: warning: {news.text}", file=sys.stderr)
    return run_game(args, session=session, content=content, mods=mods)


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
        raise CommandError(str(exc)) from None
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
    raise CommandError(f"{save.name} does not replay to its saved state (the hashes are above)")


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


# A metric at 0.00 in every world looks like a bug; each of these says why it is not.
ZERO_REASONS = {
    "treasury": "each quarter the city spends what is left in the treasury on development, up to "
                "its development share of GDP, so a city whose taxes and transfers do not cover "
                "that ends every quarter at 0 (land sales, dividends or bonds leave cash over)",
    "land_share": "no land was sold in the last four quarters, so land revenue is no share of "
                  "revenue",
    "portfolio": "the city holds no stakes in firms (only investing and rescuing buy them)",
}


def zero_notes(metrics: dict[str, dict[str, float]]) -> dict[str, str]:
    """Why each metric that is 0 at every percentile is 0 (see ZERO_REASONS)."""
    return {name: reason for name, reason in ZERO_REASONS.items()
            if name in metrics and all(v == 0 for k, v in metrics[name].items()
                                       if k in ("mean", "p10", "p50", "p90"))}


def cmd_simulate(args: argparse.Namespace) -> int:
    from game.bots import bots_with
    from game.sim import compare, simulate

    content = _content(args)
    check_scenarios(content, [args.scenario])
    known = bots_with(content)
    bots = [b.strip() for b in args.compare.split(",") if b.strip()] if args.compare else [args.bot]
    unknown = [b for b in bots if b not in known]
    if unknown or not bots:
        raise usage_error(f"unknown bot {unknown[0] if unknown else args.compare!r}; known: "
                          f"{', '.join(known)}")
    world = _world(content, args.scenario)
    from game.mods.memory import refusal  # the batch must fit in memory (docs/modding.md, limits)

    too_big = refusal(world, args.worlds)
    if too_big:
        print(f"architect: {too_big}", file=sys.stderr)
        return 2
    show = _progress_bar(sys.stderr.isatty() and args.worlds * (args.turns or world.turns) >= 20_000)
    if args.compare:
        result = compare(world, bots, args.worlds, args.turns, args.seed, progress=show, known=known)
        for summary in result["bots"].values():
            summary["notes"] = zero_notes(summary["metrics"])
        if args.json:
            print(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            print(compare_table(result))
        return 0
    summary = simulate(world, args.worlds, args.turns, args.seed, args.bot, progress=show, bots=known)
    for problem in summary["content_problems"]:
        print(f"architect: content problem: {problem}", file=sys.stderr)
    summary["notes"] = zero_notes(summary["metrics"])
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
        for name, why in summary["notes"].items():
            print(f"{name} is 0 in every world: {why}")
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

    out = out_file(args.out)  # before a study of minutes, not after it
    content = _content(args)
    check_scenarios(content, args.scenario or [])

    def say(sid: str, bot: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{sid}: {bot}{' ' * 20}", end="", file=sys.stderr, flush=True)

    study = run_study(content, args.worlds, args.scenario, args.seed, progress=say)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    out.write_text(report_markdown(study), encoding="utf-8")
    held = sum(c.held for c in study.checks)
    print(f"{held} of {len(study.checks)} balance checks hold; report written to {out}")
    for c in study.checks:
        print(f"  [{'ok' if c.held else '!!'}] {c.name}: {c.detail}")
    if held < len(study.checks):
        raise CommandError(f"{len(study.checks) - held} balance checks do not hold (marked !! above)")
    return 0


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
    from game.content.locate import suggest
    from game.mods.trace import trace

    pack = Path(args.path)
    content = load_content([*(Path(m) for m in (getattr(args, "mods", None) or [])), pack])
    if args.scenario not in content.scenarios:
        from game import mods

        mine = mods.scenarios_of(content, pack)
        raise usage_error(f"no scenario {args.scenario!r}; the pack's: {', '.join(mine) or 'none'}; "
                          f"all: {', '.join(sorted(content.scenarios))}")
    known = bots_with(content)
    if args.bot not in known:
        raise usage_error(f"unknown bot {args.bot!r}; known: {', '.join(known)}")
    for event in args.event or []:
        if event not in content.events:  # in the content but not the scenario: trace says why
            raise usage_error(f"no event {event!r} in the loaded packs{suggest(event, content.events)}")
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


def _bots_help() -> str:
    """The bots `simulate` knows (the built-in ones and the loaded packs' rule bots)."""
    from game.bots import BOTS, bots_with

    try:
        content: Content | None = load_content(_mod_dirs(argparse.Namespace()))
    except ContentError:
        content = None
    bots = []
    for bot_id in (bots_with(content) if content else BOTS):
        if bot_id in BOTS:
            bots.append((bot_id, " ".join((BOTS[bot_id].__doc__ or "").split())))
        else:
            defn = content.bots[bot_id]
            bots.append((bot_id, f"{defn.name} (a pack's rule bot). {defn.description}".strip()))
    return help_text("Bots (--bot, --compare):", bots,
                     "The metrics are the player's city at the end: the mean and percentiles over "
                     "the worlds. A metric that is 0 in every world is explained under the table "
                     "(\"notes\" in the JSON):", list(ZERO_REASONS.items()))


def _saves_help() -> str:
    from game.saves import ENV_FOLDER, default_saves_dir

    return help_text(f"Saves go to {default_saves_dir()} here and now (--saves DIR, else "
                     f"${ENV_FOLDER}, else saves/ in a checkout, else the user's data folder, "
                     "e.g. ~/.local/share/industrial-architect/saves).")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="architect", description="Industrial Architect: run a city's industrial policy.",
        epilog="With no command, `architect` is `architect play`. Exit codes: 0 done, 1 it "
               "could not be done (the reason on stderr), 2 the arguments are wrong.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--mods", action="append", metavar="DIR",
                        help="load a content pack folder after the base game (repeatable)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    hidden_mods = {"action": "append", "metavar": "DIR", "default": argparse.SUPPRESS, "help": argparse.SUPPRESS}

    play = sub.add_parser("play", help="play the game in the terminal (the default)", more_help=_saves_help)
    play.add_argument("--scenario", help="start this scenario at once (see `architect scenarios`)")
    play.add_argument("--seed", type=SEED, help="world seed, with --scenario (default: the scenario's own)")
    play.add_argument("--mods", **hidden_mods)
    play.add_argument("--load", metavar="NAME", help="continue a saved game (a save name or a file)")
    play.add_argument("--session", metavar="CODE", help="start the world of a class's session code (e.g. HEFEI-25JPM)")
    play.add_argument("--saves", metavar="DIR", help="the save folder: saves and autosaves go there, "
                      "--load looks there")
    play.set_defaults(func=cmd_play)

    rep = sub.add_parser("replay", help="re-run a save's actions and check they reach the saved state")
    rep.add_argument("save", metavar="SAVE", help="a save name in the save folder, a save file, or a result file")
    rep.add_argument("--saves", metavar="DIR", help="the save folder (as for play)")
    rep.add_argument("--mods", **hidden_mods)
    rep.set_defaults(func=cmd_replay)

    scen = sub.add_parser("scenarios", help="list the scenarios")
    scen.add_argument("--mods", **hidden_mods)
    scen.set_defaults(func=cmd_scenarios)

    sim = sub.add_parser("simulate", help="play many worlds headless and summarise them", more_help=_bots_help)
    sim.add_argument("--scenario", required=True, help="the scenario to play (see `architect scenarios`)")
    sim.add_argument("--worlds", type=whole(1, MAX_WORLDS), default=1000,
                     help=f"how many worlds, each with its own dice (default 1000, at most {MAX_WORLDS:,})")
    sim.add_argument("--turns", type=whole(1), help="stop after this many turns (default: the whole scenario)")
    sim.add_argument("--seed", type=SEED, help="base seed; world i plays seed and i (default: the scenario's own)")
    sim.add_argument("--bot", default="pass", help="the strategy that plays the city (default pass; list below)")
    sim.add_argument("--compare", metavar="BOT,BOT,...", help="several bots on the same seeds, side by side")
    sim.add_argument("--json", action="store_true", help="print the summary as JSON")
    sim.add_argument("--mods", **hidden_mods)
    sim.set_defaults(func=cmd_simulate)

    bal = sub.add_parser("balance", help="every scenario against every bot: a Markdown balance report")
    bal.add_argument("--worlds", type=whole(10, 100_000), default=500,
                     help="worlds per scenario and bot (default 500, as the suite checks; 10 to 100,000)")
    bal.add_argument("--scenario", action="append", help="only this scenario (repeatable)")
    bal.add_argument("--seed", type=SEED, help="base seed (default: each scenario's own)")
    bal.add_argument("--out", default="balance.md", help="where to write the report (default balance.md)")
    bal.add_argument("--mods", **hidden_mods)
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
    trc.add_argument("--seed", type=SEED, help="the world's seed (default: the scenario's)")
    trc.add_argument("--event", action="append", metavar="ID",
                     help="say each quarter why this event did not fire, for each city (repeatable)")
    trc.add_argument("--bot", default="pass", help="the strategy that plays the player's city (default pass)")
    trc.add_argument("--turns", type=whole(1, 10_000), help="stop after this many turns (default: the whole scenario)")
    trc.add_argument("--mods", **hidden_mods)
    trc.set_defaults(func=cmd_mods_trace)
    doc = msub.add_parser("docs", help="print or update the generated reference in docs/modding.md")
    doc.add_argument("--file", default="docs/modding.md")
    doc.add_argument("--write", action="store_true", help="rewrite the reference part of the file")
    doc.add_argument("--check", action="store_true", help="exit 1 when the file's reference is stale")
    doc.set_defaults(func=cmd_mods_docs)
    return parser


def _say(text: str) -> None:
    print(f"architect: {text}", file=sys.stderr)


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    return {name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name in action.choices}


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code (see the module's docstring)."""
    from game.mods.runtime_log import install

    install()  # problems met while playing content go to the content problem log
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not (set(argv) & (_commands(parser) | {"-h", "--help", "--version"})):
        argv = ["play", *argv]  # `architect`, `architect --mods DIR`, `architect --scenario X`
    try:
        args = parser.parse_args(argv)
        if args.command is None:  # a command's name was an option's value: `--mods play`
            args = parser.parse_args(["play", *argv])
    except SystemExit as exc:  # --help, --version, or a usage error already said on stderr
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        return args.func(args)
    except CommandError as exc:
        _say(str(exc))
        return exc.code
    except ContentError as exc:
        problems = [str(p) for p in exc.problems]
        if len(problems) == 1:
            _say(f"the content could not be loaded: {problems[0]}")
        else:  # a modder's list, one problem a line
            _say(f"the content could not be loaded ({len(problems)} problems):")
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader left (`architect ... | head`): nothing to say
        with contextlib.suppress(OSError):  # and nothing more to flush at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # as a shell reports a process ended by SIGPIPE
    except OSError as exc:  # a file or folder the checks above did not foresee
        where = f"{exc.filename}: " if exc.filename else ""
        _say(f"{where}{exc.strerror or exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("ARCHITECT_DEBUG"):
            raise
        _say(f"internal error (a bug; ARCHITECT_DEBUG=1 shows where): {type(exc).__name__}: "
             f"{' '.join(str(exc).split())[:300]}")
        return EX_SOFTWARE


if __name__ == "__main__":
    sys.exit(main())
