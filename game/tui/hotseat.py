"""Hot-seat: 2–6 people on one keyboard, each a city in the same national market.

Each player decides behind a "pass the keyboard" screen that hides everything else; the
dashboard then shows the game from that player's city (``SeatView``). When the last
player ends the quarter, it resolves for everyone at once and each player reads their
own report, again behind the pass screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Checkbox, Input, Static

from game.engine.actions import Action
from game.engine.contrib import CityPart, SectorParts, sector_parts
from game.engine.session import News, Session, Snapshot
from game.engine.world import World
from game.tui.checkbox import MarkedCheckbox

MIN_PLAYERS, MAX_PLAYERS = 2, 6


@dataclass(frozen=True)
class Seat:
    """One person at the keyboard and the city they play."""

    name: str
    city: int


class SeatView:
    """The session as one hot-seat player sees it: their city is "the player's".

    Reading and acting go to the session with this city filled in; everything else is
    the session's own."""

    def __init__(self, session: Session, seat: Seat) -> None:
        self._session = session
        self.seat = seat

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    @property
    def session(self) -> Session:
        return self._session

    @property
    def player(self) -> int:
        return self.seat.city

    @property
    def news(self) -> list[News]:
        return self._session.news_for(self.seat.city)

    @property
    def history(self) -> list[Snapshot]:
        s = self._session
        return s.history if self.seat.city == s.player else s.others_history.get(self.seat.city, [])

    @property
    def actions_this_turn(self) -> list[dict]:
        s = self._session
        return [a for a in s.actions_this_turn if a.get("city", s.player) == self.seat.city]

    # the session's own readers, run over this city's history
    def ledger_rows(self, turn: int | None = None) -> list[tuple[str, float]]:
        return Session.ledger_rows(self, turn)  # type: ignore[arg-type]

    def explain(self, metric: str) -> list[tuple[str, float]]:
        return Session.explain(self, metric)  # type: ignore[arg-type]

    def _own(self, action: Action) -> Action:
        return action.model_copy(update={"city": self.seat.city})

    def act(self, action: Action) -> None:
        self._session.act(self._own(action))

    def check(self, action: Action) -> list[str]:
        return self._session.check(self._own(action))

    def preview(self, action: Action):
        return self._session.preview(self._own(action))

    def headline(self, city: int | None = None) -> dict[str, float]:
        return self._session.headline(self.seat.city if city is None else city)

    def firms(self, city: int | None = None) -> list[dict]:
        return self._session.firms(self.seat.city if city is None else city)

    def score(self, city: int | None = None) -> float:
        return self._session.score(self.seat.city if city is None else city)

    def snapshot(self, city: int | None = None) -> Snapshot:
        return self._session.snapshot(self.seat.city if city is None else city)

    def undo(self, city: int | None = None) -> bool:
        return self._session.undo(self.seat.city if city is None else city)

    def pending_events(self, city: int | None = None) -> list[dict]:
        return self._session.pending_events(self.seat.city if city is None else city)

    def choose(self, event_key: str, option_index: int, city: int | None = None) -> None:
        self._session.choose(event_key, option_index, self.seat.city if city is None else city)

    def news_for(self, city: int | None = None) -> list[News]:
        return self._session.news_for(self.seat.city if city is None else city)


def seats_of(session: Session) -> list[Seat]:
    """The seats of a hot-seat game, named as its save says (older saves: "Player 1"...)."""
    return [Seat(session.player_names.get(c) or f"Player {n + 1}", c)
            for n, c in enumerate(session.humans)]


def city_label(session: Session, seat: Seat) -> str:
    return f"{seat.name} ({session.world.cities[seat.city].name})"


class PassScreen(Screen[None]):
    """Hides the game until the named player is at the keyboard."""

    BINDINGS = [Binding("enter", "ready", "I am NAME: go on", id="pass.ready")]

    def __init__(self, who: str, why: str) -> None:
        super().__init__()
        self.who = who
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Static(Text.assemble("Pass the keyboard to ", (self.who, "bold"), "."),
                         id="pass-who")
            yield Static(Text(self.why, style="dim"), id="pass-why")
            yield Static("Enter when you are ready", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Hot-seat"

    def action_ready(self) -> None:
        """The named player is at the keyboard."""
        self.dismiss(None)


class HotSeatSetup(ModalScreen[list[Seat] | None]):
    """Who plays which city: the scenario's own city and any of its rivals, 2–6 people."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="hotseat.cancel"),
                Binding("ctrl+s", "start", "Start", id="hotseat.start")]

    def __init__(self, world: World) -> None:
        super().__init__()
        self.scenario = world.scenario
        cities = list(enumerate(world.cities))
        self.cities = [cities[world.player], *(ic for ic in cities if ic[0] != world.player)]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form"):
            yield Static(Text(f"{self.scenario.name}: tick the cities people play and name "
                              "each player (2 to 6).", style="dim"), id="dialog-help")
            for n, (i, c) in enumerate(self.cities):
                yield MarkedCheckbox(f"{c.name}" + ("  (the scenario's city)" if n == 0 else ""),
                                     value=n < MIN_PLAYERS, id=f"seat-on-{i}", disabled=n == 0)
                yield Input(value=f"Player {n + 1}", id=f"seat-name-{i}")
            yield Static(id="verdict")
            yield Static("Tab moves · Space ticks · Enter or Ctrl+S starts · Esc cancels",
                         id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Hot-seat"
        self.query_one(f"#seat-name-{self.cities[0][0]}", Input).focus()

    def seats(self) -> list[Seat]:
        out = []
        for n, (i, _) in enumerate(self.cities):
            if n == 0 or self.query_one(f"#seat-on-{i}", Checkbox).value:
                name = self.query_one(f"#seat-name-{i}", Input).value.strip() or f"Player {n + 1}"
                out.append(Seat(name[:60], i))
        return out

    def problem(self, seats: list[Seat]) -> str | None:
        if not MIN_PLAYERS <= len(seats) <= MAX_PLAYERS:
            return f"Tick {MIN_PLAYERS} to {MAX_PLAYERS} cities; {len(seats)} are ticked."
        names = [s.name for s in seats]
        if len(set(names)) != len(names):
            return "Give each player a different name."
        return None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        """Start the game with the ticked cities."""
        seats = self.seats()
        problem = self.problem(seats)
        if problem:
            self.query_one("#verdict", Static).update(Text(problem, style="bold red"))
            return
        self.dismiss(seats)

    def action_cancel(self) -> None:
        """Back to the scenarios."""
        self.dismiss(None)


def ranking(session: Session, seats: list[Seat]) -> Table:
    """The players by score, best first."""
    table = Table(box=None, padding=(0, 1), title="Players by score", title_justify="left",
                  title_style="bold")
    table.add_column("#", justify="right")
    table.add_column("Player")
    table.add_column("City")
    table.add_column("Score", justify="right")
    rows = sorted(seats, key=lambda s: -session.score(s.city))
    for n, seat in enumerate(rows, 1):
        table.add_row(str(n), seat.name, session.world.cities[seat.city].name,
                      f"{session.score(seat.city):.1f}")
    return table


def _share(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def _over(part: SectorParts) -> Text:
    over = part.overcapacity
    if over >= 0.005:
        return Text(f"+{over * 100:.0f}% over", style="bold red" if over >= 0.1 else "yellow")
    if over <= -0.005:
        return Text(f"{-over * 100:.0f}% short", style="dim")
    return Text("matched", style="dim")


def _player_cell(part: SectorParts, city: CityPart) -> Text:
    """A player's share of what the cities added, and the money they put in."""
    money = city.invested_bn or 0.0
    cell = Text(f"{_share(part.share(city.added_bn))} · ¥{money:,.1f}" if money
                else f"{_share(part.share(city.added_bn))} · ¥0")
    if not money and not city.added_bn:
        cell.stylize("dim")
    return cell


def sector_table(session: Session, seats: list[Seat], parts: list[SectorParts]) -> Table:
    """Each sector: capacity against demand, each player's share of the capacity the
    cities added and the money they put in, the computer's cities' share, the rest of
    the country's addition."""
    table = Table(box=None, padding=(0, 1), title="Who built the capacity, sector by sector",
                  title_justify="left", title_style="bold", header_style="dim")
    table.add_column("Sector", no_wrap=True)
    table.add_column("Capacity / demand\n¥ bn a year", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for seat in seats:
        table.add_column(f"{seat.name}\n{session.world.cities[seat.city].name}", justify="right")
    table.add_column("Computer\ncities", justify="right")
    table.add_column("Rest of the\ncountry", justify="right")
    for part in parts:
        by_city = {p.city: p for p in part.cities}
        cells = [_player_cell(part, by_city[seat.city]) for seat in seats]
        ai = sum(p.added_bn for p in part.cities if not p.human)
        table.add_row(part.name, f"{part.capacity_bn:,.0f} / {part.demand_bn:,.0f}", _over(part),
                      *cells, _share(part.share(ai)), f"{part.rest_added_bn:+,.0f}")
    return table


def _who(session: Session, names: dict[int, str], city: int) -> str:
    town = session.world.cities[city].name
    return f"{names[city]}'s {town}" if city in names else f"{town} (computer)"


def sector_story(session: Session, seats: list[Seat], parts: list[SectorParts]) -> Text:
    """Each sector's biggest builder among the cities, in words."""
    names = {seat.city: seat.name for seat in seats}
    text = Text()
    for part in parts:
        if part.share(part.cities_added_bn) is None:
            continue
        top = max(part.cities, key=lambda p: p.added_bn)
        over = part.overcapacity
        if text:
            text.append("\n")
        text.append(part.name, style="bold")
        if over >= 0.005:
            text.append(f" ends {over * 100:.0f}% over demand. ")
        elif over <= -0.005:
            text.append(f" ends {-over * 100:.0f}% short of demand (no overcapacity). ")
        else:
            text.append(" ends level with demand. ")
        text.append(_who(session, names, top.city), style="bold")
        text.append(f" built {_share(part.share(top.added_bn))} of the capacity the cities added")
        text.append(" to it" if over >= 0.005 else "")
        if top.city in names:
            text.append(".")
            continue
        mine = max((p for p in part.cities if p.city in names), key=lambda p: p.added_bn)
        if mine.added_bn > 0:
            text.append(f"; of the players, {_who(session, names, mine.city)} the most "
                        f"({_share(part.share(mine.added_bn))}).")
        else:
            text.append("; the players added none.")
    if not text:
        text.append("The cities added no capacity in any sector: the rest of the country built it all.",
                    style="dim")
    return text


SECTOR_NOTE = ("A player's column: their city's share of the capacity the scenario's cities "
               "added since the start (closed plants count against) · the ¥ bn they put into "
               "the sector (equity, rescues, guidance funds). Capacity in ¥ bn of output a year; "
               "the rest of the country grows with the market.")


class HotSeatEnd(Screen[None]):
    """The end of a hot-seat game: the players ranked by score, and who built the
    capacity in each sector (who caused the overcapacity)."""

    CSS_PATH = "hotseat.tcss"
    BINDINGS = [Binding("enter", "close", "Title", id="hotseat.end"),
                Binding("escape", "close", "Title", show=False),
                Binding("w", "export", "Export results", id="hotseat.export")]

    def __init__(self, session: Session, seats: list[Seat]) -> None:
        super().__init__()
        self.session = session
        self.seats = seats
        self.parts = sector_parts(session.world, session.state, session.log)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            with VerticalScroll(id="hotseat-end-body"):
                yield Static(ranking(self.session, self.seats), id="ranking")
                yield Static(sector_table(self.session, self.seats, self.parts), id="sector-table")
                yield Static(sector_story(self.session, self.seats, self.parts), id="sector-story")
                yield Static(Text(SECTOR_NOTE, style="dim"), id="sector-note")
            yield Static("↑↓ scroll · w: a result file per player · Enter: back to the title",
                         id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "The game is over"
        self.query_one("#hotseat-end-body").focus()

    def action_export(self) -> None:
        """Write one result file per player into the saves folder."""
        self.app.export_result(self.session)  # type: ignore[attr-defined]

    def action_close(self) -> None:
        """Back to the title."""
        self.app.show_title()  # type: ignore[attr-defined]
