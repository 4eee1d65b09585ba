"""Simple rich Tables laid out once: the same cells, the same segments, for a fraction of
the cost.

rich measures and renders a Table cell by cell (padding, measurement, wrapping): a few
milliseconds for a dozen rows, paid again whenever Textual asks for the height or the lines.
A borderless table without a header, with one-line cells and padding (0, 1), is laid out
here as rich lays it out, once, into the very segments rich would yield (the screenshots
stay byte for byte the same). Any other table, or one wider than the room it gets, is drawn
by rich as before.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import RenderResult as WidgetRender
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions, RichVisual, Visual
from textual.widgets import Static

PAD = Segment(" ", Style.null())  # what rich's Padding puts each side of a cell


class Lines:
    """Segments already laid out, one list a line: a renderable that costs nothing to draw."""

    def __init__(self, lines: list[list[Segment]], width: int) -> None:
        self.lines = lines
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        new_line = Segment.line()
        for line in self.lines:
            yield from line
            yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)


def _simple(table: Table) -> bool:
    return (table.box is None and not table.show_header and not table.show_footer
            and not table.expand and table.min_width is None and not table.caption
            and table.style in ("", "none", None) and not table.row_styles
            and not table.show_lines and not table.leading and not table.collapse_padding
            and table.pad_edge and tuple(table.padding) == (0, 1, 0, 1) and bool(table.columns)
            and all(c.style in ("", None) and c.width is None and c.min_width is None
                    and c.max_width is None and not c.highlight and c.justify != "full"
                    and c._cells for c in table.columns))


def table_lines(table: Table, console: Console) -> Lines | None:
    """The table laid out as rich would at any width it fits in, or None when rich must
    draw it (a table this module does not handle)."""
    if not _simple(table):
        return None
    columns: list[list[Text]] = []
    for column in table.columns:
        cells = []
        for cell in column._cells:
            if isinstance(cell, str):
                cell = console.render_str(cell, highlight=False)
            if not isinstance(cell, Text) or "\n" in cell.plain or "\t" in cell.plain:
                return None
            cells.append(cell)
        columns.append(cells)
    widths = [max(cell_len(c.plain) for c in cells) for cells in columns]
    width = sum(w + 2 for w in widths)
    lines: list[list[Segment]] = []
    if table.title:
        title = table.title if isinstance(table.title, Text) else console.render_str(
            table.title, style=Style.pick_first(table.title_style, "table.title"), highlight=False)
        if "\n" in title.plain or cell_len(title.plain) > width:
            return None
        lines.append(_cell(title, width, table.title_justify, console))
    for cells in zip(*columns, strict=True):
        line: list[Segment] = []
        for cell, column, w in zip(cells, table.columns, widths, strict=True):
            line.append(PAD)
            line.extend(_cell(cell, w, cell.justify or column.justify, console))
            line.append(PAD)
        lines.append(line)
    return Lines(lines, width)


def _cell(text: Text, width: int, justify: str | None, console: Console) -> list[Segment]:
    """One line of a cell as rich justifies it: the padding takes the text's own style,
    except with "default", where rich pads with unstyled spaces."""
    text = text.copy()
    pad: list[Segment] = []
    if justify in ("right", "center"):
        text.rstrip()
        room = width - cell_len(text.plain)
        text.pad_left(room if justify == "right" else room // 2)
        text.pad_right(width - cell_len(text.plain))
    elif justify == "left":
        text.pad_right(width - cell_len(text.plain))
    elif width > cell_len(text.plain):
        pad = [Segment(" " * (width - cell_len(text.plain)), Style.null())]
    joined = Text()  # as rich joins the lines of a Text: its own style becomes a span
    joined.append_text(text)
    return [*joined.render(console, end=""), *pad]


class FittedTable(Visual):
    """The laid-out lines where the table fits, rich's own drawing where it does not."""

    def __init__(self, widget: Static, table: Table) -> None:
        self.rich = RichVisual(widget, table)
        lines = table_lines(table, widget.app.console)
        self.fast = RichVisual(widget, lines) if lines is not None else None
        self.width = lines.width if lines is not None else 0

    def _pick(self, width: int) -> Visual:
        return self.fast if self.fast is not None and width >= self.width else self.rich

    def render_strips(self, width: int, height: int | None, style: VisualStyle,
                      options: RenderOptions) -> list[Strip]:
        return self._pick(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self._pick(container_width).get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.rich.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._pick(width).get_height(rules, width)


class TableStatic(Static):
    """A Static that shows a rich Table, laid out once where it can be (see the module)."""

    def __init__(self, table: Table, **kwargs) -> None:
        super().__init__(table, **kwargs)
        self._fitted: FittedTable | None = None

    def update(self, content: Table, *, layout: bool = True) -> None:  # type: ignore[override]
        """Show another table."""
        self._fitted = None
        super().update(content, layout=layout)

    def render(self) -> WidgetRender:
        if self._fitted is None:
            table = self.content
            assert isinstance(table, Table)
            self._fitted = FittedTable(self, table)
        return self._fitted
