"""The UI's own logic without a screen: charts, the chain diagram, the IRR, the advisor,
the settings file."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.content.loader import Content
from game.engine.actions import InvestEquity
from game.engine.build import build_world
from game.engine.session import Session
from game.tui import advisor, charts
from game.tui.chains_pane import Canvas, diagram
from game.tui.portfolio_pane import irr, portfolio_flows, yearly_irr
from game.tui.settings import Settings, load_settings, save_settings


def start(content: Content, scenario: str) -> Session:
    return Session.start(build_world(content.scenario(scenario), content.sectors, content.firms))


def test_sparklines_and_bars_read_without_colour() -> None:
    assert charts.spark([1, 2, 3, 4], 4) == "▁▃▆█"
    assert charts.spark([5, 5, 5], 3) == "▁▁▁"  # flat: a quiet baseline
    assert len(charts.spark(range(100), 10)) == 10
    assert charts.hbar(0.5, 1.0, 4) == "██  "
    assert charts.hbar(2.0, 1.0, 3) == "███"  # capped at full
    assert charts.meter(0.3, 10) == "▰▰▰▱▱▱▱▱▱▱"


def test_a_line_chart_marks_each_series_and_where_they_meet() -> None:
    text = charts.line_chart([charts.Series("demand", [1, 2, 3], "●"),
                              charts.Series("capacity", [1, 3, 3], "×")], 30, 8, ("2010 Q1", "2010 Q3"))
    plain = text.plain
    assert "◆" in plain and "×" in plain  # they meet at the start and the end; differ in the middle
    assert "● demand" in plain and "× capacity" in plain and "◆ both" in plain
    assert "2010 Q1" in plain and "2010 Q3" in plain
    assert "No history yet" in charts.line_chart([charts.Series("x", [1.0])], 30, 8).plain
    columns = charts.column_chart([0.0, 1.0, 2.0], 20, 5, ("a", "b")).plain
    assert "█" in columns and columns.splitlines()[0].startswith("2")


def test_canvas_lines_join_where_they_meet() -> None:
    canvas = Canvas(7, 3)
    canvas.hline(0, 3, 0)
    canvas.vline(3, 0, 2)
    canvas.hline(0, 3, 2)
    canvas.hline(3, 6, 1)
    rows = canvas.render().plain.splitlines()
    assert rows[0] == "───╮"
    assert rows[1] == "   ├───"
    assert rows[2] == "───╯"


def test_the_chain_diagram_shows_inputs_buyers_and_density(fixture_content: Content) -> None:
    s = start(fixture_content, "fixture-long-haul")
    p = s.world.sector_index["display-glass"]
    s.state.density[0, s.player, p] = 0.42
    text = diagram(s, "display-panels", 100).plain
    assert "Display glass" in text and "Display panels" in text
    assert "42%" in text and "▶" in text  # the link carries the supplier's density
    assert "1 firm" in text  # River Panels, producing here
    glass = diagram(s, "display-glass", 100).plain
    assert glass.index("Display glass") < glass.index("Display panels")  # its buyer on the right


def test_irr_of_known_flows() -> None:
    assert irr([-100.0, 0.0, 0.0, 0.0, 121.55]) == pytest.approx(0.05, abs=1e-4)
    assert irr([-100.0, 100.0]) == pytest.approx(0.0, abs=1e-9)
    assert irr([0.0, 10.0]) is None  # nothing put in
    assert irr([-10.0, 0.0]) is None  # nothing back and nothing held


def test_portfolio_flows_come_from_the_ledger(fixture_content: Content) -> None:
    s = start(fixture_content, "fixture-long-haul")
    s.end_turn()
    ask = next(r["ask"] for r in s.firms() if r["id"] == "fixture-clear-glass")
    s.act(InvestEquity(firm="fixture-clear-glass", amount_bn=ask))
    flows = portfolio_flows(s)
    assert len(flows) == s.turn + 1
    assert flows[0] == pytest.approx(-s.history[0].portfolio)  # River Panels, held from the start
    assert flows[-1] == pytest.approx(-ask + s.headline()["portfolio"])
    assert yearly_irr(s) is not None


def test_the_advisor_ranks_what_is_urgent(fixture_content: Content) -> None:
    s = start(fixture_content, "fixture-long-haul")
    assert advisor.tip_for(s) is None
    s.state.treasury[0, s.player] = 0.0
    found = advisor.alerts(s)
    assert found[0].urgency == 0 and "treasury is nearly empty" in found[0].text
    s.state.treasury[0, s.player] = 11.0
    s.state.patience[0, s.player] = 0.3
    assert any("patience is down to 30%" in a.text for a in advisor.alerts(s))
    s.state.patience[0, s.player] = 1.0
    for _ in range(4):  # Clear Glass waits for terms, then is about to leave
        if any("leaves at the end of this quarter" in a.text for a in advisor.alerts(s)):
            break
        s.end_turn()
    assert any("Clear Glass leaves at the end of this quarter" in a.text for a in advisor.alerts(s))


def test_settings_round_trip_and_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "settings.json"
    assert load_settings(path) == (Settings(), None)
    assert save_settings(Settings(theme="nord", confirmations=False, autosaves=3), path) is None
    assert load_settings(path)[0] == Settings(theme="nord", confirmations=False, autosaves=3)
    for bad in ("{", "[]", '{"autosaves": 0}', '{"colour": "red"}', "\x00\x01"):
        path.write_text(bad)
        settings, notice = load_settings(path)
        assert settings == Settings() and notice and "could not be used" in notice


def _tables() -> list:
    from rich.table import Table
    from rich.text import Text

    from game.tui.dialogs import ledger_table

    numbers = Table(box=None, padding=(0, 1), title="What changed", title_justify="left",
                    title_style="bold", show_header=False)
    for justify in ("left", "right", "center", "right", "default"):
        numbers.add_column(justify=justify, no_wrap=True)  # type: ignore[arg-type]
    numbers.add_row("Treasury", "¥12.0 bn", "→", Text("¥9.8 bn", style="bold"), "▼ -¥2.2 bn")
    numbers.add_row("Land [b]share[/b]", "40% ", "", Text("33%", style="bold", justify="left"), "x")
    return [numbers,
            ledger_table([("Taxes from the base economy", 4.9), ("Core spending", -6.0)], "Why"),
            ledger_table([], None)]


@pytest.mark.parametrize("width", [80, 60, 45, 30, 12])
def test_plain_tables_yield_what_rich_yields(width: int) -> None:
    """A table laid out by plain_table gives rich's own segments wherever it fits, and is
    left to rich (None) where it does not handle it."""
    from rich.console import Console
    from rich.table import Table

    from game.tui.plain_table import table_lines

    console = Console(width=width, color_system="truecolor")
    options = console.options.update_width(width)
    for table in _tables():
        lines = table_lines(table, console)
        assert lines is not None
        if lines.width <= width:
            assert list(console.render(lines, options)) == list(console.render(table, options))
    boxed = Table(title="boxed")
    boxed.add_column("a")
    boxed.add_row("1")
    assert table_lines(boxed, console) is None
    tall = Table(box=None, show_header=False, padding=(0, 1))
    tall.add_column()
    tall.add_row("two\nlines")
    assert table_lines(tall, console) is None
