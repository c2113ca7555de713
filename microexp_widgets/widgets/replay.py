"""``Replay``: play a take back in the page, to watch it as an observer would, never as part of the saved state.

A camera take analysed in the browser is replayed from the frames the page kept of it (the same frames the apex
picture comes from): they never left the page, so the kernel sends only the take's name. A clip the kernel already
holds (an uploaded file, a sample clip, a take recorded on the kernel route) travels to the page as a custom message,
as the apex picture does (:mod:`._still`), so a saved notebook keeps no copy of it either.
"""

from __future__ import annotations

import threading
from pathlib import Path

import anywidget
import traitlets

from .. import _learner_data

__all__ = ["Replay", "clip_mime"]


def clip_mime(data: bytes) -> str:
    """The video type of a clip from its first bytes: WebM/Matroska, MP4/QuickTime, or a generic video type."""
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    return "video/*"


class Replay(anywidget.AnyWidget):
    """A player for one take: Play, Pause, a position slider, a slow-motion switch and the time in seconds.

    The picture is not mirrored (the live preview is): it shows a face the way someone across the table sees it.
    ``loaded`` is set by the page once it has what it needs to play (numbers only: a frame count and a length).
    """

    _esm = Path(__file__).with_name("replay.js")
    _css = Path(__file__).with_name("replay.css")

    loaded = traitlets.Dict(help="Set by the page: kind ('frames', 'clip', 'gone' or 'none'), frames, duration_s.").tag(
        sync=True
    )
    label = traitlets.Unicode("the replay", help="What the picture shows, for its text alternative.").tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._timeline = None  # the take on show; its clip is read again for each view, never copied here
        self._lock = threading.Lock()
        self.on_msg(self._on_page_message)
        _learner_data.register(self, Replay.clear)

    def show(self, timeline, *, label: str = "your take") -> str:
        """Get ready to replay ``timeline``; returns where its picture comes from: "page", "kernel" or "none".

        "page" when the page kept the take's frames (a camera take analysed in the browser); "kernel" when the
        timeline keeps its clip in this kernel; "none" when there is nothing to replay (an OpenFace CSV, a cleared
        take).
        """
        self.label = label
        with self._lock:
            self._timeline = timeline
            message, buffers = self._message()
            self.send(message, buffers=buffers)
        return {"frames": "page", "clip": "kernel"}.get(message["kind"], "none")

    def seek(self, time_s: float) -> None:
        """Move the replay to ``time_s`` seconds (and pause it there)."""
        self.send({"kind": "seek", "time_s": float(time_s)})

    def clear(self) -> bool:
        """Drop the take from the player (used by "delete everything"); False when nothing was on show."""
        with self._lock:
            had, self._timeline = self._timeline is not None, None
            self.send({"kind": "none", "text": ""})
        return had

    def _message(self) -> tuple[dict, list[bytes]]:
        timeline = self._timeline
        if timeline is None:
            return {"kind": "none", "text": ""}, []
        duration = float(getattr(timeline, "duration_s", 0.0) or 0.0)
        source = getattr(timeline, "page_stills", None)
        if source:
            return {"kind": "frames", "source": source, "duration_s": duration}, []
        clip = timeline.clip_bytes() if hasattr(timeline, "clip_bytes") else None
        if clip:
            return {"kind": "clip", "mime": clip_mime(clip), "duration_s": duration}, [clip]
        return {"kind": "none", "text": "There is no picture to replay for this take."}, []

    def _on_page_message(self, _widget, content, _buffers) -> None:
        # A view drawn later (the widget shown twice, the page reloaded) asks for the current take.
        if isinstance(content, dict) and content.get("kind") == "ready":
            with self._lock:
                message, buffers = self._message()
                self.send(message, buffers=buffers)
