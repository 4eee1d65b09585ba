"""Save and load: a save dialog with a suggested name and an overwrite check, and a list
of saves with their in-game date, scenario and when they were made. A damaged save is
listed with its error and cannot be opened; the others stay usable."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, Static

from game.engine.session import Session
from game.saves import AUTOSAVE_PREFIX, SaveError, SaveInfo, check_name, suggest_name
from game.tui.dialogs import ConfirmDialog


def when(saved_at: datetime | None) -> str:
    """A save's time in the player's own clock, to the minute."""
    return saved_at.astimezone().strftime("%Y-%m-%d %H:%M") if saved_at else "-"


def status(info: SaveInfo) -> Text:
    if not info.ok:
        return Text("✖ cannot open", style="bold red")
    if info.warning:
        return Text("! changed content", style="yellow")
    if info.over:
        return Text("game over")
    return Text(info.kind or "")


class SaveDialog(ModalScreen[str | None]):
    """Type a name (one is suggested: scenario and date); Enter saves, asking before it
    replaces a save of the same name. Returns the name saved."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save.cancel")]

    def __init__(self, session: Session, rows: list[SaveInfo] | None = None) -> None:
        super().__init__()
        self.session = session
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form"):
            yield Static("Saves go to the save folder; the game also saves itself after every "
                         "turn (autosaves).", id="dialog-help")
            yield Static("Name", classes="field-label")
            yield Input(value=suggest_name(self.session), id="save-name")
            yield Static(id="verdict")
            yield Static(id="save-existing")
            with Horizontal(id="dialog-buttons"):
                yield Button("Save", id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")
            yield Static("Enter saves · Esc cancels", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Save the game"
        if self.rows is None:
            self.rows = self.app.saves()  # type: ignore[attr-defined]
        manual = [r for r in self.rows if r.kind != "autosave"][:6]
        text = Text("Saves in the folder: ", style="dim")
        text.append(", ".join(r.name for r in manual) if manual else "none yet", style="dim")
        self.query_one("#save-existing", Static).update(text)
        if self.app.size.height < 34:
            for widget in self.query("Input, Button"):
                widget.compact = True  # type: ignore[attr-defined]
        self.query_one("#save-name", Input).focus()
        self.check()

    def existing(self, name: str) -> SaveInfo | None:
        return next((r for r in self.rows or [] if r.name.lower() == name.lower()), None)

    def check(self) -> str | None:
        """The name if it can be used; the verdict line says why not, or what it replaces."""
        name = self.query_one("#save-name", Input).value.strip()
        verdict = self.query_one("#verdict", Static)
        try:
            check_name(name)
            if name.lower().startswith(AUTOSAVE_PREFIX):
                raise SaveError(f"names starting with {AUTOSAVE_PREFIX!r} are kept for the autosaves")
        except SaveError as exc:
            verdict.set_classes("refused")
            verdict.update(Text.assemble(("✖ ", "bold"), exc.message))
            return None
        old = self.existing(name)
        if old is not None:
            verdict.set_classes("input-problem")
            what = f"{old.scenario_name}, {old.date}" if old.ok else "a damaged save"
            verdict.update(Text.assemble(("! ", "bold"), f"A save called “{old.name}” exists "
                                         f"({what}, saved {when(old.saved_at)}): saving replaces it."))
        else:
            verdict.set_classes("allowed")
            verdict.update(Text.assemble(("✔ ", "bold"), f"A new save: {self.session.world.scenario.name}, "
                                         f"{self.session.date}."))
        return name

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.check()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Save (asking first before replacing a save, when confirmations are on)."""
        name = self.check()
        if name is None:
            self.app.bell()
            return
        if self.existing(name) is not None and self.app.settings.confirmations:  # type: ignore[attr-defined]
            def answer(yes: bool | None) -> None:
                if yes:
                    self.write(name)
            self.app.push_screen(ConfirmDialog(f"Replace the save “{name}”? The old one is lost.",
                                               title="Replace a save?"), answer)
        else:
            self.write(name)

    def write(self, name: str) -> None:
        try:
            self.app.write_save(self.session, name)  # type: ignore[attr-defined]
        except SaveError as exc:
            verdict = self.query_one("#verdict", Static)
            verdict.set_classes("refused")
            verdict.update(Text.assemble(("✖ Not saved: ", "bold"), exc.message))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


class LoadScreen(Screen[None]):
    """Every save in the folder, newest first; Enter opens the one under the cursor."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="load.back"),
        Binding("r", "reload", "Refresh", id="load.refresh"),
    ]

    def __init__(self, rows: list[SaveInfo] | None = None) -> None:
        super().__init__()
        self.rows = rows
        self.fixed = rows is not None

    def compose(self) -> ComposeResult:
        yield Static(Text("Load a game", style="bold"), id="picker-title")
        yield DataTable(id="save-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="save-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#save-table", DataTable)
        for key, label in (("name", "Save"), ("scenario", "Scenario"), ("date", "In game"),
                           ("turn", "Turn"), ("saved", "Saved at"), ("status", "Kind")):
            table.add_column(label, key=key)
        table.border_title = "Saves"
        self.fill()
        table.focus()

    def action_reload(self) -> None:
        """Read the save folder again."""
        self.fill()

    def fill(self) -> None:
        if not self.fixed:
            self.rows = self.app.saves()  # type: ignore[attr-defined]
        table = self.query_one("#save-table", DataTable)
        table.clear()
        for i, r in enumerate(self.rows or []):
            name = Text(r.name, style="" if r.ok else "dim")
            table.add_row(name, r.scenario_name or "-", r.date or "-",
                          str(r.turn) if r.turn is not None else "-", when(r.saved_at), status(r), key=str(i))
        folder = self.app.saves_dir  # type: ignore[attr-defined]
        table.border_subtitle = f"{len(self.rows or [])} in {folder}"
        self.show_detail(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_detail(int(event.row_key.value))

    def show_detail(self, index: int) -> None:
        detail = self.query_one("#save-detail", Static)
        if not self.rows:
            detail.update(Text("No saves yet. The game saves itself after every turn; Ctrl+S in "
                               "a game saves under a name.", style="dim"))
            return
        r = self.rows[min(index, len(self.rows) - 1)]
        if not r.ok:
            detail.set_classes("refused")
            detail.update(Text.assemble(("✖ This save cannot be opened: ", "bold"), r.error or "unknown problem"))
        elif r.warning:
            detail.set_classes("input-problem")
            detail.update(Text.assemble(("! It opens, but: ", "bold"), r.warning))
        else:
            detail.set_classes("allowed")
            version = f" · game {r.game_version}" if r.game_version else ""
            detail.update(Text.assemble(("✔ ", "bold"), f"{r.scenario_name}, {r.date} (turn {r.turn})",
                                        f"{version}. Enter opens it."))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is None or not self.rows:
            return
        r = self.rows[int(event.row_key.value)]
        if not r.ok:
            self.app.bell()
            self.notify(r.error or "This save cannot be opened.", title="Damaged save", severity="error")
            return
        self.app.load_save(r.path)  # type: ignore[attr-defined]

    def action_back(self) -> None:
        """Back to where you were."""
        self.dismiss(None)
