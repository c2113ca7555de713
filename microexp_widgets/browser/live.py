"""``LiveFaceModel``: the face model running in the page on the camera stream, with live meters and takes of numbers.

Python asks for a take (``record``/``stop``); the browser counts down, keeps the clock, analyses every frame it can and
sends, per analysed frame, its time, its 52 blendshape scores and its face box in small batches. The video and any
picture of the face stay in the page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from ..aus import AU_TABLE
from ..face import BLENDSHAPES
from .delivery import shared_files

# One row per analysed frame: time since the take started (s), 52 blendshapes, face box x, y, width, height.
ROW_WIDTH = 1 + len(BLENDSHAPES) + 4
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
        if not isinstance(content, dict):
            return
        kind, take = content.get("kind"), int(content.get("take", -1))
        self.received_bytes += len(str(content)) + sum(memoryview(b).nbytes for b in buffers or [])
        if kind == "started" and self.on_started:
            self.on_started(take)
        elif kind == "frames" and self.on_frames and buffers:
            rows = np.frombuffer(bytes(buffers[0]), dtype="<f4").reshape(-1, ROW_WIDTH)
            self.on_frames(take, rows)
        elif kind == "ended" and self.on_ended:
            self.on_ended(take, content)
