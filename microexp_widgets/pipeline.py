"""``analyze_video``: a clip in, an ``AUTimeline`` out (decode -> face -> AUs -> events).

MediaPipe runs one inference at a time per landmarker, so a take long enough to be worth it is cut in two halves,
each followed by its own landmarker on its own core; the halves are joined back in time order.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._memory import release_free_memory
from .face import BLENDSHAPES, FaceTracker
from .spotting import DEFAULT_SETTINGS, SpottingSettings
from .timeline import AUTimeline
from .video import DEFAULT_LIMITS, Decoder, Frame, Source, VideoLimits, check_source, describe_source

ProgressCallback = Callable[[int, "int | None"], None]

PROGRESS_EVERY = 5  # frames between progress reports
RECOUNT_EVERY_S = 3.0  # how often a single-face stretch is checked again for extra faces
MAX_FACES = 4
MIN_FRAMES_TO_SPLIT = 48  # below this, a second landmarker costs more to start than it saves

_DONE = object()


def _prefetched(frames: Iterator[Frame], depth: int = 8) -> Iterator[Frame]:
    """Decode on a helper thread so decoding overlaps with face detection (both release the GIL)."""
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for frame in frames:
                while not stop.is_set():
                    try:
                        slots.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(_DONE)
        except BaseException as error:  # handed to the consumer, which re-raises it
            slots.put(error)

    worker = threading.Thread(target=produce, name="microexp-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


@dataclass
class _Segment:
    """What one landmarker measured over a stretch of the clip."""

    times: list[float] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    several_faces: bool = False


class _Progress:
    def __init__(self, callback: ProgressCallback | None, expected: int | None):
        self._callback, self._expected = callback, expected
        self._done = 0
        self._lock = threading.Lock()

    def add(self, frames: int) -> None:
        if self._callback is None:
            return
        with self._lock:
            self._done += frames
            done = self._done
        self._callback(done, self._expected)


_MISSING = np.full(len(BLENDSHAPES), np.nan, dtype=np.float32)
_NO_BOX = (np.nan,) * 4


def _measure(clip: bytes | Path, limits: VideoLimits, first: int, stop: int | None, progress: _Progress) -> _Segment:
    """Follow the face through frames ``first`` to ``stop`` with one landmarker of its own."""
    segment = _Segment()
    tracker: FaceTracker | None = None
    next_count_s = 0.0
    with FaceTracker(max_faces=MAX_FACES, video=False) as counter, Decoder(clip, limits) as decoder:
        try:
            for frame in _prefetched(decoder.frames(first, stop)):
                if tracker is None or (not segment.several_faces and frame.time_s >= next_count_s):
                    seen = counter.detect(frame.rgb)
                    if seen is not None:
                        next_count_s = frame.time_s + RECOUNT_EVERY_S
                        segment.several_faces = segment.several_faces or seen.faces_seen > 1
                    if tracker is None:
                        # One face is tracked fastest; only a crowded first frame pays for following the largest.
                        tracker = FaceTracker(max_faces=MAX_FACES if segment.several_faces else 1)
                result = tracker.detect(frame.rgb, frame.time_s)
                segment.times.append(frame.time_s)
                segment.rows.append(_MISSING if result is None else result.blendshapes)
                segment.boxes.append(_NO_BOX if result is None else result.box)
                if len(segment.times) % PROGRESS_EVERY == 0:
                    progress.add(PROGRESS_EVERY)
        finally:
            if tracker is not None:
                tracker.close()
        segment.warnings = decoder.warnings
    progress.add(len(segment.times) % PROGRESS_EVERY)
    return segment


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def analyze_video(
    source: Source,
    *,
    on_progress: ProgressCallback | None = None,
    limits: VideoLimits = DEFAULT_LIMITS,
    settings: SpottingSettings = DEFAULT_SETTINGS,
) -> AUTimeline:
    """Analyse a face clip: per-frame Action Unit intensities and the spotted movements.

    Parameters
    ----------
    source
        A path to a video file, or the clip's bytes (a browser recording stays in memory and is never written out).
    on_progress
        Called as ``on_progress(frames_done, frames_expected)``, possibly from a worker thread.

    Raises
    ------
    VideoDecodeError
        The input is not a readable video, has no video track, or is over the limits.
    ModelUnavailableError
        The face model is missing or fails its SHA-256 check.
    """
    check_source(source, limits)  # before the copy below: a huge bytearray is refused without doubling memory
    clip: bytes | Path = bytes(source) if isinstance(source, (bytes, bytearray, memoryview)) else Path(source)
    with Decoder(clip, limits) as decoder:  # fails fast, in words, on anything that is not a readable video
        expected = decoder.count_packets()
    progress = _Progress(on_progress, expected)
    if expected >= MIN_FRAMES_TO_SPLIT and _usable_cores() >= 2:
        middle = expected // 2
        with ThreadPoolExecutor(2, thread_name_prefix="microexp-face") as pool:
            halves = [pool.submit(_measure, clip, limits, 0, middle, progress)]
            halves.append(pool.submit(_measure, clip, limits, middle, None, progress))
            segments = [half.result() for half in halves]
    else:
        segments = [_measure(clip, limits, 0, None, progress)]
    release_free_memory()

    times = [t for s in segments for t in s.times]
    warnings = list(dict.fromkeys(w for s in segments for w in s.warnings))
    if any(s.several_faces for s in segments):
        warnings.append("More than one face is in view; the largest face was followed.")
    box = np.asarray([b for s in segments for b in s.boxes], dtype=float).reshape(-1, 4)
    timeline = AUTimeline.from_blendshapes(
        np.asarray(times),
        np.vstack([r for s in segments for r in s.rows]),
        BLENDSHAPES,
        extra={"face_x": box[:, 0], "face_y": box[:, 1], "face_w": box[:, 2], "face_h": box[:, 3]},
        source=describe_source(source),
        warnings=warnings,
        clip=clip,
        settings=settings,
    )
    if timeline.face_frames == 0:
        timeline.warnings.append("No face was found in any frame; face the camera in good light and try again.")
    elif timeline.face_frames < timeline.frames:
        share = timeline.face_frames / timeline.frames
        timeline.warnings.append(
            f"A face was found in {timeline.face_frames} of {timeline.frames} frames ({share:.0%})."
        )
    return timeline
