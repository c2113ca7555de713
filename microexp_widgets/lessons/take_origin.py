"""Whose face a take shows: the learner's own (a camera take or a file they uploaded) or a sample clip.

A sample clip is a stranger's face. Lesson widgets show its feedback labelled "sample clip (not you)", and never
log it, count it or compare it with the learner's takes.
"""

from __future__ import annotations

CAMERA = "camera"
FILE = "file"
SAMPLE = "sample"

#: How each origin is named to the learner.
LABELS = {CAMERA: "your camera take", FILE: "your uploaded file", SAMPLE: "sample clip (not you)"}

# Recorder states on the camera route: once one is seen, the next timeline is a camera take.
_CAMERA_STATES = ("countdown", "recording", "receiving")


def is_sample(timeline) -> bool:
    """True when the timeline was made from one of the shipped sample clips (``AUTimeline.sample`` names it).

    Only a name counts: a bare pandas table, which some widgets also take, has a ``sample`` method.
    """
    return isinstance(getattr(timeline, "sample", None), str)


def default_recorder(**kwargs):
    """The recorder a lesson widget shows when it is given none: takes of at most five seconds."""
    import microexp_widgets as mw

    return mw.Recorder(max_seconds=5, **kwargs)


def use_sample_if_no_take(recorder, name: str = "pexels") -> None:
    """A lesson's no-camera cell: analyse a sample clip in ``recorder`` unless it already holds a take.

    Run top to bottom without a camera, the lesson gets the sample; a learner who recorded first keeps their take.
    It returns nothing, so the cell shows nothing but the recorder's own line.
    """
    if recorder.timeline is None:
        recorder.use_sample(name)


class TakeRoute:
    """Hands each take a recorder delivers to a lesson widget, and tells a camera take from a file or a sample clip.

    Parameters
    ----------
    recorder : microexp_widgets.Recorder or any widget
        Watched through its ``state`` trait when it has one; without it every take counts as a camera take.
    on_take : callable, optional
        Called with each timeline the recorder delivers (through its ``on_timeline``, when it has one).
    """

    def __init__(self, recorder, on_take=None) -> None:
        self._route = CAMERA
        if hasattr(recorder, "has_trait") and recorder.has_trait("state"):
            recorder.observe(self._on_state, "state")
        if on_take is not None and hasattr(recorder, "on_timeline"):
            recorder.on_timeline(lambda timeline, *_: on_take(timeline))

    def _on_state(self, change) -> None:
        if change["new"] in _CAMERA_STATES:
            self._route = CAMERA
        elif change["new"] == "analysing" and change["old"] not in _CAMERA_STATES:
            # Straight from idle to analysing: the Upload or the sample button, never the camera.
            self._route = FILE

    def origin_of(self, timeline) -> str:
        """``"sample"``, ``"camera"`` or ``"file"`` for a timeline this recorder just delivered."""
        return SAMPLE if is_sample(timeline) else self._route
