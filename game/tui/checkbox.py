"""A checkbox that shows its state as a mark (✔ or blank), not as a colour alone."""

from __future__ import annotations

from textual.widgets import Checkbox


class MarkedCheckbox(Checkbox):
    """✔ when ticked, a blank when not."""

    def _update_mark(self) -> None:
        self.BUTTON_INNER = "✔" if self.value else " "

    def on_mount(self) -> None:
        self._update_mark()
        self.refresh()

    def watch_value(self) -> None:
        self._update_mark()
        super().watch_value()
