"""The MediaPipe Face Landmarker: one instance per clip, VIDEO mode, always closed.

MediaPipe needs strictly increasing integer millisecond timestamps per landmarker instance, a C-contiguous uint8 RGB
array, and an explicit close (relying on ``__del__`` at interpreter exit prints a spurious ``TypeError``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass

import numpy as np

from .assets import verified_model_path

# The model's 52 outputs, in index order.
BLENDSHAPES: tuple[str, ...] = (
    "_neutral",
    "browDownLeft",
    "browDownRight",
    "browInnerUp",
    "browOuterUpLeft",
    "browOuterUpRight",
    "cheekPuff",
    "cheekSquintLeft",
    "cheekSquintRight",
    "eyeBlinkLeft",
    "eyeBlinkRight",
    "eyeLookDownLeft",
    "eyeLookDownRight",
    "eyeLookInLeft",
    "eyeLookInRight",
    "eyeLookOutLeft",
    "eyeLookOutRight",
    "eyeLookUpLeft",
    "eyeLookUpRight",
    "eyeSquintLeft",
    "eyeSquintRight",
    "eyeWideLeft",
    "eyeWideRight",
    "jawForward",
    "jawLeft",
    "jawOpen",
    "jawRight",
    "mouthClose",
    "mouthDimpleLeft",
    "mouthDimpleRight",
    "mouthFrownLeft",
    "mouthFrownRight",
    "mouthFunnel",
    "mouthLeft",
    "mouthLowerDownLeft",
    "mouthLowerDownRight",
    "mouthPressLeft",
    "mouthPressRight",
    "mouthPucker",
    "mouthRight",
    "mouthRollLower",
    "mouthRollUpper",
    "mouthShrugLower",
    "mouthShrugUpper",
    "mouthSmileLeft",
    "mouthSmileRight",
    "mouthStretchLeft",
    "mouthStretchRight",
    "mouthUpperUpLeft",
    "mouthUpperUpRight",
    "noseSneerLeft",
    "noseSneerRight",
)

# Quiet MediaPipe's and TFLite's own log lines; they mean nothing to a learner. Set before mediapipe is imported.
os.environ.setdefault("GLOG_minloglevel", "2")
SETTLE_FRAMES = 4
SETTLE_STEP_MS = 40
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


_silence_lock = threading.Lock()
_silence_depth = 0
_saved_stderr: int | None = None


@contextlib.contextmanager
def _native_stderr_silenced():
    """Send file descriptor 2 to /dev/null while native code starts up (it writes there, below Python's reach).

    File descriptors belong to the whole process, so overlapping uses (two landmarkers starting on two threads) share
    one redirection: the first to enter makes it, the last to leave undoes it.
    """
    global _silence_depth, _saved_stderr
    with _silence_lock:
        if _silence_depth == 0:
            try:
                _saved_stderr = os.dup(2)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
            except OSError:  # no usable fd 2 (some embedded kernels): nothing to silence
                _saved_stderr = None
        _silence_depth += 1
    try:
        yield
    finally:
        with _silence_lock:
            _silence_depth -= 1
            if _silence_depth == 0 and _saved_stderr is not None:
                os.dup2(_saved_stderr, 2)
                os.close(_saved_stderr)
                _saved_stderr = None


@dataclass
class FaceResult:
    """One frame's measurement of the followed face."""

    blendshapes: np.ndarray  # 52 scores in BLENDSHAPES order
    box: tuple[float, float, float, float]  # x, y, width, height of the landmarks, as fractions of the frame
    faces_seen: int


def _box(landmarks) -> tuple[float, float, float, float]:
    xs = [p.x for p in landmarks]
    ys = [p.y for p in landmarks]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


class FaceTracker:
    """Follow one face through a clip. With ``max_faces`` > 1 the largest face in each frame is the one measured."""

    def __init__(self, max_faces: int = 1, *, video: bool = True):
        model = verified_model_path()
        with _native_stderr_silenced():
            import mediapipe as mp
            from mediapipe.tasks.python import BaseOptions, vision

            self._mp = mp
            options = vision.FaceLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(model)),
                running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
                num_faces=max_faces,
                output_face_blendshapes=True,
            )
            self._landmarker = vision.FaceLandmarker.create_from_options(options)
        self._video = video
        self._last_ms = -1
        self._shift_ms = 0
        self._tracking = False
        self._warmed = False

    def __enter__(self) -> FaceTracker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._landmarker is not None:
            with _native_stderr_silenced():
                self._landmarker.close()
            self._landmarker = None

    def _run(self, image, time_s: float, *, step_ms: int = 1):
        if not self._video:
            return self._landmarker.detect(image)
        stamp = max(self._last_ms + step_ms, int(round(time_s * 1000)) + self._shift_ms)
        self._last_ms = stamp
        return self._landmarker.detect_for_video(image, stamp)

    def detect(self, rgb: np.ndarray, time_s: float = 0.0) -> FaceResult | None:
        """Measure the (largest) face in one upright RGB frame; None when no face is found."""
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        if self._warmed:
            result = self._run(image, time_s)
        else:
            with _native_stderr_silenced():  # the first inference prints TFLite's delegate banner
                result = self._run(image, time_s)
            self._warmed = True
        if self._video and result.face_landmarks and not self._tracking:
            # Scores overshoot for several frames after a face is first found, while the tracker settles on it;
            # settling it on this frame first keeps that start-up swing out of the learner's timeline.
            # The tracker smooths over time, so the settling frames are spaced like real ones.
            for _ in range(SETTLE_FRAMES):
                result = self._run(image, time_s, step_ms=SETTLE_STEP_MS)
            self._shift_ms += SETTLE_FRAMES * SETTLE_STEP_MS
        self._tracking = bool(result.face_landmarks)
        if not result.face_landmarks:
            return None
        boxes = [_box(face) for face in result.face_landmarks]
        largest = max(range(len(boxes)), key=lambda i: boxes[i][2] * boxes[i][3])
        scores = np.fromiter(
            (c.score for c in result.face_blendshapes[largest]), dtype=np.float32, count=len(BLENDSHAPES)
        )
        return FaceResult(scores, boxes[largest], len(boxes))
