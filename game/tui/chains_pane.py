"""The Supply chains tab: a sector's input graph drawn as boxes and arrows.

Columns run upstream to downstream: the inputs of its inputs, its inputs, the sector,
and the sectors that buy from it. Each box shows the city's chain density in that
sector (▰▱ and a percentage), its firms and capacity here; each arrow carries the
density of the supplying sector, how much of that input the city can source locally.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.widgets import Static

from game.engine.session import Session
from game.tui.charts import meter
from game.tui.record import Records

UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8
LINE_CHARS = {
    LEFT | RIGHT: "─", UP | DOWN: "│", LEFT: "─", RIGHT: "─", UP: "│", DOWN: "│",
    DOWN | RIGHT: "╭", DOWN | LEFT: "╮", UP | RIGHT: "╰", UP | LEFT: "╯",
    UP | DOWN | RIGHT: "├", UP | DOWN | LEFT: "┤", LEFT | RIGHT | DOWN: "┬",
    LEFT | RIGHT | UP: "┴", UP | DOWN | LEFT | RIGHT: "┼",
}
BOX_H = 5


class Canvas:
    """A grid of characters where lines that cross or meet join up (├ ┬ ┼ ...)."""

    def __init__(self, width: int, height: int) -> None:
        self.w, self.h = width, height
        self.chars: list[list[tuple[str, str] | None]] = [[None] * width for _ in range(height)]
        self.masks = [[0] * width for _ in range(height)]

    def put(self, x: int, y: int, text: str, style: str = "") -> None:
        for i, ch in enumerate(text):
            if 0 <= x + i < self.w and 0 <= y < self.h:
                self.chars[y][x + i] = (ch, style)

    def _mark(self, x: int, y: int, mask: int) -> None:
        if 0 <= x < self.w and 0 <= y < self.h:
            self.masks[y][x] |= mask

    def hline(self, x0: int, x1: int, y: int) -> None:
        a, b = sorted((x0, x1))
        for x in range(a, b + 1):
            self._mark(x, y, (LEFT if x > a else 0) | (RIGHT if x < b else 0))

    def vline(self, x: int, y0: int, y1: int) -> None:
        a, b = sorted((y0, y1))
        for y in range(a, b + 1):
            self._mark(x, y, (UP if y > a else 0) | (DOWN if y < b else 0))

    def box(self, x: int, y: int, w: int, lines: list[tuple[str, str]], style: str = "",
            heavy: bool = False) -> None:
        tl, tr, bl, br, hz, vt = ("┏", "┓", "┗", "┛", "━", "┃") if heavy else ("╭", "╮", "╰", "╯", "─", "│")
        self.put(x, y, tl + hz * (w - 2) + tr, style)
        for i in range(BOX_H - 2):
            text, st = lines[i] if i < len(lines) else ("", "")
            self.put(x, y + 1 + i, vt, style)
            self.put(x + 1, y + 1 + i, text[: w - 2].ljust(w - 2), st)
            self.put(x + w - 1, y + 1 + i, vt, style)
        self.put(x, y + BOX_H - 1, bl + hz * (w - 2) + br, style)

    def render(self) -> Text:
        lines = []
        for y in range(self.h):
            line = Text()
            for x in range(self.w):
                cell = self.chars[y][x]
                if cell is not None:
                    line.append(cell[0], style=cell[1])
                elif self.masks[y][x]:
                    line.append(LINE_CHARS.get(self.masks[y][x], "┼"), style="dim")
                else:
                    line.append(" ")
            line.rstrip()
            lines.append(line)
        return Text("\n").join(lines)


@dataclass
class Node:
    sid: str
    col: int
    x: int = 0
    y: int = 0


def chain_columns(rows: dict[str, dict], name_to_id: dict[str, str], sid: str) -> list[list[str]]:
    """[inputs of inputs, inputs, the sector, its buyers], empty columns dropped."""
    inputs = [name_to_id[n] for n in rows[sid]["inputs"] if n in name_to_id]
    deeper: list[str] = []
    for i in inputs:
        for n in rows[i]["inputs"]:
            j = name_to_id.get(n)
            if j and j not in deeper and j not in inputs and j != sid:
                deeper.append(j)
    buyers = [k for k, r in rows.items() if rows[sid]["name"] in r["inputs"] and k != sid]
    return [c for c in (deeper, inputs, [sid], buyers) if c]


def diagram(session: Session, sid: str, width: int) -> Text:
    rows = {r["id"]: r for r in session.sectors()}
    if sid not in rows:
        return Text("")
    name_to_id = {r["name"]: k for k, r in rows.items()}
    columns = chain_columns(rows, name_to_id, sid)
    n = len(columns)
    gap = 12 if width >= 100 else 8
    box_w = max(min((width - (n - 1) * gap) // n, 24), 14)
    height = max(len(c) for c in columns) * (BOX_H + 1) - 1
    canvas = Canvas(n * box_w + (n - 1) * gap, height)
    nodes: dict[str, Node] = {}
    for ci, col in enumerate(columns):
        top = (height - (len(col) * (BOX_H + 1) - 1)) // 2
        for ri, s in enumerate(col):
            nodes[s] = Node(s, ci, ci * (box_w + gap), top + ri * (BOX_H + 1))
    mine = [r for r in session.firms() if r["mine"] and r["stage"] not in ("failed", "withdrawn", "prospect")]
    # links first, so boxes and labels sit on top of them
    for s, node in nodes.items():
        for name in rows[s]["inputs"]:
            src = nodes.get(name_to_id.get(name, ""))
            if src is None or src.col >= node.col:
                continue
            x0, y0 = src.x + box_w, src.y + BOX_H // 2
            x1, y1 = node.x - 1, node.y + BOX_H // 2
            xm = x1 - 2
            canvas.hline(x0, xm, y0)
            canvas.vline(xm, y0, y1)
            canvas.hline(xm, x1, y1)
            canvas.put(x1, y1, "▶", "bold")
            d = rows[src.sid]["density"]
            label = f"{d:.0%}" if len(f"{d:.0%}") + 1 <= xm - x0 - 1 else f"{d * 100:.0f}"
            canvas.put(x0 + 1, y0, label, "bold")
    for s, node in nodes.items():
        r = rows[s]
        here = [f for f in mine if f["sector_id"] == s]
        cap = sum(f["capacity"] for f in here)  # producing or being built
        inner = box_w - 2
        lines = [
            (r["name"], "bold"),
            (f"{meter(r['density'], max(min(inner - 5, 8), 3))} {r['density']:.0%}", ""),
            (f"{len(here)} firm{'s' if len(here) != 1 else ''} · {cap:,.1f} bn" if here else "no firm here", "dim"),
        ]
        canvas.box(node.x, node.y, box_w, lines, "bold" if s == sid else "", heavy=s == sid)
    return canvas.render()


class ChainDiagram(ScrollableContainer, can_focus=True):
    """The diagram; ←→ (or [ ]) pick the sector, the arrow keys scroll when it is large."""

    BINDINGS = [
        Binding("left,left_square_bracket", "step(-1)", "Previous sector", show=False),
        Binding("right,right_square_bracket", "step(1)", "Next sector", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="chain-canvas")

    def on_resize(self) -> None:
        pane = next((a for a in self.ancestors if isinstance(a, ChainsPane)), None)
        if pane is not None:
            pane.draw()

    def action_step(self, delta: int) -> None:
        """Show the previous or next sector."""
        pane = next(a for a in self.ancestors if isinstance(a, ChainsPane))
        pane.step(delta)


class ChainsPane(Vertical):
    """A sector picker line, the diagram, and a key to read it."""

    DEFAULT_CSS = """
    ChainsPane { height: 1fr; }
    ChainsPane #chain-picker { height: 1; padding: 0 1; background: $boost; }
    ChainsPane ChainDiagram { height: 1fr; border: round $primary; padding: 0 1; }
    ChainsPane ChainDiagram:focus { border: round $accent; }
    ChainsPane #chain-canvas { width: auto; height: auto; }
    ChainsPane #chain-key { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session: Session | None = None
        self.sector: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="chain-picker")
        yield ChainDiagram(id="chain-diagram")
        yield Static("Boxes: a sector with your chain density (▰ and %), your firms and their "
                     "capacity (¥ bn a year). Arrows: supplier → buyer, labelled with how much "
                     "of that input your city makes locally. c courts suppliers for a link.",
                     id="chain-key")

    def on_mount(self) -> None:
        self.query_one(ChainDiagram).border_title = "Supply chain"

    def order(self) -> list[dict]:
        assert self.session is not None
        return self.session.sectors()

    def refresh_from(self, session: Session, records: Records | None = None) -> None:
        self.session = session
        rows = self.order()
        ids = [r["id"] for r in rows]
        if self.sector not in ids:  # start on the first sector that has inputs
            self.sector = next((r["id"] for r in rows if r["inputs"]), ids[0] if ids else None)
        self.draw()

    def step(self, delta: int) -> None:
        if self.session is None:
            return
        ids = [r["id"] for r in self.order()]
        if self.sector in ids:
            self.sector = ids[(ids.index(self.sector) + delta) % len(ids)]
            self.draw()

    def draw(self) -> None:
        if self.session is None or self.sector is None:
            return
        rows = self.order()
        ids = [r["id"] for r in rows]
        i = ids.index(self.sector)
        picker = Text.assemble(("◀ ", "bold"), f"Sector {i + 1} of {len(ids)}: ",
                               (rows[i]["name"], "bold"), (" ▶", "bold"),
                               ("   ←→ or [ ] change", "dim"))
        self.query_one("#chain-picker", Static).update(picker)
        box = self.query_one(ChainDiagram)
        width = box.content_size.width or (self.size.width - 4) or 76
        self.query_one("#chain-canvas", Static).update(diagram(self.session, self.sector, width))
