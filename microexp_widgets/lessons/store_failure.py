"""How a lesson widget shows that the learner's store failed: one sentence, in the widget that tried.

Every lesson widget that reads or saves the learner's data uses this, in its constructor and in its handlers, so a
store failure (a folder without permission, a full disk, a long lock) never raises out of a lesson (docs/faults.md F1).

Use ``with shown_in(widget): ...`` around a read or a save: a :class:`~.store.StoreError` raised inside is shown in
``widget`` (an ``ipywidgets.HTML``), added under what it already shows or in its place, and the code after the block
runs on.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator

import ipywidgets as widgets

from ._records import StoreError

# Marked by an amber bar, not an amber text: the text keeps the theme's own colour, readable in light and dark themes,
# and reads as "look at this", not as an error of the learner's.
_STYLE = "border-left:3px solid var(--jp-warn-color1, #b26b00);padding-left:0.6em"


def sentence_html(error: StoreError | str, then: str = "") -> str:
    """The failure (or the store's notice) as a paragraph of escaped text; ``then`` is a plain sentence after it."""
    text = f"{error} {then}".strip()
    return f"<p class='microexp-store-problem' style='{_STYLE}'>{html.escape(text)}</p>"


@contextlib.contextmanager
def shown_in(widget: widgets.HTML, *, replace: bool = False, then: str = "") -> Iterator[None]:
    """Run the block; a ``StoreError`` from it is shown in ``widget`` (after its value, or instead of it)."""
    try:
        yield
    except StoreError as error:
        said = sentence_html(error, then)
        widget.value = said if replace else widget.value + said
