"""The Sectors tab: national markets and the rival cities in them.

"The herd" puts every sector in one picture: national capacity against demand, with what
the scenario's cities are building on top, so a sector everyone chases shows its coming
glut before prices fall. A sector's page charts demand against capacity over time, its
price, and who builds what, city by city.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from game.engine.session import Session
from game.tui import fmt
from game.tui.charts import Chart, Series, hbar, line_chart
from game.tui.record import Records

HERD = "herd"
DEMAND_AT = 0.6  # the demand line sits at this share of the bar's width


def ratio(row: dict) -> float:
    return row["capacity"] / row["demand"] if row["demand"] > 0 else 0.0


def building(row: dict) -> float:
    return sum(c["building"] for c in row["by_city"].values())


def herd_bar(row: dict, width: int) -> Text:
    """█ producing and ▒ building, in units of demand; │ marks demand itself."""
    d = max(row["demand"], 1e-9)
    unit = width * DEMAND_AT / d  # cells per ¥ bn
    building = sum(c["building"] for c in row["by_city"].values())
    prod = min(round(row["capacity"] * unit), width)
    build = min(round(building * unit), width - prod)
    cells = ["█"] * prod + ["▒"] * build + [" "] * (width - prod - build)
    line = round(width * DEMAND_AT)
    if line < width:
        cells[line] = "┃" if cells[line] != " " else "│"
    text = Text("".join(cells))
    if row["capacity"] * unit > width:
        text = Text("".join(cells[:-1]) + "→")
    return text


def herd_picture(session: Session, rows: list[dict], width: int) -> Group:
    """One row a sector: its capacity bar against the demand line, the ratio, the price."""
    name_w = min(max((len(r["name"]) for r in rows), default=8), 15)
    bar_w = max(min(width - name_w - 26, 48), 10)
    head = Text.assemble(("The herd: every sector's national capacity against its demand\n", "bold"),
                         ("█ producing  ▒ being built in these cities  │ demand  → off the scale",
                          "dim"))
    table = Table(box=None, padding=(0, 1, 0, 0), show_header=True, header_style="dim", pad_edge=False)
    table.add_column("Sector", width=name_w, no_wrap=True, overflow="ellipsis")
    table.add_column("Capacity against demand", width=bar_w, no_wrap=True, overflow="crop")
    table.add_column("Cap/dem", justify="right", no_wrap=True)
    table.add_column("Price", justify="right", no_wrap=True)
    table.add_column("IPO", no_wrap=True)
    for row in rows:
        r = ratio(row)
        table.add_row(row["name"], herd_bar(row, bar_w), Text(f"{r:.2f}x", style="bold red" if r > 1.1 else ""),
                      f"{row['price']:.2f}", "open" if row["ipo_window"] else "shut")
    return Group(head, table, Text(""), Text("Who is building what: ▒ being built / producing, ¥ bn a year",
                                             style="bold"), builders_matrix(session, rows))


def builders_matrix(session: Session, rows: list[dict]) -> Table:
    """Sectors down, cities across: capacity being built (▒) / producing, ¥ bn a year."""
    player = session.world.cities[session.player].name
    cities = [c.name for c in session.world.cities]
    cities.sort(key=lambda c: (c != player, c))
    table = Table(box=None, padding=(0, 1), header_style="dim")
    table.add_column("Sector", no_wrap=True, overflow="ellipsis", max_width=15)
    for city in cities:
        table.add_column(("★" if city == player else "") + short(city), justify="right", no_wrap=True)
    for row in rows:
        cells = []
        for city in cities:
            here = row["by_city"].get(city)
            if not here:
                cells.append(Text("·", style="dim"))
                continue
            b, p = here["building"], here["producing"]
            cell = Text()
            if b > 0:
                cell.append(f"▒{b:.0f}", style="bold")
            if p > 0:
                cell.append(("/" if b > 0 else "") + f"{p:.0f}")
            cells.append(cell)
        table.add_row(row["name"], *cells)
    return table


def short(name: str, most: int = 8) -> str:
    return name if len(name) <= most else name[: most - 1] + "."


def sector_page(session: Session, row: dict, width: int) -> Group:
    r = ratio(row)
    facts = Text()
    facts.append(f"{row['name']}\n", style="bold")
    facts.append("National demand  ", style="dim")
    facts.append(f"{fmt.num(row['demand'])} ¥ bn a year\n")
    facts.append("Producing        ", style="dim")
    facts.append(f"{fmt.num(row['capacity'])} ¥ bn a year ({r:.2f}x demand", style="bold" if r > 1.1 else "")
    facts.append("; overcapacity)\n" if r > 1.05 else ")\n")
    facts.append("Rest of country  ", style="dim")
    facts.append(f"{fmt.num(row['rest_of_country'])} of it outside these cities\n")
    facts.append("Price index      ", style="dim")
    facts.append(f"{row['price']:.2f} (1.00 = reference)\n")
    facts.append("Investors' mood  ", style="dim")
    facts.append(f"{row['sentiment']:.2f}: IPO window {'open' if row['ipo_window'] else 'shut'}\n")
    facts.append("Your chain       ", style="dim")
    facts.append(f"density {fmt.pct(row['density'])}; guidance fund {fmt.bn(row['fund'])}\n")
    facts.append("Inputs           ", style="dim")
    facts.append(", ".join(row["inputs"]) or "none in this scenario")
    table = Table(title="Who builds what here (¥ bn a year)", title_justify="left", title_style="bold",
                  box=None, padding=(0, 1), header_style="dim")
    table.add_column("City", no_wrap=True)
    table.add_column("Producing", justify="right", no_wrap=True)
    table.add_column("Being built", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    player = session.world.cities[session.player].name
    biggest = max((c["producing"] + c["building"] for c in row["by_city"].values()), default=0.0)
    bar_w = max(min(width - 42, 24), 6)
    for city, c in sorted(row["by_city"].items(), key=lambda kv: -(kv[1]["producing"] + kv[1]["building"])):
        total = c["producing"] + c["building"]
        p_cells = round(hbar(c["producing"], biggest, bar_w).count("█"))
        bar = Text("█" * p_cells + "▒" * max(len(hbar(total, biggest, bar_w).rstrip()) - p_cells, 0))
        table.add_row(("★ " if city == player else "") + city, fmt.num(c["producing"]),
                      fmt.num(c["building"]), bar)
    if not row["by_city"]:
        table.caption = "No city in this game builds or produces here yet."
        table.caption_justify = "left"
    return Group(facts, Text(""), table)


class SectorPage(VerticalScroll, can_focus=True):
    """The page under the picker; ←→ (or [ ]) step through the herd and the sectors."""

    BINDINGS = [
        Binding("left,left_square_bracket", "step(-1)", "Previous", show=False),
        Binding("right,right_square_bracket", "step(1)", "Next", show=False),
    ]

    def action_step(self, delta: int) -> None:
        """Show the previous or next page."""
        pane = next(a for a in self.ancestors if isinstance(a, SectorsPane))
        pane.step(delta)

    def on_resize(self) -> None:
        pane = next((a for a in self.ancestors if isinstance(a, SectorsPane)), None)
        if pane is not None:
            pane.show()


class SectorsPane(Vertical):
    """A picker line (the herd, then each sector), the page and its charts."""

    DEFAULT_CSS = """
    SectorsPane { height: 1fr; }
    SectorsPane #sector-picker { height: 1; padding: 0 1; background: $boost; }
    SectorsPane SectorPage { height: 1fr; border: round $primary; padding: 0 1; }
    SectorsPane SectorPage:focus { border: round $accent; }
    SectorsPane #sector-text { height: auto; }
    SectorsPane #sector-chart { height: 10; margin-top: 1; }
    SectorsPane #price-chart { height: 8; margin-top: 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session: Session | None = None
        self.records: Records | None = None
        self.selected = HERD

    def compose(self) -> ComposeResult:
        yield Static(id="sector-picker")
        with SectorPage(id="sector-page"):
            yield Static(id="sector-text")
            yield Chart(id="sector-chart")
            yield Chart(id="price-chart")

    def on_mount(self) -> None:
        self.query_one(SectorPage).border_title = "Markets and rival cities"

    def pages(self) -> list[str]:
        assert self.session is not None
        return [HERD] + [r["id"] for r in self.session.sectors()]

    def refresh_from(self, session: Session, records: Records | None = None) -> None:
        self.session, self.records = session, records
        self.show()

    def step(self, delta: int) -> None:
        if self.session is None:
            return
        pages = self.pages()
        i = pages.index(self.selected) if self.selected in pages else 0
        self.selected = pages[(i + delta) % len(pages)]
        self.show()

    def show(self) -> None:
        s = self.session
        if s is None:
            return
        rows = s.sectors()
        pages = self.pages()
        if self.selected not in pages:
            self.selected = HERD
        i = pages.index(self.selected)
        row = next((r for r in rows if r["id"] == self.selected), None)
        name = "All sectors: the herd" if row is None else row["name"]
        self.query_one("#sector-picker", Static).update(Text.assemble(
            ("◀ ", "bold"), f"{i + 1} of {len(pages)}: ", (name, "bold"), (" ▶", "bold"),
            ("   ←→ or [ ] change", "dim")))
        width = self.query_one(SectorPage).content_size.width or 76
        text = self.query_one("#sector-text", Static)
        chart = self.query_one("#sector-chart", Chart)
        price = self.query_one("#price-chart", Chart)
        if row is None:
            text.update(herd_picture(s, rows, width))
            chart.display = price.display = False
            return
        chart.display = price.display = True
        text.update(sector_page(s, row, width))
        rec = self.records
        turns, demand = rec.sector_series(row["id"], "demand") if rec else ([], [])
        _, capacity = rec.sector_series(row["id"], "capacity") if rec else ([], [])
        _, building = rec.sector_series(row["id"], "building") if rec else ([], [])
        dates = (s.world.date_label(turns[0]), s.world.date_label(turns[-1])) if turns else ("", "")
        chart.border_title = "Demand against capacity, ¥ bn a year"
        chart.plot(lambda w, h: line_chart(
            [Series("demand", demand, "●"), Series("capacity", capacity, "×"),
             Series("+ being built", [c + b for c, b in zip(capacity, building, strict=True)],
                    "·", "dim")],
            w, h, dates, fmt=fmt.num))
        hist = s.history
        prices = [x.prices.get(row["name"], 0.0) for x in hist]
        pdates = (s.world.date_label(hist[0].turn), s.world.date_label(hist[-1].turn))
        price.border_title = "Price index (1.00 = reference price)"
        price.plot(lambda w, h: line_chart([Series("price index", prices, "●")], w, h, pdates))
