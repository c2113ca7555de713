"""The learner's own ratings in "predict, then look": how visible the nerves were, and which movements showed.

A rating is the learner's, about how they think they came across; the library never computes one from a face, never
marks one right or wrong, and never sets two against each other as a score. The two ratings are shown side by side.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets

#: Movements a learner may think showed, in plain words with their Action Units.
MOVEMENTS = (
    "brows pulled down (AU04)",
    "brows raised (AU01, AU02)",
    "eyelids tightened (AU07)",
    "lips pressed together (AU24)",
    "lip corners pulled up (AU12)",
    "lip corners pulled down (AU15)",
    "blinking (AU45)",
)
#: The scale's two ends, said beside it.
SCALE = "0 = nobody could tell, 10 = anyone could tell at once"


@dataclass(frozen=True)
class Rating:
    """One rating: nerves 0-10 (None when not rated) and the movements ticked."""

    nerves: int | None
    movements: tuple[str, ...] = ()

    def nerves_words(self) -> str:
        return "not rated" if self.nerves is None else f"{self.nerves} on the 0 to 10 scale"

    def movements_words(self) -> str:
        return ", ".join(self.movements) if self.movements else "none ticked"


class RatingForm(widgets.VBox):
    """A 0-10 rating and a movement checklist, with a button that hands the rating on.

    Parameters
    ----------
    question : str
        The rating question ("How visible were your nerves to someone watching?").
    movements_question : str
        The checklist's question ("Which movements do you think showed?").
    button : str
        The label of the button that hands the rating on.
    on_done : callable
        Called with the :class:`Rating` when the button is pressed.
    """

    def __init__(self, question: str, movements_question: str, button: str, on_done: Callable[[Rating], object]):
        self._on_done = on_done
        self.question = widgets.HTML()
        # Toggle buttons with nothing chosen: a slider would start somewhere and pull the answer towards it.
        self.scale = widgets.ToggleButtons(
            options=[(str(i), i) for i in range(11)], value=None, style={"button_width": "3.2em"},
            tooltips=[SCALE] * 11,
        )  # fmt: skip
        self.movements_question = widgets.HTML()
        self.boxes = [
            widgets.Checkbox(description=m, indent=False, layout=widgets.Layout(width="19em")) for m in MOVEMENTS
        ]
        self.done_button = widgets.Button(
            description=button,
            icon="arrow-right",
            button_style="primary",
            layout=widgets.Layout(width="auto", align_self="flex-start"),
        )
        self.done_button.on_click(lambda _: self.done())
        self.hint = widgets.HTML()
        self.ask(question, movements_question)
        super().__init__(
            children=[
                self.question,
                self.scale,
                self.movements_question,
                widgets.Box(self.boxes, layout=widgets.Layout(flex_flow="row wrap", max_width="40em")),
                self.done_button,
                self.hint,
            ]
        )

    def ask(self, question: str, movements_question: str) -> None:
        """Change the two questions (the observer path words them about the person in the clip)."""
        self.question.value = f"<b>{html.escape(question)}</b><br><small>{html.escape(SCALE)}</small>"
        self.movements_question.value = f"<b>{html.escape(movements_question)}</b> <small>(tick any)</small>"

    @property
    def rating(self) -> Rating:
        """What is chosen now."""
        return Rating(self.scale.value, tuple(box.description for box in self.boxes if box.value))

    def set(self, nerves: int | None, movements: tuple[str, ...] = ()) -> None:
        """Choose a rating as the learner would."""
        self.scale.value = nerves
        for box in self.boxes:
            box.value = box.description in movements

    def done(self) -> Rating | None:
        """Hand the rating on (what the button does); a missing number gets one sentence instead."""
        rating = self.rating
        if rating.nerves is None:
            self.hint.value = "<p><i>Pick a number from 0 to 10 first; the movements are up to you.</i></p>"
            return None
        self.hint.value = ""
        self._on_done(rating)
        return rating

    def reset(self) -> None:
        """Nothing chosen, as at the start."""
        self.set(None)
        self.hint.value = ""


def side_by_side(before: Rating, after: Rating, *, own: bool) -> str:
    """The two ratings in one table, before and after watching; nothing computed from them."""
    first = "Before you watched: your prediction" if own else "Your first impression"
    second = "After you watched, as an observer" if own else "After a close look"
    rows = (
        ("How visible the nerves were" if own else "How nervous the person looked", before.nerves_words(),
         after.nerves_words()),
        ("Movements you thought showed" if own else "Movements you thought you saw", before.movements_words(),
         after.movements_words()),
    )  # fmt: skip
    pad = "padding:3px 1em 3px 0;vertical-align:top;text-align:left"
    body = "".join(
        f"<tr><th scope='row' style='{pad}'>{html.escape(label)}</th>"
        f"<td style='{pad}'>{html.escape(a)}</td><td style='{pad}'>{html.escape(b)}</td></tr>"
        for label, a, b in rows
    )
    return (
        "<table><thead><tr><td></td>"
        f"<th scope='col' style='{pad}'>{html.escape(first)}</th>"
        f"<th scope='col' style='{pad}'>{html.escape(second)}</th>"
        f"</tr></thead><tbody>{body}</tbody></table>"
    )
