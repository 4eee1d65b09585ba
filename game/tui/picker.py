"""The scenario picker: a list on the left, the highlighted scenario's brief on the right."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from game.content.loader import Content
from game.content.schema import ScenarioDef
from game.tui.fmt import years_label
from game.tui.marked_list import MarkedOptionList

DIFFICULTY_ORDER = {"tutorial": 0, "easy": 1, "normal": 2, "hard": 3}


def end_label(sc: ScenarioDef) -> str:
    q = sc.start_quarter - 1 + sc.turns - 1
    return f"{sc.start_year + q // 4} Q{q % 4 + 1}"


def scenario_brief(sc: ScenarioDef, content: Content | None = None, full: bool = False) -> Text:
    text = Text()
    text.append(sc.name, style="bold")
    text.append("\n")
    text.append(f"Difficulty: {sc.difficulty}\n")
    text.append(f"Length: {sc.turns} turns ({years_label(sc.turns)}), "
                f"{sc.start_year} Q{sc.start_quarter} to {end_label(sc)}")
    text.append("\n\n")
    text.append(" ".join(sc.description.split()))
    text.append("\n\n")
    text.append("To win: ", style="bold")
    text.append(sc.victory)
    if full and content is not None:
        text.append("\n\n")
        text.append_text(scenario_details(sc, content))
    return text


def scenario_details(sc: ScenarioDef, content: Content) -> Text:
    """The scenario's cities, sectors, firms and scoring, for the Scenarios browser."""
    text = Text()
    text.append("Cities: ", style="bold")
    text.append(", ".join(f"{c.name} ({'you' if c.id == sc.player_city else c.archetype})"
                          for c in sc.cities))
    text.append("\nSectors: ", style="bold")
    text.append(", ".join(content.sectors[s].name if s in content.sectors else s for s in sc.sectors))
    if sc.firms:
        text.append("\nFirms: ", style="bold")
        text.append(", ".join(content.firms[f].name if f in content.firms else f for f in sc.firms))
    text.append("\nEach quarter: ", style="bold")
    text.append(f"{sc.attention_per_turn} points of attention; bonds at {sc.bond_rate:.1%}, "
                f"debt capped at {sc.debt_limit_ratio:.1f}x yearly revenue")
    weights = sc.score.model_dump()
    text.append("\nScore: ", style="bold")
    text.append(", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in weights.items() if v))
    if sc.history:
        text.append("\nHistory: ", style="bold")
        text.append(f"{len(sc.history)} real figures to compare with at the end")
    label = content.sources.get(("scenarios", sc.id), ("", ""))[0]
    if label:
        text.append("\nFile: ", style="bold")
        text.append(label, style="dim")
    return text


class ScenarioPicker(Screen[None]):
    """Choose a scenario; Enter starts it."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="picker.back"),
        Binding("q", "quit", "Quit", id="picker.quit"),
        Binding("h", "hotseat", "Hot-seat", id="picker.hotseat", show=False,
                tooltip="2 to 6 players on this keyboard, each a city"),
    ]

    def __init__(self, content: Content, browse: bool = False) -> None:
        super().__init__()
        self.content = content
        self.browse = browse
        self.scenarios = sorted(content.scenarios.values(),
                                key=lambda s: (DIFFICULTY_ORDER.get(s.difficulty, 9), s.start_year, s.id))

    def compose(self) -> ComposeResult:
        yield Static("Scenarios: what each one asks of you" if self.browse else "Choose a scenario",
                     id="picker-title")
        with Horizontal(id="picker"):
            yield MarkedOptionList(*(Option(self.option_text(sc), id=sc.id) for sc in self.scenarios),
                             id="scenario-list")
            with VerticalScroll(id="scenario-brief-box"):
                yield Static(id="scenario-brief")
        yield Static("↑↓ choose · Enter start · h hot-seat · Esc back", id="picker-keys")
        yield Footer(compact=True)

    @staticmethod
    def option_text(sc: ScenarioDef) -> Text:
        return Text.assemble((sc.name, "bold"), "\n  ", (f"{sc.difficulty}, {sc.turns} turns", "dim"))

    def on_mount(self) -> None:
        self.query_one("#scenario-brief-box").border_title = "Brief"
        menu = self.query_one("#scenario-list", OptionList)
        menu.border_title = "Scenarios"
        menu.highlighted = 0
        menu.focus()
        self.show_brief(0)

    def show_brief(self, index: int | None) -> None:
        if index is None or not self.scenarios:
            return
        self.query_one("#scenario-brief", Static).update(scenario_brief(self.scenarios[index], self.content,
                                                                         full=self.browse))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_brief(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.start_game(event.option.id)  # type: ignore[attr-defined]

    def action_hotseat(self) -> None:
        """Hot-seat: several players on this keyboard, each a city, in the highlighted scenario."""
        index = self.query_one("#scenario-list", OptionList).highlighted
        if index is not None and self.scenarios:
            self.app.open_hotseat(self.scenarios[index].id)  # type: ignore[attr-defined]

    def action_back(self) -> None:
        """Back to the title."""
        self.app.pop_screen()

    def action_quit(self) -> None:
        """Leave the game."""
        self.app.exit()
