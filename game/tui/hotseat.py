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
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Checkbox, Input, Static

from game.engine.actions import Action
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


class HotSeatEnd(Screen[None]):
    """The end of a hot-seat game: the players ranked by score."""

    BINDINGS = [Binding("enter", "close", "Title", id="hotseat.end"),
                Binding("escape", "close", "Title", show=False),
                Binding("w", "export", "Export results", id="hotseat.export")]

    def __init__(self, session: Session, seats: list[Seat]) -> None:
        super().__init__()
        self.session = session
        self.seats = seats

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Static(ranking(self.session, self.seats), id="ranking")
            yield Static("w: a result file per player · Enter: back to the title", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "The game is over"

    def action_export(self) -> None:
        """Write one result file per player into the saves folder."""
        self.app.export_result(self.session)  # type: ignore[attr-defined]

    def action_close(self) -> None:
        """Back to the title."""
        self.app.show_title()  # type: ignore[attr-defined]
