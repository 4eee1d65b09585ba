"""Charts drawn with text: sparklines, bars, column and line charts with labelled axes.

Everything here returns rich ``Text`` built from characters, so a chart reads the same
in any theme and without colour: series differ by their marker, not only their hue.
``Chart`` is a widget that redraws its picture whenever it is resized.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

TICKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉█"
BOTH = "◆"  # two series in one cell


def resample(values: Sequence[float], width: int) -> list[float]:
    """At most ``width`` points: the last ``width`` when there are a few more, else bucket means."""
    vals = [float(v) for v in values if v is not None and math.isfinite(v)]
    if len(vals) <= width or width <= 0:
        return vals
    out = []
    for i in range(width):
        a = i * len(vals) // width
        b = max((i + 1) * len(vals) // width, a + 1)
        chunk = vals[a:b]
        out.append(sum(chunk) / len(chunk))
    return out


def spark(values: Sequence[float], width: int = 12, lo: float | None = None,
          hi: float | None = None) -> str:
    """A one-line sparkline; a flat or one-point series draws a quiet baseline."""
    vals = resample(values, width)
    if not vals:
        return ""
    lo = min(vals) if lo is None else lo
    hi = max(vals) if hi is None else hi
    if hi - lo < 1e-12:
        return TICKS[0] * len(vals)
    top = len(TICKS) - 1
    return "".join(TICKS[max(0, min(top, round((v - lo) / (hi - lo) * top)))] for v in vals)


def hbar(value: float, full: float, width: int) -> str:
    """A horizontal bar in eighths of a cell: ``value`` of ``full`` over ``width`` cells."""
    if width <= 0:
        return ""
    share = 0.0 if full <= 0 else max(0.0, min(1.0, value / full))
    eighths = round(share * width * 8)
    whole, part = divmod(eighths, 8)
    text = "█" * whole + (EIGHTHS[part] if part else "")
    return text.ljust(width)


def meter(share: float, width: int = 10) -> str:
    """A 0..1 figure as a filled/empty bar (▰▱), readable without colour."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return "▰" * filled + "▱" * (width - filled)


def nice_label(x: float) -> str:
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{x:.2f}".rstrip("0").rstrip(".") if a else "0"


@dataclass(frozen=True)
class Series:
    """One line on a chart: its name (for the legend), values and the character it draws with."""

    label: str
    values: Sequence[float]
    marker: str = "●"
    style: str = ""


def x_axis(labels: tuple[str, str], width: int) -> str:
    """The first and last dates under a chart (one date when they are the same)."""
    first, last = labels
    if first == last:
        return first[:width]
    span = max(width - len(first) - len(last), 1)
    return f"{first}{' ' * span}{last}"[:width]


def _axis(lo: float, hi: float, fmt: Callable[[float], str]) -> tuple[str, str, int]:
    top, bottom = fmt(hi), fmt(lo)
    return top, bottom, max(len(top), len(bottom))


def line_chart(series: Sequence[Series], width: int, height: int,
               x_labels: tuple[str, str] = ("", ""), fmt: Callable[[float], str] = nice_label,
               lo: float | None = None, hi: float | None = None, legend: bool = True) -> Text:
    """Series as markers over time, one column per point (resampled to fit), y axis labelled
    with its top and bottom, x axis with its first and last date. Cells where two series
    meet show ◆ (the legend says so)."""
    series = [s for s in series if len(resample(s.values, 10**9))]
    if not series or max(len(s.values) for s in series) < 2:
        return Text("No history yet: it builds up turn by turn.", style="dim")
    if width < 12 or height < 3:
        return Text("")
    plot_h = height - (2 if legend else 1)
    plot_h = max(plot_h, 2)
    all_vals = [v for s in series for v in resample(s.values, 10**9)]
    lo = min(all_vals) if lo is None else lo
    hi = max(all_vals) if hi is None else hi
    if hi - lo < 1e-12:
        hi, lo = hi + (abs(hi) * 0.05 or 1.0), lo - (abs(lo) * 0.05 or 0.0)
    top, bottom, axis_w = _axis(lo, hi, fmt)
    plot_w = max(width - axis_w - 2, 4)
    grid: list[list[tuple[str, str] | None]] = [[None] * plot_w for _ in range(plot_h)]
    n_points = max(len(resample(s.values, plot_w)) for s in series)
    # a short history spreads over the width; a long one takes a column a point
    step = (plot_w - 1) / (n_points - 1) if 1 < n_points < plot_w else 1.0

    def row_of(v: float) -> int:
        return max(0, min(plot_h - 1, plot_h - 1 - round((v - lo) / (hi - lo) * (plot_h - 1))))

    def put(x: int, row: int, mark: str, style: str) -> None:
        cell = grid[row][x]
        if cell is not None and cell[0] not in (mark, "·") and mark != "·":
            grid[row][x] = (BOTH, "bold")
        elif cell is None or cell[0] == "·":
            grid[row][x] = (mark, style)

    for s in series:
        vals = resample(s.values, plot_w)
        offset = n_points - len(vals)  # series that started later end at the same edge
        points = [(round((offset + i) * step), row_of(v)) for i, v in enumerate(vals)]
        if len(series) == 1:  # one series: join its points with a faint trail
            for (x0, r0), (x1, r1) in zip(points, points[1:], strict=False):
                for x in range(x0 + 1, x1):
                    put(x, round(r0 + (r1 - r0) * (x - x0) / (x1 - x0)), "·", "dim")
        for x, row in points:
            if x < plot_w:
                put(x, row, s.marker, s.style)
    text = Text()
    for r in range(plot_h):
        label = top if r == 0 else bottom if r == plot_h - 1 else ""
        text.append(label.rjust(axis_w), style="dim")
        text.append(" ┤" if r in (0, plot_h - 1) else " │", style="dim")
        for cell in grid[r]:
            if cell is None:
                text.append(" ")
            else:
                text.append(cell[0], style=cell[1])
        text.append("\n")
    text.append(" " * (axis_w + 2))
    text.append(x_axis(x_labels, plot_w), style="dim")
    if legend:
        text.append("\n")
        text.append(" " * (axis_w + 2))
        for i, s in enumerate(series):
            if i:
                text.append("   ")
            text.append(s.marker, style=s.style)
            text.append(f" {s.label}")
        if len(series) > 1:
            text.append(f"   {BOTH} both", style="dim")
    return text


def column_chart(values: Sequence[float], width: int, height: int,
                 x_labels: tuple[str, str] = ("", ""), fmt: Callable[[float], str] = nice_label,
                 label: str = "") -> Text:
    """Columns from zero in eighths of a cell (for flows such as land sales per quarter)."""
    vals = resample(values, 10**9)
    if not vals:
        return Text("No history yet: it builds up turn by turn.", style="dim")
    if width < 12 or height < 3:
        return Text("")
    plot_h = max(height - (2 if label else 1), 1)
    hi = max(max(vals), 1e-9)
    top, bottom, axis_w = _axis(0.0, hi, fmt)
    plot_w = max(width - axis_w - 2, 4)
    vals = resample(vals, plot_w)
    # a few quarters get wider columns (with a gap), a long history a column each
    bar = max(1, min(4, plot_w // max(len(vals), 1) - 1))
    gap = 1 if bar > 1 else 0
    levels = []
    for v in vals:
        level = round(v / hi * plot_h * 8) if v > 0 else 0
        levels += [level] * bar + [0] * gap
    text = Text()
    for r in range(plot_h):
        floor = (plot_h - 1 - r) * 8
        lab = top if r == 0 else bottom if r == plot_h - 1 else ""
        text.append(lab.rjust(axis_w), style="dim")
        text.append(" ┤" if r in (0, plot_h - 1) else " │", style="dim")
        for lv in levels[:plot_w]:
            fill = lv - floor
            text.append("█" if fill >= 8 else (TICKS[fill - 1] if fill > 0 else " "))
        text.append("\n")
    text.append(" " * (axis_w + 2))
    text.append(x_axis(x_labels, min(len(levels), plot_w)), style="dim")
    if label:
        text.append("\n" + " " * (axis_w + 2))
        text.append(label)
    return text


class Chart(Widget):
    """A picture drawn by ``draw(width, height)`` that is redrawn when its size changes.

    Set ``draw`` (or call ``plot``) with a function that returns rich Text for a size.
    """

    DEFAULT_CSS = """
    Chart {
        height: 8;
        width: 1fr;
    }
    """

    def __init__(self, draw: Callable[[int, int], Text] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._draw = draw

    def plot(self, draw: Callable[[int, int], Text]) -> None:
        """Show a new picture."""
        self._draw = draw
        self.refresh()

    def render(self) -> Text:
        if self._draw is None:
            return Text("")
        size = self.content_size
        return self._draw(size.width, size.height)
