"""The firms table: the player's firms and offers first, each marked with a word;
sortable by any column (o cycles, or click a header)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from game.tui import fmt

INVESTABLE = ("prospect", "building", "ramping", "operating", "listed", "distressed")
GONE = ("failed", "withdrawn")

COLUMNS = (
    ("tag", "Tag"), ("name", "Firm"), ("city", "City"), ("stage", "Stage"),
    ("stake", "Stake"), ("valuation", "Value ¥bn"), ("cash", "Cash ¥bn"),
    ("capacity", "Cap ¥bn/yr"), ("jobs", "Jobs k"), ("sector", "Sector"),
)


def firm_tag(row: dict) -> tuple[str, str]:
    """A word (and a colour that only repeats it) saying what the firm is to the player."""
    if row["mine"] and row["stage"] == "prospect":
        return "▶OFFER", "bold green"
    if row["stake"] > 1e-6:
        return "★OWN", "bold cyan"
    if row["mine"]:
        return "•HOME", ""
    return "", ""


def sort_key(row: dict) -> tuple:
    tag = firm_tag(row)[0]
    order = {"▶OFFER": 0, "★OWN": 1, "•HOME": 2, "": 3}[tag]
    return (row["stage"] in GONE, order, row["city"], row["name"])


def investable(row: dict) -> bool:
    return "invest_equity" in row.get("can", ()) if "can" in row else (
        bool(row["mine"]) and row["stage"] in INVESTABLE)


STAGE_ORDER = {s: i for i, s in enumerate(
    ("prospect", "building", "ramping", "operating", "listed", "distressed", "failed", "withdrawn"))}
# column -> (how rows sort by it, largest first?)
SORTS: dict[str, tuple] = {
    "tag": (sort_key, False),
    "name": (lambda r: r["name"].lower(), False),
    "city": (lambda r: (r["city"], r["name"]), False),
    "stage": (lambda r: (STAGE_ORDER.get(r["stage"], 9), r["name"]), False),
    "stake": (lambda r: r["stake"], True),
    "valuation": (lambda r: r["valuation"], True),
    "cash": (lambda r: r["cash"], True),
    "capacity": (lambda r: r["capacity"], True),
    "jobs": (lambda r: r["jobs"], True),
    "sector": (lambda r: (r["sector"], r["name"]), False),
}
SORT_NAMES = {"tag": "yours first", "name": "name", "city": "city", "stage": "stage",
              "stake": "stake", "valuation": "value", "cash": "cash", "capacity": "capacity",
              "jobs": "jobs", "sector": "sector"}


class FirmsTable(DataTable):
    """All visible firms; row keys are firm ids."""

    DEFAULT_CSS = """
    FirmsTable { height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._names: dict[str, Text] = {}
        self._marked: str | None = None
        self.sort_by = "tag"
        self._rows: list[dict] = []

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def sorted_rows(self, rows: list[dict]) -> list[dict]:
        key, biggest_first = SORTS[self.sort_by]
        return sorted(rows, key=key, reverse=biggest_first)

    def sort_on(self, column: str) -> None:
        """Sort by ``column`` (a column key) and redraw, keeping the cursor on its firm."""
        if column in SORTS:
            self.sort_by = column
            self.show_rows(self._rows, follow=True)

    def next_sort(self) -> str:
        keys = list(SORTS)
        self.sort_on(keys[(keys.index(self.sort_by) + 1) % len(keys)])
        return SORT_NAMES[self.sort_by]

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_on(str(event.column_key.value))

    def current_firm(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def show_rows(self, rows: list[dict], follow: bool = False) -> None:
        """Redraw; the cursor stays on the same row number (or on the same firm, ``follow``)."""
        keep = self.cursor_row
        firm = self.current_firm() if follow else None
        self._rows = rows
        self.clear()
        self._names, self._marked = {}, None
        ordered = self.sorted_rows(rows)
        for row in ordered:
            tag, style = firm_tag(row)
            stage = row["stage"]
            stage_style = {"distressed": "bold red", "failed": "dim", "withdrawn": "dim",
                           "prospect": "green"}.get(stage, "")
            cells = {
                "tag": Text(tag, style=style),
                "name": self.name_cell(row),
                "city": row["city"],
                "stage": Text(stage.upper() if stage == "distressed" else stage, style=stage_style),
                "stake": Text(fmt.pct(row["stake"]) if row["stake"] > 1e-6 else "-", justify="right"),
                "valuation": Text(fmt.num(row["valuation"]) if row["valuation"] > 0 else "-",
                                  justify="right"),
                "cash": Text(fmt.num(row["cash"]), justify="right",
                             style="red" if row["cash"] < 0 else ""),
                "capacity": Text(fmt.num(row["capacity"]), justify="right"),
                "jobs": Text(fmt.num(row["jobs"]), justify="right"),
                "sector": row["sector"],
            }
            self.add_row(*(cells[k] for k, _ in COLUMNS), key=row["id"])
        if firm is not None:
            keep = next((i for i, r in enumerate(ordered) if r["id"] == firm), keep)
        if self.row_count:
            self.move_cursor(row=min(keep, self.row_count - 1))
            self.mark(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def name_cell(self, row: dict) -> Text:
        name = Text("  " + row["name"], style="bold" if row["mine"] else "")
        self._names[row["id"]] = name
        return name

    def mark(self, fid: str | None) -> None:
        """Put ▸ before the name on the cursor row, so the cursor is not colour alone."""
        if fid == self._marked:
            return
        if self._marked in self._names:
            self.update_cell(self._marked, "name", self._names[self._marked])
        if fid in self._names:
            plain = self._names[fid]
            self.update_cell(fid, "name", Text("▸ ", style="bold") + plain[2:])
        self._marked = fid

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.mark(event.row_key.value)
