"""The three-step checklist (lesson 06) run as one guided take, reviewed against its own timeline.

1. Exhale (the breathing pacer). 2. Soft eyes, half smile (record a take). 3. "Let's get curious".
The review speaks about movements and timings only, never a score, and it follows the learner: it is redrawn
whenever a step is ticked or a take arrives. A brow that shot up is something to roll with. Only the learner's
own steps and takes count: a sample clip ticks nothing and is never logged.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from . import memory, practice_log, store_failure
from .take_check import check_take, describe, log_take, render_check
from .take_origin import SAMPLE, TakeRoute, default_recorder, is_sample

#: The checklist's steps, in the article's words.
STEPS = ("Exhale.", "Soft eyes, half smile.", "Quick mental nudge: \u201clet's get curious\u201d.")
_BROWS = {"AU01": "inner brows raised", "AU02": "outer brows raised", "AU04": "brows pulled down"}
_TAKE_KINDS = ("mirror take", "checklist take")


def _event_value(event, name: str):
    return event[name] if isinstance(event, dict) else getattr(event, name)


def _analysed_span(timeline) -> tuple[float, float] | None:
    """Times of the first and last frames with a face, or ``None`` when there is no frame table."""
    frame = getattr(timeline, "frame", None)
    if frame is None or "time_s" not in frame:
        return None
    faces = frame[frame["face"].astype(bool)] if "face" in frame else frame
    if faces.empty:
        return None
    return float(faces["time_s"].min()), float(faces["time_s"].max())


def complete_brow_events(timeline) -> tuple[list, int]:
    """Brow events that lie wholly inside the take, and how many were cut off by its start or end.

    An event that touches the first or last analysed frame may have begun before the take or ended after it, so
    its timing is unknown: it is never presented as a rogue brow (docs/faults.md P8).
    """
    span = _analysed_span(timeline)
    complete, cut = [], 0
    for event in getattr(timeline, "events", ()):
        if _event_value(event, "au") not in _BROWS:
            continue
        kind = _event_value(event, "kind")
        touches = span is not None and (
            _event_value(event, "onset_s") <= span[0] or _event_value(event, "offset_s") >= span[1]
        )
        if touches or kind not in ("micro", "macro"):
            cut += 1
        else:
            complete.append(event)
    return complete, cut


def review(timeline, steps_done: Sequence[bool] = (True, True, True), origin: str = "camera") -> list[str]:
    """Review one take against the checklist, in plain sentences about movements and timings.

    Parameters
    ----------
    timeline : AUTimeline
        The take; its ``events`` are used for brow movements.
    steps_done : sequence of bool
        Which of the three steps the learner ticked.
    origin : {"camera", "file", "sample"}
        Whose take it is: a sample clip is described as someone else's.
    """
    lines = []
    if origin == SAMPLE:
        lines.append(
            "This is a sample clip, not you: it shows how a review reads. Your steps are not ticked for you, "
            "and nothing is logged."
        )
    else:
        for i, done in enumerate(steps_done):
            if not done:
                lines.append(f"Step {i + 1} ({STEPS[i]}) is not ticked yet: tick it once you have done it.")
        if all(steps_done):
            lines.append("All three steps ticked.")
    result = check_take(timeline)
    if result.problem:
        return [*lines, result.problem]
    whose = "In the sample clip" if origin == SAMPLE else "In your take"
    lines.append(f"{whose}: {describe(result)} (medians, 0 to 1).")
    brows, cut = complete_brow_events(timeline)
    for event in brows[:3]:
        au = _event_value(event, "au")
        lines.append(
            f"At {_event_value(event, 'onset_s'):.1f} s the {_BROWS[au]} ({au}) for "
            f"{_event_value(event, 'duration_ms'):.0f} ms ({_event_value(event, 'kind')}). "
            "If that was a rogue brow, roll with it: ask a question, share a laugh."
        )
    if not brows:
        lines.append("No brow movement stood out in this take.")
    if cut:
        lines.append(
            f"{cut} brow movement(s) at the very start or end of the take are left out: the take cut them off, "
            "so their timing is unknown."
        )
    return lines


def own_takes(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The learner's own takes in the practice log (sample clips are never counted, even in an old log)."""
    return [e for e in entries if e.get("kind") in _TAKE_KINDS and (e.get("values") or {}).get("origin") != SAMPLE]


def summary_card(entries: Sequence[dict[str, Any]]) -> str:
    """Render a summary card of the learner's own takes (lessons 04 and 06) as HTML: what moved, no scores."""
    takes = own_takes(entries)
    if not takes:
        return (
            "<div><b>Your takes</b><p><i>No takes of your own yet. Sample clips are someone else's face, so they "
            "are never counted here.</i></p></div>"
        )
    first, last = takes[0].get("values") or {}, takes[-1].get("values") or {}
    trend = ""
    if len(takes) > 1 and "AU12" in first and "AU12" in last:
        trend = (
            f"<li>Lip corners lifted (AU12, median): {first['AU12']:.2f} in your first take, "
            f"{last['AU12']:.2f} in your latest.</li>"
        )
    return (
        "<div style='border:1px solid #ccc;border-radius:6px;padding:0.5em 1em;max-width:40em'>"
        "<b>Your takes</b><ul>"
        f"<li>{len(takes)} take(s) of your own from lessons 04 and 06 (sample clips are not counted).</li>"
        f"<li>Latest: {html.escape(str(takes[-1].get('summary', '')))}</li>{trend}</ul></div>"
    )


class Checklist(widgets.VBox):
    """The checklist as one guided take: pacer, then record, then a review that follows the learner.

    Parameters
    ----------
    pacer : widget, optional
        The breathing pacer to show in step 1 (default: a new :class:`microexp_widgets.BreathingPacer`).
        Step 1 ticks itself when the pacer's session is complete, so the two always agree.
    recorder : microexp_widgets.Recorder, optional
        The recorder for step 2 (default: a new one with ``max_seconds=5``).
    log_takes : bool
        Write each of the learner's own reviewed takes to the practice log (never a sample clip).
    """

    def __init__(self, pacer=None, recorder=None, *, log_takes: bool = True, **kwargs) -> None:
        import microexp_widgets as mw

        self.pacer = mw.BreathingPacer(cycles=2) if pacer is None else pacer
        self.recorder = default_recorder() if recorder is None else recorder
        self.log_takes = log_takes
        #: The last reviewed take (the learner's or a sample clip), or ``None``.
        self.timeline = None
        #: Whose the last reviewed take is: ``"camera"``, ``"file"`` or ``"sample"``.
        self.origin: str | None = None
        self._route = TakeRoute(self.recorder, self.add_take)
        self._ticks = [widgets.Checkbox(description=f"{i + 1}. {s}", indent=False) for i, s in enumerate(STEPS)]
        for box in self._ticks:
            box.observe(lambda _: self._show_review(), "value")
        self._nudge = widgets.Text(value="Let's get curious.", description="your nudge")
        #: The review of the last take as the learner sees it.
        self.review = widgets.HTML(_NO_TAKE)
        #: The summary card of the learner's earlier takes.
        self.card = widgets.HTML()
        with store_failure.shown_in(self.card, replace=True):
            self.card.value = summary_card(practice_log.entries())
        if hasattr(self.pacer, "on_complete"):
            self.pacer.on_complete(lambda *_: self.tick(1))
        super().__init__(
            children=[
                self._ticks[0],
                self.pacer,
                self._ticks[1],
                widgets.HTML("<small>One take is all this lesson asks for.</small>"),
                self.recorder,
                self._ticks[2],
                self._nudge,
                widgets.HTML("<b>Review of your take</b>"),
                self.review,
                self.card,
            ],
            **kwargs,
        )
        memory.remember(self)

    @property
    def steps_done(self) -> tuple[bool, bool, bool]:
        """Which steps are ticked."""
        return tuple(box.value for box in self._ticks)

    def tick(self, *steps: int) -> None:
        """Tick steps by number (1-3), as the learner would."""
        for step in steps:
            self._ticks[step - 1].value = True

    def review_lines(self) -> list[str]:
        """The review of the last take as it stands now (empty before any take)."""
        if self.timeline is None:
            return []
        return review(self.timeline, self.steps_done, self.origin or "camera")

    def add_take(self, timeline, origin: str | None = None) -> list[str]:
        """Review a take (from the recorder, a sample clip or a file); log it if it is the learner's own."""
        origin = origin or self._route.origin_of(timeline)
        if is_sample(timeline):
            origin = SAMPLE
        self.timeline, self.origin = timeline, origin
        result = check_take(timeline)
        if self.log_takes and origin != SAMPLE and not result.problem:
            with store_failure.shown_in(self.card, replace=True, then="The review below is still yours to read."):
                steps = sum(self.steps_done)
                log_take("06_putting_it_together", "checklist take", "checklist take", origin, result, steps=steps)
                self.card.value = summary_card(practice_log.entries())
        return self._show_review()

    def _show_review(self) -> list[str]:
        lines = self.review_lines()
        if self.timeline is None:
            self.review.value = _NO_TAKE
            return lines
        result = check_take(self.timeline)
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        self.review.value = f"<ul>{items}</ul>" + ("" if result.problem else render_check(result, self.origin or ""))
        return lines

    def clear(self) -> None:
        """Forget the take and its review (used by "delete everything")."""
        self.timeline = None
        self.origin = None
        self.review.value = _NO_TAKE
        self.card.value = summary_card([])


_NO_TAKE = "<p><i>No take yet: record one holding step 2, and its review appears here.</i></p>"
