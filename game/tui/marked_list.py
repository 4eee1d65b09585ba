"""An OptionList whose highlighted option carries a "▶" as well as a colour."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

MARK, BLANK = "▶ ", "  "


def _as_text(prompt: object) -> Text:
    return Text(prompt) if isinstance(prompt, str) else prompt  # type: ignore[return-value]


class MarkedOptionList(OptionList):
    """Prefixes the highlighted option with ▶ so the choice never rests on colour alone."""

    def __init__(self, *options: Option, **kwargs) -> None:
        self._prompts = [_as_text(o.prompt) for o in options]
        super().__init__(*(Option(Text(BLANK) + p, id=o.id, disabled=o.disabled)
                           for o, p in zip(options, self._prompts, strict=True)), **kwargs)
        self._marked: int | None = None

    def _prefixed(self, index: int) -> Text:
        return Text(MARK, style="bold") + self._prompts[index] if index == self._marked \
            else Text(BLANK) + self._prompts[index]

    def set_options(self, options: Sequence[Option]) -> None:
        """Replace every option (the highlight moves to the first)."""
        self._prompts = [_as_text(o.prompt) for o in options]
        self._marked = None
        self.clear_options()
        self.add_options([Option(Text(BLANK) + p, id=o.id, disabled=o.disabled)
                          for o, p in zip(options, self._prompts, strict=True)])

    def set_prompts(self, prompts: Sequence[Text | str]) -> None:
        """New words for the options already listed (same count, same order)."""
        for i, prompt in enumerate(prompts[: len(self._prompts)]):
            self._prompts[i] = _as_text(prompt)
            self.replace_option_prompt_at_index(i, self._prefixed(i))

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Move the mark; the message still bubbles to the screen."""
        new = event.option_index
        if new == self._marked:
            return
        old, self._marked = self._marked, new
        if old is not None and old < len(self._prompts):
            self.replace_option_prompt_at_index(old, self._prefixed(old))
        if new is not None and new < len(self._prompts):
            self.replace_option_prompt_at_index(new, self._prefixed(new))
