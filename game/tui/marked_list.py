"""An OptionList whose highlighted option carries a "▶" as well as a colour."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

MARK, BLANK = "▶ ", "  "


class MarkedOptionList(OptionList):
    """Prefixes the highlighted option with ▶ so the choice never rests on colour alone."""

    def __init__(self, *options: Option, **kwargs) -> None:
        self._prompts = [Text(str(o.prompt)) if isinstance(o.prompt, str) else o.prompt
                         for o in options]
        super().__init__(*(Option(Text(BLANK) + p, id=o.id)
                           for o, p in zip(options, self._prompts, strict=True)), **kwargs)
        self._marked: int | None = None

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Move the mark; the message still bubbles to the screen."""
        new = event.option_index
        if new == self._marked:
            return
        if self._marked is not None and self._marked < len(self._prompts):
            self.replace_option_prompt_at_index(self._marked, Text(BLANK) + self._prompts[self._marked])
        if new is not None and new < len(self._prompts):
            self.replace_option_prompt_at_index(new, Text(MARK, style="bold") + self._prompts[new])
        self._marked = new
