"""Numbers as people read them: money in ¥ bn, land in ha, shares in %, with units."""

from __future__ import annotations

SEVERITY_TAGS = {
    # severity: (tag shown in text, style); the tag carries the meaning, colour only helps
    "good": ("+ good", "green"),
    "info": ("· info", ""),
    "warning": ("! warn", "yellow"),
    "bad": ("x bad ", "red"),
}


def bn(x: float, signed: bool = False) -> str:
    """¥ billions: "¥12.3 bn", "¥1,004 bn", "-¥2.0 bn" (or "+¥2.0 bn" when signed)."""
    a = abs(x)
    if a < 0.005:  # rounds to nothing: no sign, no spurious precision
        return "¥0.0 bn"
    sign = "-" if x < 0 else ("+" if signed else "")
    body = f"{a:,.0f}" if a >= 100 else f"{a:,.1f}" if a >= 0.05 else f"{a:,.2f}"
    return f"{sign}¥{body} bn"


def num(x: float, signed: bool = False) -> str:
    """A bare ¥ bn figure for a table column whose header carries the unit."""
    a = abs(x)
    fmt = f"{'+' if signed else ''},.0f" if a >= 100 else f"{'+' if signed else ''},.1f"
    return format(x, fmt)


def ha(x: float) -> str:
    return f"{x:,.0f} ha"


def price_m_per_ha(bn_per_ha: float) -> str:
    """Land price, stored in ¥ bn/ha, shown in ¥ million per hectare."""
    m = bn_per_ha * 1000.0
    return f"¥{m:,.0f} m/ha" if m >= 10 else f"¥{m:,.1f} m/ha"


def pct(x: float, signed: bool = False) -> str:
    return f"{x * 100:+.0f}%" if signed else f"{x * 100:.0f}%"


def jobs(thousands: float) -> str:
    """Jobs are counted in thousands in the engine."""
    if abs(thousands) >= 1000:
        return f"{thousands / 1000:,.2f} m"
    return f"{thousands:,.1f} k" if abs(thousands) < 100 else f"{thousands:,.0f} k"


def arrow(before: str, after: str) -> str:
    return f"{before} → {after}"


# How each preview quantity reads; unknown names fall back to a plain number.
PREVIEW_LABELS = {
    "treasury": ("Treasury", bn),
    "debt": ("Debt", bn),
    "land_bank": ("Land bank", ha),
    "land_price": ("Land price", price_m_per_ha),
    "attention": ("Attention", lambda x: f"{x:.0f}"),
    "stake": ("Stake", pct),
    "infrastructure": ("Infrastructure index", lambda x: f"{x:.2f}"),
    "gdp": ("GDP", bn),
    "land_share": ("Land share", pct),
    "portfolio": ("Portfolio", bn),
    "jobs": ("Jobs", jobs),
    "firm_cash": ("Firm's cash", bn),
}


def preview_line(name: str, before: float, after: float) -> str:
    label, f = PREVIEW_LABELS.get(name, (name.replace("_", " ").capitalize(), lambda x: f"{x:,.2f}"))
    return f"{label} {arrow(f(before), f(after))}"


def years_label(turns: int) -> str:
    years = turns / 4
    return f"{years:g} year" + ("" if years == 1 else "s")
