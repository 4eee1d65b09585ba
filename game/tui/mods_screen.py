"""The mods screen: the content packs loaded, in load order, what each brings, the items
a later pack replaced, and the problems of packs that could not be loaded."""

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

KINDS = ("scenarios", "sectors", "firms", "events")


def pack_table(content: Content) -> Table:
    table = Table(title="Packs, in load order (a later pack overrides an earlier one by id)",
                  title_justify="left", title_style="bold", box=None, padding=(0, 1),
                  header_style="dim")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Pack", max_width=34)
    table.add_column("Version", no_wrap=True)
    for kind in KINDS:
        table.add_column(kind.capitalize()[:6], justify="right", no_wrap=True)
    dirs = list(content.pack_dirs) or [Path("?")] * len(content.packs)
    for n, (pack, folder) in enumerate(zip(content.packs, dirs, strict=False), 1):
        counts = []
        for kind in KINDS:
            counts.append(str(sum(1 for (k, _), (label, _) in content.sources.items()
                                  if k == kind and label.split("/")[0] == folder.name)))
        name = Text(pack.name, style="bold")
        name.append(f"\n{pack.id} · {folder}", style="dim")
        table.add_row(str(n), name, pack.version, *counts)
    return table


class ModsScreen(Screen[None]):
    """Read-only: packs, overrides and problems."""

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
            if self.content.overrides:
                over = Table(title="Replaced by a later pack", title_justify="left", title_style="bold",
                             box=None, padding=(0, 1), header_style="dim")
                for col in ("Kind", "Id", "Now from", "Instead of"):
                    over.add_column(col)
                for kind, item, won, lost in self.content.overrides:
                    over.add_row(kind, item, won, lost)
                parts += [Text(""), over]
        if self.problems:
            parts += [Text(""), Text(f"✖ Packs that could not be loaded: {len(self.problems)} problem(s)",
                                     style="bold red")]
            parts += [Text(f"{n}. {p}") for n, p in enumerate(self.problems, 1)]
        else:
            parts += [Text(""), Text("✔ Every pack loaded without problems.", style="bold")]
        parts += [Text(""), Text("Packs load from the mods/ folder (or $ARCHITECT_MODS) and from "
                                 "--mods DIR. `architect mods validate DIR` checks a pack; "
                                 "docs/modding.md explains every field.", style="dim")]
        return Group(*parts)

    def on_mount(self) -> None:
        self.query_one("#mods-body").focus()

    def action_back(self) -> None:
        """Back to the title."""
        self.dismiss(None)
