"""Small SVG charts drawn by hand for the class report: no libraries, no scripts, no links.

Each function returns one ``<svg>`` element as text, sized for a report page, with a
``<title>`` and an ``aria-label`` so the chart has words for screen readers too. Colour
never carries meaning alone: series are labelled and the median line is dashed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 30, 44
INK = "#222"
GRID = "#ddd"
ACCENT = "#1f6fb2"
SOFT = "#8fb3d9"
PALETTE = ("#1f6fb2", "#d9822b", "#2e8b57", "#b23a48", "#7b5ea7", "#6b6b6b")


def _open(title: str) -> list[str]:
    t = escape(title)
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{t}" '
            'font-family="sans-serif" font-size="11">',
            f"<title>{t}</title>",
            f'<text x="{LEFT}" y="18" font-size="13" font-weight="bold" fill="{INK}">{t}</text>']


def _nice_max(value: float) -> float:
    if value <= 0 or not math.isfinite(value):
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _nice_top(value: float, ticks: int = 4) -> float:
    """The smallest top of the axis above ``value`` whose ``ticks`` steps are round numbers."""
    raw = value / ticks
    exp = 10 ** math.floor(math.log10(raw))
    step = next(m * exp for m in (1, 1.5, 2, 2.5, 5, 10) if raw <= m * exp)
    return step * ticks


def _scale(lo: float, hi: float, a: float, b: float):
    span = (hi - lo) or 1.0
    return lambda v: a + (v - lo) / span * (b - a)


def _axes(parts: list[str], x_label: str, y_label: str, y_lo: float, y_hi: float,
          y_fmt=lambda v: f"{v:g}") -> None:
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP
    sy = _scale(y_lo, y_hi, y0, y1)
    for k in range(5):
        v = y_lo + (y_hi - y_lo) * k / 4
        y = sy(v)
        parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
                     f"{escape(y_fmt(v))}</text>")
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="{INK}"/>')
    parts.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="{INK}"/>')
    parts.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
                 f'fill="{INK}">{escape(x_label)}</text>')
    parts.append(f'<text x="14" y="{(y0 + y1) / 2:.1f}" text-anchor="middle" fill="{INK}" '
                 f'transform="rotate(-90 14 {(y0 + y1) / 2:.1f})">{escape(y_label)}</text>')


def histogram(values: Sequence[float], title: str, x_label: str = "score",
              lo: float = 0.0, hi: float = 100.0, bins: int = 10) -> str:
    """Counts of ``values`` in ``bins`` equal bins from ``lo`` to ``hi``."""
    counts = [0] * bins
    width = (hi - lo) / bins
    for v in values:
        k = min(max(int((v - lo) // width), 0), bins - 1)
        counts[k] += 1
    top = max(max(counts), 1)
    y_hi = _nice_max(top) if top > 4 else top + 1
    parts = _open(title)
    _axes(parts, x_label, "students", 0, y_hi, lambda v: f"{v:.0f}" if v == int(v) else "")
    x0, x1, y0 = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM
    sx = _scale(lo, hi, x0, x1)
    sy = _scale(0, y_hi, y0, TOP)
    for k, n in enumerate(counts):
        a, b = sx(lo + k * width), sx(lo + (k + 1) * width)
        left = lo + k * width
        parts.append(f'<rect x="{a + 1:.1f}" y="{sy(n):.1f}" width="{b - a - 2:.1f}" '
                     f'height="{y0 - sy(n):.1f}" fill="{ACCENT}">'
                     f"<title>{left:g}–{left + width:g}: {n}</title></rect>")
        if n:
            parts.append(f'<text x="{(a + b) / 2:.1f}" y="{sy(n) - 3:.1f}" text-anchor="middle" '
                         f'fill="{INK}">{n}</text>')
        parts.append(f'<text x="{a:.1f}" y="{y0 + 14}" text-anchor="middle" fill="{INK}">{left:g}</text>')
    parts.append(f'<text x="{x1:.1f}" y="{y0 + 14}" text-anchor="middle" fill="{INK}">{hi:g}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def lines(series: Sequence[tuple[str, Sequence[float], Sequence[float]]], title: str,
          x_label: str, y_label: str, median: tuple[Sequence[float], Sequence[float]] | None = None,
          percent: bool = False, x_ticks: Sequence[tuple[float, str]] = (),
          from_zero: bool = True) -> str:
    """One thin line per (label, xs, ys); an optional dashed median line on top. Without
    ``from_zero`` the axis starts at a round number below the lowest value."""
    xs_all = [x for _, xs, _ in series for x in xs] or [0.0, 1.0]
    ys_all = [y for _, _, ys in series for y in ys if math.isfinite(y)] or [0.0, 1.0]
    x_lo, x_hi = min(xs_all), max(max(xs_all), min(xs_all) + 1)
    y_lo = min(0.0, min(ys_all))
    y_hi = _nice_top(max(ys_all)) if max(ys_all) > 0 else 1.0
    if not from_zero and max(ys_all) > min(ys_all) > 0:
        step = _nice_top(max(ys_all) - min(ys_all)) / 4
        y_lo = math.floor(min(ys_all) / step) * step
        y_hi = y_lo + _nice_top(max(ys_all) - y_lo)
    parts = _open(title)
    fmt = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:,.0f}")
    _axes(parts, x_label, y_label, y_lo, y_hi, fmt)
    sx = _scale(x_lo, x_hi, LEFT, WIDTH - RIGHT)
    sy = _scale(y_lo, y_hi, HEIGHT - BOTTOM, TOP)
    for x, text in x_ticks:
        anchor = "end" if sx(x) > WIDTH - RIGHT - 12 else "middle"
        parts.append(f'<text x="{sx(x):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="{anchor}" '
                     f'fill="{INK}">{escape(text)}</text>')
    for label, xs, ys in series:
        pts = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs, ys, strict=False) if math.isfinite(y))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{SOFT}" stroke-width="1.2" '
                     f'opacity="0.8"><title>{escape(label)}</title></polyline>')
    if median is not None:
        mx, my = median
        pts = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(mx, my, strict=False))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{INK}" stroke-width="2.5" '
                     'stroke-dasharray="6 3"><title>class median</title></polyline>')
        parts.append(f'<text x="{WIDTH - RIGHT}" y="{TOP - 2}" text-anchor="end" fill="{INK}">'
                     "thin lines: students · dashed: class median</text>")
    parts.append("</svg>")
    return "\n".join(parts)


def scatter(points: Sequence[tuple[str, float, float, str]], title: str, x_label: str,
            y_label: str, diagonal: bool = True, groups: Sequence[str] = ()) -> str:
    """(label, x, y, group) points; a break-even diagonal y = x; a legend of groups."""
    xs = [p[1] for p in points] or [1.0]
    ys = [p[2] for p in points] or [1.0]
    hi = _nice_max(max(max(xs), max(ys), 1e-9))
    parts = _open(title)
    _axes(parts, x_label, y_label, 0, hi, lambda v: f"{v:,.0f}")
    sx = _scale(0, hi, LEFT, WIDTH - RIGHT)
    sy = _scale(0, hi, HEIGHT - BOTTOM, TOP)
    for k in range(5):
        v = hi * k / 4
        parts.append(f'<text x="{sx(v):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" '
                     f'fill="{INK}">{v:,.0f}</text>')
    if diagonal:
        parts.append(f'<line x1="{sx(0):.1f}" y1="{sy(0):.1f}" x2="{sx(hi):.1f}" y2="{sy(hi):.1f}" '
                     f'stroke="{INK}" stroke-dasharray="4 3"><title>break-even: worth what it cost'
                     "</title></line>")
    present = {p[3] for p in points}
    order = [g for g in groups if g in present] or sorted(present)
    shapes = ("circle", "square", "diamond", "triangle", "cross", "ring")
    for label, x, y, group in points:
        k = order.index(group) % len(PALETTE) if group in order else 0
        parts.append(_marker(shapes[k % len(shapes)], sx(x), sy(y), PALETTE[k],
                             f"{label}: invested {x:,.1f}, worth {y:,.1f} ({group})"))
    for k, group in enumerate(order):
        y = TOP + 8 + 14 * k
        parts.append(_marker(shapes[k % len(shapes)], LEFT + 14, y, PALETTE[k % len(PALETTE)], group))
        parts.append(f'<text x="{LEFT + 24}" y="{y + 4}" fill="{INK}">{escape(group)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _marker(shape: str, x: float, y: float, colour: str, tip: str) -> str:
    t = f"<title>{escape(tip)}</title>"
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">{t}</rect>'
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
                f'{x - 5:.1f},{y:.1f}" fill="{colour}">{t}</polygon>')
    if shape == "triangle":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}" '
                f'fill="{colour}">{t}</polygon>')
    if shape == "cross":
        return (f'<path d="M{x - 4:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 4:.1f}M{x - 4:.1f},{y + 4:.1f}'
                f'L{x + 4:.1f},{y - 4:.1f}" stroke="{colour}" stroke-width="2">{t}</path>')
    if shape == "ring":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="none" stroke="{colour}" stroke-width="2">{t}</circle>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{t}</circle>'


def strip(groups: Sequence[tuple[str, Sequence[float]]], title: str, y_label: str = "score",
          lo: float = 0.0, hi: float = 100.0) -> str:
    """Each group's values as dots in a column, with the group's mean as a bar."""
    parts = _open(title)
    _axes(parts, "strategy (number of students)", y_label, lo, hi, lambda v: f"{v:.0f}")
    n = max(len(groups), 1)
    band = (WIDTH - LEFT - RIGHT) / n
    sy = _scale(lo, hi, HEIGHT - BOTTOM, TOP)
    for k, (name, values) in enumerate(groups):
        cx = LEFT + band * (k + 0.5)
        for j, v in enumerate(sorted(values)):
            jitter = ((j * 7) % 11 - 5) * min(band / 40, 3)
            parts.append(f'<circle cx="{cx + jitter:.1f}" cy="{sy(v):.1f}" r="3.5" fill="{SOFT}" '
                         f'stroke="{ACCENT}"><title>{escape(name)}: {v:.1f}</title></circle>')
        if values:
            mean = sum(values) / len(values)
            parts.append(f'<line x1="{cx - band * 0.3:.1f}" y1="{sy(mean):.1f}" x2="{cx + band * 0.3:.1f}" '
                         f'y2="{sy(mean):.1f}" stroke="{INK}" stroke-width="3">'
                         f"<title>{escape(name)} mean {mean:.1f}</title></line>")
        parts.append(f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" '
                     f'fill="{INK}">{escape(name)} ({len(values)})</text>')
    parts.append("</svg>")
    return "\n".join(parts)
