"""Describe before you look it up (lesson 05): watch a clip, write what moved, then reveal what the tool spotted.

Writing first keeps the learner's own noticing from being anchored by the tool's list; the list then works as
feedback on the description, in movement words, never as a reading of the person in the clip. The clip is a sample
(a stranger's face), or a take of the learner's own: then the replay stays in the page (:class:`..widgets.Replay`)
and nothing of it is saved.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from ..spotting import kind_words

MIN_NOTE_CHARS = 10
_PROMPT = (
    "<b>1. Watch the clip</b> (play it as often as you like). <b>2. Write what moved</b>: which part of the face, "
    "when, for how long, in movement words only. <b>3. Then reveal</b> what the tool spotted and compare."
)
_OWN_PROMPT = (
    "<b>1. Record</b> about ten seconds of yourself telling someone about your day. <b>2. Watch the replay</b> "
    "and <b>write what moved</b>, in movement words only. <b>3. Then reveal</b> what the tool spotted and compare. "
    "Nothing of it is saved."
)
_NO_TAKE = "Record a take first (or press Use a sample clip): then watch it and describe it."
_LOCKED = "Write a few words first: the list stays hidden until you have described what you saw."


class ClipStudy(widgets.VBox):
    """Play a clip, take the learner's description, then reveal the spotted movements and the timeline.

    Parameters
    ----------
    path : str or Path, optional
        A clip to study at once (a sample clip: a stranger's face, so nothing here is about the learner).
    recorder : microexp_widgets.Recorder, optional
        Without ``path``: the recorder whose takes are studied (by default one of at most 10 s with no live
        meters); each take, or a sample clip from its button, starts the study afresh.
    credit : str
        Shown under the video, for example the footage's licence credit.
    max_events : int
        How many of the first spotted movements the revealed list shows; the timeline shows them all.

    The learner's text stays in this widget only: it is not saved anywhere.
    """

    def __init__(
        self, path: str | Path | None = None, *, recorder=None, credit: str = "", max_events: int = 10, **kwargs
    ) -> None:
        self.max_events = max_events
        self.timeline = None
        self.notes = widgets.Textarea(
            placeholder="For example: brows go up briefly near the start; lip corners pull up while talking...",
            layout=widgets.Layout(width="100%", height="6em"),
        )
        self.reveal_button = widgets.Button(
            description="Reveal the spotted movements", icon="eye", disabled=True, layout=widgets.Layout(width="auto")
        )
        self.reveal_button.on_click(lambda _: self.reveal())
        self._hint = widgets.HTML(_LOCKED)
        self._answer = widgets.VBox()
        self.notes.observe(self._on_notes, names="value")
        caption = widgets.HTML(f"<i>{html.escape(credit)}</i>" if credit else "")
        if path is not None:
            from ..pipeline import analyze_video

            path = Path(path)
            self.timeline = analyze_video(path)
            self.recorder = None
            self.video = widgets.Video(
                value=path.read_bytes(), format=path.suffix.lstrip(".") or "mp4", autoplay=False, loop=False, width=480
            )
            player, header = [self.video], widgets.HTML(_PROMPT)
        else:
            import microexp_widgets as mw

            from .take_origin import TakeRoute

            self.recorder = mw.Recorder(max_seconds=10, meters=()) if recorder is None else recorder
            if hasattr(self.recorder, "add_class"):
                self.recorder.add_class("microexp-no-mirror")  # no picture of the face while the learner talks
            self.video = mw.Replay()
            self._route = TakeRoute(self.recorder, self.study)
            player, header = [self.recorder, self.video], widgets.HTML(_OWN_PROMPT)
            self._hint.value = _NO_TAKE
        super().__init__(
            children=[header, *player, caption, self.notes, self.reveal_button, self._hint, self._answer], **kwargs
        )
        if self.recorder is not None:
            from . import memory

            memory.remember(self)

    def clear(self) -> None:
        """Forget the take, the learner's words and the revealed list (used by "delete everything")."""
        self.timeline = None
        self._answer.children = ()
        self.notes.value = ""
        self._hint.value = _NO_TAKE
        if hasattr(self.video, "clear"):
            self.video.clear()

    def study(self, timeline) -> None:
        """Start afresh on ``timeline`` (a take of the recorder, or a sample clip from its button)."""
        self.timeline = timeline
        self._answer.children = ()
        self.notes.value = ""
        label = "your take" if getattr(timeline, "is_own_take", True) else "the sample clip (not you)"
        self.video.show(timeline, label=label)

    @property
    def revealed(self) -> bool:
        """True once the list of spotted movements is shown."""
        return bool(self._answer.children)

    def _on_notes(self, change: dict) -> None:
        ready = len(change["new"].strip()) >= MIN_NOTE_CHARS and self.timeline is not None
        self.reveal_button.disabled = not ready or self.revealed
        self._hint.value = "" if ready else (_LOCKED if self.timeline is not None else _NO_TAKE)

    def reveal(self) -> None:
        """Show the first spotted movements, the learner's own words beside them, and the full timeline."""
        if len(self.notes.value.strip()) < MIN_NOTE_CHARS:
            raise RuntimeError("Describe what you saw first (a few words); then the list can be revealed.")
        if self.timeline is None:
            raise RuntimeError("Record a take (or use a sample clip) first; then describe it.")
        if self.revealed:
            return
        from ..aus import au_info
        from ..widgets.timeline_view import TimelineView

        rows = "".join(
            f"<tr><td>{e.onset_s:.2f} s</td><td>{html.escape(e.au)} {html.escape(au_info(e.au).name)}</td>"
            f"<td>{e.duration_ms:.0f} ms</td><td>{html.escape(kind_words(e))}</td></tr>"
            for e in self.timeline.events[: self.max_events]
        )
        total = len(self.timeline.events)
        table = (
            f"<p><b>You wrote:</b> {html.escape(self.notes.value.strip())}</p>"
            f"<p><b>The tool spotted {total} movements.</b> The first {min(total, self.max_events)}:</p>"
            "<table><tr><th>onset</th><th>movement</th><th>duration</th><th>label</th></tr>"
            f"{rows}</table>"
            "<p>Which did you catch? Which did you miss, and which did you notice that the tool did not list? "
            "Remember that speech moves the mouth in many brief bursts, and that the tool misses subtle movements.</p>"
        )
        self.reveal_button.disabled = True
        self._hint.value = ""
        self._answer.children = [widgets.HTML(table), TimelineView(self.timeline)]
