"""A reflection prompt: the learner types, saves to their practice log, and reads it back as plain text."""

from __future__ import annotations

import html

import ipywidgets as widgets
import traitlets

from . import memory, practice_log, store, store_failure

#: The longest reflection kept (about two pages): the practice log must still fit one download message, which a
#: Jupyter server takes up to 10 MiB by default (docs/faults.md T1).
MAX_REFLECTION_CHARS = 5000


class Reflection(widgets.VBox):
    """A prompt, a text box and a Save button; saved text is shown escaped, never as HTML (docs/faults.md S1).

    Parameters
    ----------
    prompt : str
        The question to reflect on.
    lesson : str
        Lesson key written to the practice log.
    kind : str
        Entry kind in the practice log.
    """

    text = traitlets.Unicode("", help="What is typed in the box now (the text area's value).")

    def __init__(self, prompt: str, *, lesson: str, kind: str = "reflection", **kwargs) -> None:
        self.prompt = prompt
        self.lesson = lesson
        self.kind = kind
        self._text = widgets.Textarea(
            placeholder="Type here; it stays in your user folder where this notebook runs.",
            layout=widgets.Layout(width="100%", height="5em"),
        )
        save = widgets.Button(description="Save to my practice log", icon="save", layout=widgets.Layout(width="auto"))
        save.on_click(lambda _: self.save())
        #: What the learner reads after saving: their text shown back, escaped.
        self.echo = widgets.HTML()
        super().__init__(
            children=[widgets.HTML(f"<b>{html.escape(prompt)}</b>"), self._text, save, self.echo], **kwargs
        )
        traitlets.link((self._text, "value"), (self, "text"))
        memory.remember(self)

    def save(self) -> dict | None:
        """Save the typed text to the practice log and show it back; empty text is not saved."""
        text = self.text.strip()
        if not text:
            self.echo.value = "<p><i>Type something first, then save.</i></p>"
            return None
        if len(text) > MAX_REFLECTION_CHARS:
            self.echo.value = (
                f"<p>This is {len(text):,} characters long and a reflection keeps up to {MAX_REFLECTION_CHARS:,} "
                "(about two pages), so it was not saved: shorten it and save again. Your text is still in the box.</p>"
            )
            return None
        try:
            entry = practice_log.add_entry(self.lesson, self.kind, text, {"prompt": self.prompt})
        except store.StoreError as error:
            self.echo.value = store_failure.sentence_html(error, "Your text is still in the box.")
            return None
        self.echo.value = f"<p>Saved: <q>{html.escape(entry['summary'])}</q></p>"
        return entry

    def clear(self) -> None:
        """Empty the box and the echo (used by "delete everything", also when it ran in another lesson)."""
        self._text.value = ""
        self.echo.value = ""
