"""The classroom commands of ``architect``: classroom new/demo/decisions/what-if, export,
report, serve, and ``play --session`` / ``replay RESULT`` (wired in from game.cli)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli import run_game
from game.cli_args import (
    SEED,
    CommandError,
    check_scenarios,
    out_file,
    out_folder,
    usage_error,
    whole,
)
from game.content.loader import Content

if TYPE_CHECKING:
    from game.classroom.results import ResultFile


def _content(args: argparse.Namespace) -> Content:
    from game.cli import _content as cli_content  # the same packs as `architect play` loads

    return cli_content(args)


def _err(text: str) -> None:
    print(f"architect: {text}", file=sys.stderr)


def _decode(code: str, content: Content):
    from game.classroom.codes import CodeError, decode

    try:
        return decode(code, content)
    except CodeError as exc:
        _err(f"session code {code!r}: {exc}")
        return None


# ----- classroom new / demo / decisions / what-if -------------------------------------------


def cmd_classroom_new(args: argparse.Namespace) -> int:
    from game.classroom.codes import new_code

    content = _content(args)
    check_scenarios(content, [args.scenario])
    code, seed = new_code(content, args.scenario, args.seed)
    sc = content.scenario(args.scenario)
    print(code)
    print(f"\n{sc.name}, seed {seed}: {sc.turns} quarters from {sc.start_year} Q{sc.start_quarter}.")
    print("Students type:")
    print(f"    architect play --session {code}")
    print("In a browser (run this on the teacher's computer, then open http://HOST:8000):")
    print(f"    architect serve --session {code} --host 0.0.0.0")
    print("At the end, each student hands in a result file:")
    print(f"    architect export --session {code} --player \"NAME\" --out NAME.result.json")
    print("and the class report is:")
    print("    architect report RESULTS_FOLDER --out report/")
    return 0


def cmd_classroom_demo(args: argparse.Namespace) -> int:
    from game.classroom.codes import encode
    from game.classroom.results import ResultError
    from game.classroom.sample import make_class

    out = out_folder(args.out)
    content = _content(args)
    check_scenarios(content, [args.scenario])
    seed = args.seed if args.seed is not None else content.scenario(args.scenario).seed
    code = encode(content, args.scenario, seed)
    start = time.perf_counter()
    try:
        paths = make_class(content, args.scenario, seed, args.students, out, code=code)
    except ResultError as exc:
        raise CommandError(str(exc)) from None
    print(f"{len(paths)} results for {code} written to {args.out} in {time.perf_counter() - start:.1f} s")
    return 0


def _read_result_arg(path: str):
    from game.classroom.results import ResultError, read_result

    try:
        return read_result(path)
    except ResultError as exc:
        _err(str(exc))
        return None


def _result_with_content(args: argparse.Namespace) -> tuple[ResultFile, Content] | None:
    """The result file named by ``args.result`` and the content it was played with, or None
    (and the reason on stderr) when it cannot be read or its scenario is not loaded."""
    result = _read_result_arg(args.result)
    if result is None:
        return None
    content = _content(args)
    if result.payload.scenario not in content.scenarios:
        _err(f"the scenario {result.payload.scenario!r} is not loaded")
        return None
    return result, content


def cmd_classroom_decisions(args: argparse.Namespace) -> int:
    from game.classroom.whatif import result_decisions

    loaded = _result_with_content(args)
    if loaded is None:
        return 1
    result, content = loaded
    for m in result_decisions(result, content):
        print(f"turn {m.turn:>3} #{m.index}  {m.date}  {m.text}")
    return 0


def _action_problem(action: dict) -> str | None:
    """The first thing wrong with a decision given as JSON, in a line; None when it is one."""
    from pydantic import ValidationError

    from game.engine.actions import parse_action

    try:
        parse_action(action)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:])  # loc[0] is the kind's tag
        return f"{where}: {first['msg']}" if where else first["msg"]
    return None


def cmd_classroom_what_if(args: argparse.Namespace) -> int:
    from game.classroom.whatif import Change, WhatIfError, what_if_result

    loaded = _result_with_content(args)
    if loaded is None:
        return 1
    result, content = loaded
    action = None
    text = args.action or args.insert
    if text:
        try:
            action = json.loads(text)
        except json.JSONDecodeError as exc:
            _err(f"the new decision is not JSON ({exc.msg}); e.g. "
                 "'{\"kind\": \"sell_land\", \"hectares\": 100}'")
            return 2
        if not isinstance(action, dict):
            _err("the new decision must be a JSON object with a \"kind\"")
            return 2
        problem = _action_problem(action)
        if problem:
            raise usage_error(f"the new decision is not a valid action: {problem} "
                              "(`architect classroom what-if --help` shows each kind's fields)")
    try:
        wi = what_if_result(result, content, Change(args.turn, args.index, action, insert=bool(args.insert)))
    except WhatIfError as exc:
        _err(str(exc))
        return 2
    print(wi.summary())
    print()
    print(f"{'date':<8}{'GDP':>9}{'what if':>9}{'land':>7}{'what if':>9}{'treasury':>10}{'what if':>9}"
          f"{'portfolio':>11}{'what if':>9}")
    for r in wi.rows():
        def cell(v, fmt):
            return "—" if v is None else format(v, fmt)
        print(f"{r['date']:<8}{cell(r['gdp'], ',.0f'):>9}{cell(r['gdp_what_if'], ',.0f'):>9}"
              f"{cell(r['land_share'], '.0%'):>7}{cell(r['land_share_what_if'], '.0%'):>9}"
              f"{cell(r['treasury'], ',.1f'):>10}{cell(r['treasury_what_if'], ',.1f'):>9}"
              f"{cell(r['portfolio'], ',.1f'):>11}{cell(r['portfolio_what_if'], ',.1f'):>9}")
    return 0


# ----- play --session, export, replay RESULT ------------------------------------------------


def cmd_play_session(args: argparse.Namespace) -> int:
    """Start exactly the world a session code names (saves and exports carry the code)."""
    from game.cli import _mod_dirs

    content = _content(args)
    decoded = _decode(args.session, content)
    if decoded is None:
        return 1
    return run_game(args, scenario=decoded.scenario_id, seed=decoded.seed, content=content,
                    mods=_mod_dirs(args), session_code=args.session)


def _find_save(args: argparse.Namespace, decoded):
    """The save to export: --load, else the newest save of the session's world."""
    from game.saves import SaveError, list_saves, read_save, resolve, save_arg

    if args.load:
        return read_save(resolve(save_arg(args.load), args.saves))
    for info in list_saves(args.saves):
        if not info.ok or info.scenario != decoded.scenario_id:
            continue
        try:
            sf = read_save(info.path)
        except SaveError:
            continue
        if sf.payload.seed == decoded.seed and sf.payload.meta.get("session_code", args.session) == args.session:
            return sf
    raise SaveError(f"no save of the session {args.session} ({decoded.scenario_id}, seed "
                    f"{decoded.seed}) was found in the save folder; save the game first, or name "
                    "the save with --load")


def cmd_export(args: argparse.Namespace) -> int:
    from game.classroom.results import SUFFIX as RESULT_SUFFIX
    from game.classroom.results import ResultError, export_results
    from game.saves import SaveError, load_game

    if not args.load and not args.session:
        raise usage_error("say which game to export: --load SAVE, or --session CODE for the newest "
                          "save of that session")
    out = out_file(args.out) if args.out.endswith(RESULT_SUFFIX) else out_folder(args.out)
    content = _content(args)
    decoded = _decode(args.session, content) if args.session else None
    if args.session and decoded is None:
        return 1
    try:
        save = _find_save(args, decoded)
        session = load_game(save.path, content=content)
    except SaveError as exc:
        raise CommandError(f"cannot open the save: {exc}") from None
    p = save.payload
    if decoded is not None and (p.scenario, p.seed) != (decoded.scenario_id, decoded.seed):
        raise CommandError(f"{save.name} is a game of {p.scenario} with seed {p.seed}, not the world "
                           f"of the session {args.session} ({decoded.scenario_id}, seed {decoded.seed})")
    meta = p.meta
    code = args.session or (meta.get("session_code") if isinstance(meta.get("session_code"), str) else None)
    players = args.player or []
    if not players:
        name = meta.get("player") if isinstance(meta.get("player"), str) else p.name
        players = [name] if len(session.humans) == 1 else [
            session.world.cities[c].name for c in session.humans]
    try:
        paths = export_results(session, out, players=players, code=code, content=content)
    except ResultError as exc:
        raise CommandError(str(exc)) from None
    for path in paths:
        print(f"wrote {path}")
    return 0


def cmd_replay_result(args: argparse.Namespace) -> int:
    """`architect replay` given a result file: check it the way the class report does."""
    from game.classroom.results import check_file

    checked = check_file(args.save, _content(args))
    name = Path(args.save).name
    for text in checked.warnings:
        print(f"warning: {text}", file=sys.stderr)
    if checked.ok:
        o = checked.outcome
        print(f"OK: {name} ({checked.player}) replays to the recorded state: score {o['score']:.1f} "
              f"({o['grade']})")
        return 0
    print(f"{checked.status.upper()}: {name}: {checked.message}")
    raise CommandError(f"{name} is not verified ({checked.status}; why is above)")


# ----- report, serve --------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    from game.classroom.report import build_report, write_report
    from game.classroom.results import find_results

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise usage_error(f"no such file or folder: {missing[0]}")
    out = out_folder(args.out)
    if not find_results(args.paths):
        raise CommandError("no result files found (they end in .result.json)")
    content = _content(args)

    def show(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rchecking {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    report = build_report(args.paths, content, progress=show)
    paths = write_report(report, out)
    s = report.summary()
    print(f"{s['verified']} of {s['files']} results verified by replay, {s['flagged']} flagged; "
          f"{report.seconds:.1f} s")
    for sec in s["scenarios"]:
        print(f"  {sec['name']}: {sec['students']} students, median score {sec['score_median']:.1f}")
    for e in report.flagged:
        print(f"  flagged: {e.checked.path.name if e.checked.path else '?'}: {e.checked.status}: "
              f"{e.checked.message}")
    for p in paths.values():
        print(f"wrote {p}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from game.cli import saves_folder
    from game.saves import default_saves_dir
    from game.serve import BROWSERS_FOLDER, make_server, play_command

    mods = getattr(args, "mods", None) or []
    if args.session:
        content = _content(args)
        if _decode(args.session, content) is None:
            return 1
    root = default_saves_dir(saves_folder(args)) / BROWSERS_FOLDER

    def command_for(folder: Path) -> str:
        return play_command(session=args.session, mods=mods, saves=folder)

    if args.dry_run:
        print(f"would serve {command_for(root / 'browser-ID')!r} on http://{args.host}:{args.port} "
              f"(at most {args.max_games} games at once; each browser's saves in {root})")
        return 0
    try:
        make_server(command_for, args.host, args.port, saves_root=root, max_games=args.max_games).serve()
    except OSError as exc:  # the port is taken, the address is not this computer's
        raise CommandError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return 0


# ----- wiring -----------------------------------------------------------------------------------


def _actions_help() -> str:
    """The JSON of every decision --action and --insert accept, from the action models."""
    from typing import get_args

    from game.cli_args import help_text
    from game.engine.actions import LoggedAction

    shapes: list[str] = []
    for model in get_args(get_args(LoggedAction)[0]):
        fields = [f'"{name}": {_json_type(name, info.annotation)}' for name, info in model.model_fields.items()
                  if name not in ("kind", "city")]
        kind = model.model_fields["kind"].default
        shapes.append("{" + ", ".join([f'"kind": "{kind}"', *fields]) + "}")
    return help_text("The JSON of --action and --insert is an object with a \"kind\" and that "
                     "kind's fields. FIRM is a firm's id as the result's log records it, SECTOR a "
                     "sector's id (such as display-panels or memory-chips); an event's options "
                     "count from 0.", shapes,
                     "For example:  architect classroom what-if ana.result.json --turn 16 --index 0 "
                     "--action '{\"kind\": \"sell_land\", \"hectares\": 100}'")


def _json_type(name: str, annotation) -> str:
    """How a field looks in the JSON: NUMBER, true|false, its literal choices, or its name."""
    from typing import Literal, get_args, get_origin

    if annotation is bool:
        return "true|false"
    if annotation in (int, float):
        return "NUMBER"
    if get_origin(annotation) is Literal:
        return "|".join(f'"{v}"' for v in get_args(annotation))
    return f'"{name.upper()}"'


def add_commands(sub: argparse._SubParsersAction) -> None:
    from game.serve import BROWSERS_FOLDER as BROWSERS
    from game.serve import DEFAULT_HOST, DEFAULT_MAX_GAMES, DEFAULT_PORT

    hidden = {"action": "append", "metavar": "DIR", "default": argparse.SUPPRESS, "help": argparse.SUPPRESS}
    turn_help = ("the turn as `classroom decisions` numbers it: 0 is the game's first quarter "
                 "(the screen's Turn 1), 16 its seventeenth")

    cls = sub.add_parser("classroom", help="session codes, a demo class, what-if for the debrief")
    csub = cls.add_subparsers(dest="classroom_command", required=True, metavar="COMMAND")
    new = csub.add_parser("new", help="print a session code for a scenario (every student gets the same world)")
    new.add_argument("--scenario", required=True, help="the scenario (see `architect scenarios`)")
    new.add_argument("--seed", type=SEED, help="the world's seed (default: a random one below 1024)")
    new.add_argument("--mods", **hidden)
    new.set_defaults(func=cmd_classroom_new)
    demo = csub.add_parser("demo", help="play a made-up class and write its results (try the report first)")
    demo.add_argument("--scenario", default="classroom", help="the scenario (default classroom)")
    demo.add_argument("--seed", type=SEED, help="the world's seed (default: the scenario's own)")
    demo.add_argument("--students", type=whole(1, 500), default=30, help="how many (default 30, at most 500)")
    demo.add_argument("--out", required=True, metavar="DIR", help="the folder for the result files")
    demo.add_argument("--mods", **hidden)
    demo.set_defaults(func=cmd_classroom_demo)
    dec = csub.add_parser("decisions", help="list a result's decisions (turn and number, for what-if)")
    dec.add_argument("result", metavar="RESULT", help="a .result.json file")
    dec.add_argument("--mods", **hidden)
    dec.set_defaults(func=cmd_classroom_decisions)
    wif = csub.add_parser("what-if", help="change or remove one decision of a result and replay the seed",
                          description="Replay a student's result from its seed with one decision "
                          "removed, replaced or added, and print both games side by side.",
                          more_help=_actions_help)
    wif.add_argument("result", metavar="RESULT", help="a .result.json file")
    wif.add_argument("--turn", type=whole(0), required=True, help=turn_help)
    wif.add_argument("--index", type=whole(0), required=True,
                     help="the decision's number in that turn (the #N of `classroom decisions`)")
    how = wif.add_mutually_exclusive_group(required=True)
    how.add_argument("--remove", action="store_true", help="take the decision out")
    how.add_argument("--action", metavar="JSON", help="replace it with this decision (JSON below)")
    how.add_argument("--insert", metavar="JSON", help="add this decision before it (JSON below)")
    wif.add_argument("--mods", **hidden)
    wif.set_defaults(func=cmd_classroom_what_if)

    exp = sub.add_parser("export", help="write a result file (for the class report) from a save")
    exp.add_argument("--load", metavar="SAVE", help="a save name or file")
    exp.add_argument("--session", metavar="CODE", help="the session code (default save: the newest of that world)")
    exp.add_argument("--player", action="append", metavar="NAME",
                     help="the player's name (hot-seat: once per player, in order)")
    exp.add_argument("--out", required=True, metavar="FILE", help="a .result.json file, or a folder")
    exp.add_argument("--saves", metavar="DIR", help="the save folder (as for play)")
    exp.add_argument("--mods", **hidden)
    exp.set_defaults(func=cmd_export)

    rep = sub.add_parser(
        "report", help="check a class's result files by replay and write the class report",
        description="Read the result files named (or every *.result.json in the folders named), "
        "replay each from its seed to check it was played, not edited, and write report.md, "
        "report.html and results.csv into --out: scores, strategies, the class's decisions "
        "against the real history. A file that cannot be checked is listed as flagged, with why.")
    rep.add_argument("paths", nargs="+", metavar="FILES_OR_DIR", help="result files, or folders of them")
    rep.add_argument("--out", required=True, metavar="DIR", help="the folder for the report (made if missing)")
    rep.add_argument("--mods", **hidden)
    rep.set_defaults(func=cmd_report)

    srv = sub.add_parser("serve", help="play in a browser (textual-serve); binds 127.0.0.1 unless --host",
                         description="Serve the game to browsers: each browser connection plays its "
                         "own game on this computer. Only this server's own pages start games; each "
                         "browser saves into a folder of its own.")
    srv.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST}: this "
                     "computer only; 0.0.0.0 for a classroom network)")
    srv.add_argument("--port", type=whole(1, 65535), default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    srv.add_argument("--session", metavar="CODE", help="every browser starts this session's world")
    srv.add_argument("--max-games", type=whole(1, 1000), default=DEFAULT_MAX_GAMES,
                     help=f"games at once; later browsers are told the server is full (default {DEFAULT_MAX_GAMES})")
    srv.add_argument("--saves", metavar="DIR", help="the save folder (as for play); each browser "
                     f"gets a folder in its {BROWSERS} folder")
    srv.add_argument("--dry-run", action="store_true", help="print what would be served and stop")
    srv.add_argument("--mods", **hidden)
    srv.set_defaults(func=cmd_serve)
