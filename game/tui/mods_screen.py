"""The mods screen: the content packs loaded, in load order (with what each requires or
loads after), what each brings, every item a later pack replaced or patched — who did
what, in order — the warnings (two packs changing one field among them), and the problems
of packs that could not be loaded."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.content.loader import Content

KINDS = ("scenarios", "sectors", "firms", "events")  # bots are few: not a column at 80 wide


def _table(title: str) -> Table:
    return Table(title=title, title_justify="left", title_style="bold", box=None, padding=(0, 1),
                 header_style="dim")


def pack_table(content: Content) -> Table:
    table = _table("Packs, in load order (a later pack replaces or patches an earlier one's items)")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Pack", max_width=40)
    table.add_column("Version", no_wrap=True)
    for kind in KINDS:
        table.add_column(kind.capitalize()[:6], justify="right", no_wrap=True)
    dirs = list(content.pack_dirs) or [Path("?")] * len(content.packs)
    labels = list(content.pack_labels) or [d.name for d in dirs]
    for n, (pack, folder, label) in enumerate(zip(content.packs, dirs, labels, strict=False), 1):
        counts = []
        for kind in KINDS:
            counts.append(str(sum(1 for (k, _), touches in content.touches.items()
                                  if k == kind and touches[0].file.startswith(label + "/"))))
        name = Text(pack.name, style="bold")
        name.append(f"\n{pack.id} · {folder}", style="dim")
        order = ([f"requires {', '.join(pack.requires)}"] if pack.requires else []) + \
            ([f"loads after {', '.join(pack.load_after)}"] if pack.load_after else [])
        if order:
            name.append("\n" + "; ".join(order), style="dim")
        table.add_row(str(n), name, pack.version, *counts)
    return table


def history_table(content: Content) -> Table | None:
    """Every item a pack after its author replaced or patched, with each hand on it in order."""
    rows = [(kind, item, touches) for (kind, item), touches in sorted(content.touches.items())
            if len(touches) > 1]
    if not rows:
        return None
    table = _table("Changed by later packs, in load order")
    table.add_column("Item", no_wrap=True)
    table.add_column("Who did what")
    for kind, item, touches in rows:
        steps = Text()
        for k, t in enumerate(touches):
            if k:
                steps.append("\n")
            steps.append(f"{k + 1}. {t.pack} ", style="bold" if k == len(touches) - 1 else "")
            steps.append(t.action)
            if t.action == "patches":
                steps.append(" " + ", ".join(t.fields))
            steps.append(f"  {t.file}:{t.line}", style="dim")
        table.add_row(f"{kind}/{item}", steps)
    return table


class ModsScreen(Screen[None]):
    """Read-only: packs, what they changed, warnings and problems."""

    BINDINGS = [Binding("escape,q", "back", "Back", id="mods.back")]

    def __init__(self, content: Content | None, problems: list[str]) -> None:
        super().__init__()
        self.content = content
        self.problems = problems

    def compose(self) -> ComposeResult:
        yield Static(Text("Mods and content packs", style="bold"), id="picker-title")
        with VerticalScroll(id="mods-body"):
            yield Static(self.body())
        yield Footer(compact=True)

    def body(self) -> Group:
        parts: list = []
        if self.content is not None:
            parts.append(pack_table(self.content))
            history = history_table(self.content)
            if history is not None:
                parts += [Text(""), history]
            if self.content.warnings:
                parts += [Text(""), Text(f"⚠ Warnings: {len(self.content.warnings)} (the packs load, but "
                                         "these cannot work as written)", style="bold yellow")]
                parts += [Text(f"{n}. {p}") for n, p in enumerate(self.content.warnings, 1)]
        if self.problems:
            parts += [Text(""), Text(f"✖ Packs that could not be loaded: {len(self.problems)} problem(s)",
                                     style="bold red")]
            parts += [Text(f"{n}. {p}") for n, p in enumerate(self.problems, 1)]
        else:
            parts += [Text(""), Text("✔ Every pack loaded without problems.", style="bold")]
        parts += [Text(""), Text("Packs load from the mods/ folder (or $ARCHITECT_MODS) and from "
                                 "--mods DIR, sorted by their requires and load_after. `architect mods "
                                 "validate DIR` checks a pack; docs/modding.md explains every field.",
                                 style="dim")]
        return Group(*parts)

    def on_mount(self) -> None:
        self.query_one("#mods-body").focus()

    def action_back(self) -> None:
        """Back to the title."""
        self.dismiss(None)
