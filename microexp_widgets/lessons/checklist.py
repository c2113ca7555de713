"""The three-step checklist (lesson 06) run as one guided take: pacer, then the take, then predict and look again.

1. Exhale (the breathing pacer). 2. Soft eyes, half smile. 3. "Let's get curious". Then a short take in the shape of
lesson 04 (:mod:`.predict_look`): predict how it came across, watch it as an observer, rate again. The take is
described (the brow movements with their timing, something to roll with), never judged, and nothing is saved unless
the learner presses Save. The summary card counts only what the learner chose to save, and draws no trend.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from . import memory, practice_log, store_failure
from .predict_look import LOG_KIND, PredictThenLook
from .take_origin import SAMPLE
from .take_words import brow_lines

#: The checklist's steps, in the article's words.
STEPS = ("Exhale.", "Soft eyes, half smile.", "Quick mental nudge: \u201clet's get curious\u201d.")
TASK_06 = (
    "Say hello and ask one question, for 10 to 15 seconds, as you would to someone new at a club or in a queue: "
    "for example \u201cHi, I'm Sam. Is this the queue for the tickets?\u201d"
)

_FACE_HINT = "Eyes unclench, lip corners lift a touch: no need to check it in a mirror."


def saved_pairs(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pairs of ratings the learner chose to save (lessons 04 and 06), never a sample clip's."""
    return [e for e in entries if e.get("kind") == LOG_KIND and (e.get("values") or {}).get("origin") != SAMPLE]


def summary_card(entries: Sequence[dict[str, Any]]) -> str:
    """What the learner chose to keep from lessons 04 and 06, as HTML: how many, and the latest in their words."""
    pairs = saved_pairs(entries)
    if not pairs:
        body = (
            "<p><i>Nothing saved yet. A pair of ratings is kept only when you press Save after a take; sample clips "
            "are someone else's face and are never kept.</i></p>"
        )
    else:
        latest = html.escape(str(pairs[-1].get("summary", "")))
        body = (
            f"<ul><li>Pairs of ratings you saved in lessons 04 and 06: {len(pairs)}.</li><li>Latest: {latest}</li></ul>"
        )
    return (
        "<div style='border:1px solid var(--jp-border-color1,#ccc);border-radius:6px;padding:0.5em 1em;"
        f"max-width:40em'><b>What you chose to keep</b>{body}</div>"
    )


class Checklist(widgets.VBox):
    """The checklist as one guided sequence: the pacer, the face, the nudge, then one take to predict and look at.

    Parameters
    ----------
    pacer : widget, optional
        The breathing pacer of step 1 (default: a new :class:`microexp_widgets.BreathingPacer` of two breaths).
        Step 1 ticks itself when the pacer's session is complete, so the two always agree.
    recorder : microexp_widgets.Recorder, optional
        The recorder for the take (default: the one :class:`.PredictThenLook` makes, with no live meters).
    """

    def __init__(self, pacer=None, recorder=None, **kwargs) -> None:
        import microexp_widgets as mw

        self.pacer = mw.BreathingPacer(cycles=2) if pacer is None else pacer
        self._ticks = [widgets.Checkbox(description=f"{i + 1}. {s}", indent=False) for i, s in enumerate(STEPS)]
        self._nudge = widgets.Text(value="Let's get curious.", description="your nudge")
        #: Step 4: the take, in the shape of lesson 04.
        self.practice = PredictThenLook(recorder, lesson="06_putting_it_together", task=TASK_06, describe=brow_lines)
        self.practice.save_button.on_click(lambda _: self.refresh_card())
        #: What the learner chose to keep from lessons 04 and 06.
        self.card = widgets.HTML()
        if hasattr(self.pacer, "on_complete"):
            self.pacer.on_complete(lambda *_: self.tick(1))
        super().__init__(
            children=[
                self._ticks[0],
                self.pacer,
                self._ticks[1],
                widgets.HTML(f"<small>{_FACE_HINT}</small>"),
                self._ticks[2],
                self._nudge,
                widgets.HTML("<b>4. One take, then predict and look</b>"),
                self.practice,
                self.card,
            ],
            **kwargs,
        )
        self.refresh_card()
        memory.remember(self)

    @property
    def recorder(self):
        """The recorder of the take."""
        return self.practice.recorder

    @property
    def timeline(self):
        """The take on show (the learner's or a sample clip), or ``None``."""
        return self.practice.timeline

    @property
    def origin(self) -> str | None:
        """Whose the take on show is: ``"camera"``, ``"file"`` or ``"sample"``."""
        return self.practice.origin

    @property
    def steps_done(self) -> tuple[bool, bool, bool]:
        """Which steps are ticked."""
        return tuple(box.value for box in self._ticks)

    def tick(self, *steps: int) -> None:
        """Tick steps by number (1-3), as the learner would."""
        for step in steps:
            self._ticks[step - 1].value = True

    def use_sample_clip(self, name: str = "pexels") -> None:
        """The no-camera path: the take's steps on a sample clip, as an observer (ticks nothing, saves nothing)."""
        self.practice.use_sample_clip(name)

    def refresh_card(self) -> None:
        """Re-read the practice log and redraw the card (a store that cannot be read is said in it, in one sentence)."""
        with store_failure.shown_in(self.card, replace=True):
            self.card.value = summary_card(practice_log.entries())

    def clear(self) -> None:
        """Forget the take and its ratings (used by "delete everything")."""
        self.practice.clear()
        self.card.value = summary_card([])
