"""``LiveFaceModel``: the face model running in the page on the camera stream, with live meters and takes of numbers.

Python asks for a take (``record``/``stop``); the browser counts down, keeps the clock, analyses every frame it can and
sends, per analysed frame, its time, its 52 blendshape scores and its face box in small batches. The video and any
picture of the face stay in the page.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from ..aus import AU_TABLE
from ..face import BLENDSHAPES
from .delivery import shared_files

# One row per analysed frame: time since the take started (s), 52 blendshapes, face box x, y, width, height.
ROW_WIDTH = 1 + len(BLENDSHAPES) + 4
#: Why the page may say a take ended.
END_REASONS = ("stop", "limit", "camera-off", "cancelled")
# How long past its limit a take the page ended may be said to have lasted (a timer in a busy or hidden tab fires
# late); a longer one is not believed.
_LATE_END_S = 120.0
_MAX_COUNT = 10_000_000  # frames a take's "ended" may count
# A few movements per face region, each read straight from its blendshapes (the jaw's graded AUs are left out).
METER_AUS = ("AU01", "AU02", "AU04", "AU07", "AU45", "AU10", "AU12", "AU14", "AU15", "AU17")


def meter_specs(codes: tuple[str, ...] = METER_AUS) -> list[dict]:
    """What the page needs to draw a meter for each AU in ``codes`` (in face-region order)."""
    unknown = [code for code in codes if code not in {au.code for au in AU_TABLE}]
    if unknown:
        raise ValueError(f"No meter can show {', '.join(unknown)}: use AU codes such as 'AU12'.")
    index = {name: i for i, name in enumerate(BLENDSHAPES)}
    return [
        {"code": au.code, "name": au.name, "region": au.region, "sources": [index[b] for b in au.blendshapes]}
        for au in AU_TABLE
        if au.code in codes
    ]


class LiveFaceModel(anywidget.AnyWidget):
    """The camera preview with live meters, and the browser's side of a take.

    ``model_state`` is set by the page: ``"loading"`` until the face model runs there, then ``"ready"``, or
    ``"failed"`` with the reason in ``failure`` (no WebAssembly SIMD, a load error, a hash mismatch).
    """

    _esm = Path(__file__).with_name("live.js")
    _css = Path(__file__).with_name("live.css")

    files_id = traitlets.Unicode(help="model id of the kernel's shared FaceModelFiles").tag(sync=True)
    """Type: str. Where the page gets the model and its runtime."""
    camera_id = traitlets.Unicode("", help="model id of the CameraStream to analyse, or ''").tag(sync=True)
    """Type: str. Default: ''. The camera the page analyses; '' while the camera is off."""
    meters = traitlets.List(help="the AUs shown as live meters, grouped by face region").tag(sync=True)
    """Type: list of dict. Code, name, region and blendshape indices of each meter."""
    max_seconds = traitlets.Float(10.0, help="the take stops itself after this many seconds").tag(sync=True)
    """Type: float. Default: 10.0."""
    countdown = traitlets.Int(3, help="seconds of countdown before a take").tag(sync=True)
    """Type: int. Default: 3."""
    model_state = traitlets.Enum(("loading", "ready", "failed"), "loading", help="set by the page").tag(sync=True)
    """Type: str. Default: 'loading'. Whether the face model runs in the page."""
    failure = traitlets.Unicode("", help="why the page cannot run the face model, in one sentence").tag(sync=True)
    """Type: str. Default: ''. Set by the page together with ``model_state = 'failed'``."""
    token = traitlets.Unicode(help="identifies this widget's views in the page").tag(sync=True)
    """Type: str. A random id, so the page can find this widget's state from its views."""

    @traitlets.default("token")
    def _token(self) -> str:
        return uuid.uuid4().hex

    def __init__(self, meter_aus: tuple[str, ...] = METER_AUS, **kwargs):
        files = shared_files()
        super().__init__(files_id=files.model_id, meters=meter_specs(tuple(meter_aus)), **kwargs)
        self._files = files
        self.received_bytes = 0  # what the page sent during takes: numbers only
        self.on_started: Callable[[int], object] | None = None
        self.on_frames: Callable[[int, np.ndarray], object] | None = None
        self.on_ended: Callable[[int, dict], object] | None = None
        #: Called with the take's number and the error when handling one of the page's messages failed.
        self.on_failure: Callable[[int, Exception], object] | None = None
        #: Messages from the page that did not have their expected shape, and were dropped (docs/faults.md K3).
        self.dropped_messages = 0
        self.on_msg(self._on_page_message)
        if files.problem:
            self.failure, self.model_state = files.problem, "failed"

    def record(self, take: int) -> None:
        """Ask the page to count down and then record take number ``take``."""
        self.send({"kind": "record", "take": take})

    def stop(self, take: int) -> None:
        """Ask the page to end take ``take`` (or its countdown); it answers with its last frames and ``ended``."""
        self.send({"kind": "stop", "take": take})

    def forget(self) -> None:
        """Ask the page to drop the learner's frames it keeps for the apex picture."""
        self.send({"kind": "forget"})

    def stills_of(self, take: int) -> str:
        """How the page names take ``take``'s frames (see ``StillView.show_page_frame``)."""
        return f"{self.token}:{take}"

    def _on_page_message(self, _widget, content, buffers) -> None:
        # Every message is checked against its shape before use; a bad one is dropped and counted, and nothing the
        # page sends can raise into ipywidgets' dispatcher (docs/faults.md K3).
        self.received_bytes += len(str(content)) + _buffer_bytes(buffers)
        message = read_page_message(content, buffers, self.max_seconds)
        if message is None:
            self.dropped_messages += 1
            return
        kind, take, payload = message
        if kind == "ended" and payload.get("reason") == UNREADABLE:
            self.dropped_messages += 1  # dropped, but the take it names still ends, from what has arrived
        handler = {"started": self.on_started, "frames": self.on_frames, "ended": self.on_ended}[kind]
        if handler is None:
            return
        try:
            handler(take, *(() if payload is None else (payload,)))
        except Exception as error:  # a fault of ours, met on a page's message: the take ends with a sentence
            self.dropped_messages += 1
            if self.on_failure is not None:
                self.on_failure(take, error)


#: The ``reason`` an "ended" message is handed on with when its fields could not be read.
UNREADABLE = "unreadable"


def _buffer_bytes(buffers) -> int:
    total = 0
    for buffer in buffers if isinstance(buffers, (list, tuple)) else ():
        try:
            total += memoryview(buffer).nbytes
        except TypeError:
            continue
    return total


def _whole(value: Any, high: int) -> int | None:
    return value if type(value) is int and 0 <= value <= high else None


def _number(value: Any, high: float) -> float | None:
    if type(value) not in (int, float) or not math.isfinite(value) or not 0 <= value <= high:
        return None
    return float(value)


def _rows(buffers) -> np.ndarray | None:
    if not isinstance(buffers, (list, tuple)) or len(buffers) != 1:
        return None
    try:
        view = memoryview(buffers[0])
    except TypeError:
        return None
    if view.nbytes == 0 or view.nbytes % (4 * ROW_WIDTH) or not view.contiguous:
        return None
    return np.frombuffer(view.cast("B"), dtype="<f4").reshape(-1, ROW_WIDTH)


def _ended(content: dict, max_seconds: float) -> dict:
    """The fields of an "ended" message, checked; ``{"reason": UNREADABLE}`` when any of them cannot be believed."""
    reason = content.get("reason")
    checked = {"reason": reason}
    fields = {
        "seconds": lambda v: _number(v, max_seconds + _LATE_END_S),
        "analysed": lambda v: _whole(v, _MAX_COUNT),
        "presented": lambda v: _number(v, _MAX_COUNT),
        "msPerFrame": lambda v: _number(v, 1e6),
    }
    for name, check in fields.items():
        if name in content:
            checked[name] = check(content[name])
            if checked[name] is None:
                return {"reason": UNREADABLE}
    if reason not in END_REASONS or (reason != "cancelled" and "seconds" not in checked):
        return {"reason": UNREADABLE}
    return checked


def read_page_message(content: Any, buffers: Any, max_seconds: float) -> tuple[str, int, Any] | None:
    """``(kind, take, payload)`` of a message from the page that has its expected shape, else ``None``.

    ``payload`` is ``None`` for "started", the rows for "frames" (time, 52 blendshapes, face box each) and the
    checked fields for "ended" (``{"reason": UNREADABLE}`` when they could not be read: the take still ends).
    """
    if not isinstance(content, dict):
        return None
    kind, take = content.get("kind"), _whole(content.get("take"), 2**53)
    if kind not in ("started", "frames", "ended") or take is None:
        return None
    if kind == "started":
        return kind, take, None
    if kind == "frames":
        rows = _rows(buffers)
        return None if rows is None else (kind, take, rows)
    return kind, take, _ended(content, max_seconds)
