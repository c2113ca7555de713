"""``analyze_video``: a clip in, an ``AUTimeline`` out (decode -> face -> AUs -> events)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from ._memory import release_free_memory
from .face import BLENDSHAPES, FaceTracker
from .spotting import DEFAULT_SETTINGS, SpottingSettings
from .timeline import AUTimeline
from .video import DEFAULT_LIMITS, Decoder, Frame, Source, VideoLimits, describe_source

ProgressCallback = Callable[[int, "int | None"], None]

PROGRESS_EVERY = 5  # frames between progress reports
RECOUNT_EVERY_S = 3.0  # how often a single-face take is checked again for extra faces
MAX_FACES = 4

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
        Called as ``on_progress(frames_done, frames_expected)``; ``frames_expected`` is None when the container does
        not say (browser webm).

    Raises
    ------
    VideoDecodeError
        The input is not a readable video, has no video track, or is over the limits.
    ModelUnavailableError
        The face model is missing or fails its SHA-256 check.
    """
    clip: bytes | Path = bytes(source) if isinstance(source, (bytes, bytearray, memoryview)) else Path(source)
    with FaceTracker(max_faces=MAX_FACES, video=False) as counter, Decoder(clip, limits) as decoder:
        expected = decoder.info.expected_frames
        times: list[float] = []
        rows: list[np.ndarray | None] = []
        boxes: list[tuple[float, float, float, float]] = []
        missing = np.full(len(BLENDSHAPES), np.nan, dtype=np.float32)
        no_box = (np.nan,) * 4
        tracker: FaceTracker | None = None
        several_faces = False
        next_count_s = 0.0
        try:
            for frame in _prefetched(decoder.frames()):
                if tracker is None or (not several_faces and frame.time_s >= next_count_s):
                    seen = counter.detect(frame.rgb)
                    if seen is not None:
                        next_count_s = frame.time_s + RECOUNT_EVERY_S
                        several_faces = several_faces or seen.faces_seen > 1
                    if tracker is None:
                        # One face is tracked fastest; only a crowded first frame pays for following the largest.
                        tracker = FaceTracker(max_faces=MAX_FACES if several_faces else 1)
                result = tracker.detect(frame.rgb, frame.time_s)
                times.append(frame.time_s)
                rows.append(missing if result is None else result.blendshapes)
                boxes.append(no_box if result is None else result.box)
                if on_progress is not None and len(times) % PROGRESS_EVERY == 0:
                    on_progress(len(times), expected)
        finally:
            if tracker is not None:
                tracker.close()
        warnings = decoder.warnings
    release_free_memory()
    if on_progress is not None:
        on_progress(len(times), len(times))
    if several_faces:
        warnings.append("More than one face is in view; the largest face was followed.")
    box = np.asarray(boxes, dtype=float)
    timeline = AUTimeline.from_blendshapes(
        np.asarray(times),
        np.vstack(rows),
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
