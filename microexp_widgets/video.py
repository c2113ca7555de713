"""Bytes or a path in, upright RGB frames with true presentation times out (PyAV).

Browsers record webm with no duration and uneven frame timing, so every time comes from the frame's presentation
timestamp; nothing assumes a constant frame rate. Frames are streamed one at a time, never all held in memory.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import VideoDecodeError

Source = str | os.PathLike | bytes | bytearray | memoryview


def median_frame_period(times, default: float = 0.0) -> float:
    """Typical time between frames, in seconds: the median, since browsers and phones space frames unevenly.

    ``default`` is returned when there are fewer than two frames.
    """
    times = np.asarray(times, dtype=float)
    return float(np.median(np.diff(times))) if len(times) > 1 else default


@dataclass(frozen=True)
class VideoLimits:
    """What one clip may be. Stated in the README; over the limits the clip is refused or cut, with a message."""

    max_bytes: int = 200 * 1024 * 1024
    """Largest accepted input, in bytes (default 200 MiB)."""
    max_seconds: float = 120.0
    """Only the first this many seconds are analysed (default 120 s); the rest is skipped with a warning."""
    max_side: int = 640
    """Frames are downscaled so their longer side is at most this many pixels before face detection."""


DEFAULT_LIMITS = VideoLimits()


@dataclass
class Frame:
    time_s: float
    rgb: np.ndarray  # C-contiguous uint8, height x width x 3, upright


@dataclass
class ClipInfo:
    """What the container says about the clip before decoding (hints only: browser webm often has no duration)."""

    width: int
    height: int
    expected_frames: int | None
    nominal_fps: float | None
    warnings: list[str] = field(default_factory=list)


def describe_source(source: Source) -> str:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "recording"
    return Path(source).name


def _too_big(size: int, limits: VideoLimits) -> VideoDecodeError:
    return VideoDecodeError(
        f"The video is {size / 2**20:.0f} MiB, more than the {limits.max_bytes / 2**20:.0f} MiB this tool accepts; "
        "use a shorter clip."
    )


def check_source(source: Source, limits: VideoLimits = DEFAULT_LIMITS) -> None:
    """Refuse, in words, an input that cannot be a clip we accept, before anything is copied or decoded.

    Raises
    ------
    VideoDecodeError
        Bytes over the size limit (checked on the caller's buffer, so a huge ``bytearray`` is never copied), a path
        with no file, a file this user may not read, an empty file or one over the limit.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        size = memoryview(source).nbytes
    else:
        path = Path(source)
        try:
            if not path.is_file():
                raise VideoDecodeError(f"There is no video file at {path}; check the path and try again.")
            size = path.stat().st_size
            with path.open("rb"):
                pass
        except PermissionError as error:
            raise VideoDecodeError(
                f"You do not have permission to read {path}; ask for access or copy the clip somewhere you can read it."
            ) from error
    if size == 0:
        raise VideoDecodeError("The video is empty (0 bytes); record the clip again or choose another file.")
    if size > limits.max_bytes:
        raise _too_big(size, limits)


def _is_still_image(container) -> bool:
    # FFmpeg reads a single picture through its image demuxers ("image2" for a file, "png_pipe", "jpeg_pipe", ...).
    name = container.format.name
    return name == "image2" or name.endswith("_pipe")


def _open(source: Source, limits: VideoLimits):
    import av

    check_source(source, limits)
    handle = io.BytesIO(source) if isinstance(source, (bytes, bytearray, memoryview)) else str(Path(source))
    try:
        container = av.open(handle, mode="r", metadata_errors="ignore")
    except (av.FFmpegError, ValueError, OSError) as error:
        raise VideoDecodeError(
            "This file is not a video we can read; choose a webm, mp4 or mov file with a face in it."
        ) from error
    if not container.streams.video:
        container.close()
        raise VideoDecodeError("The file has no video track (only audio or data); choose a video with a face in it.")
    if _is_still_image(container):
        container.close()
        raise VideoDecodeError(
            "This is a still image, not a video; record a few seconds of video or choose a webm, mp4 or mov file."
        )
    return container


def _scaled_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    scale = min(1.0, max_side / max(width, height))
    # Even sizes keep the colour conversion exact for subsampled (4:2:0) sources.
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def _upright(rgb: np.ndarray, rotation: int) -> np.ndarray:
    # PyAV reports the display matrix as a counter-clockwise angle; np.rot90 also turns counter-clockwise.
    turns = round(rotation / 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, turns)) if turns else rgb


class StrictClock:
    """Turn presentation timestamps into seconds from the first frame, strictly increasing.

    A missing stamp continues at the nominal frame rate; a repeated or backwards one moves 1 ms past the previous
    frame. Real gaps are kept: a dropped second of video stays a visible second-long hole, never filled in.
    """

    def __init__(self, fallback_step: float):
        self.fallback_step = fallback_step
        self.repaired = 0
        self._start: float | None = None
        self._previous: float | None = None

    def stamp(self, raw: float | None) -> float:
        if raw is None or not math.isfinite(raw):
            time_s = self._previous + self.fallback_step if self._previous is not None else 0.0
        else:
            if self._start is None:
                self._start = raw
            time_s = raw - self._start
        if self._previous is not None and time_s <= self._previous:
            time_s = self._previous + 0.001
            self.repaired += 1
        self._previous = time_s
        return time_s


class Decoder:
    """Iterate a clip's frames; collects warnings about damage, gaps and limits as it goes.

    Use as a context manager so the container is always closed.
    """

    def __init__(self, source: Source, limits: VideoLimits = DEFAULT_LIMITS):
        self.limits = limits
        self.container = _open(source, limits)
        self.stream = self.container.streams.video[0]
        codec = self.stream.codec_context
        if codec is None:
            self.container.close()
            raise VideoDecodeError(
                "The video track is damaged or in a format this tool cannot decode; record or export it again."
            )
        self.stream.thread_type = "AUTO"
        rate = self.stream.average_rate or self.stream.guessed_rate
        fps = float(rate) if rate else None
        expected = self.stream.frames or None
        if expected is None and self.container.duration and fps:
            expected = int(self.container.duration / 1_000_000 * fps)
        self.info = ClipInfo(codec.width, codec.height, expected, fps)
        self.warnings = self.info.warnings

    def __enter__(self) -> Decoder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.container.close()

    def count_packets(self) -> int:
        """How many frames the video track holds, from its packets alone (no decoding; fast even for browser webm,
        which states no length). Damage stops the count where it starts. This reads the container to its end, so
        frames come from a fresh decoder."""
        import av

        count = 0
        try:
            for packet in self.container.demux(self.stream):
                count += packet.size > 0
        except (av.FFmpegError, ValueError, OSError):
            pass
        return count

    def frames(self, first: int = 0, stop: int | None = None) -> Iterator[Frame]:
        """Yield frames ``first`` to ``stop`` (exclusive, in decoding order).

        Earlier frames are decoded but not converted, so a second decoder can start mid-clip on a stream that cannot
        seek (browser webm).
        """
        import av

        limits = self.limits
        clock = StrictClock(1.0 / (self.info.nominal_fps or 30.0))
        decoded = 0
        size: tuple[int, int] | None = None
        try:
            for frame in self.container.decode(self.stream):
                if stop is not None and decoded >= stop:
                    return  # the rest belongs to another decoder: no end-of-clip checks here
                time_s = clock.stamp(frame.time)
                if time_s > limits.max_seconds:
                    self.warnings.append(
                        f"Only the first {limits.max_seconds:.0f} s were analysed; the clip is longer than the limit."
                    )
                    break
                decoded += 1
                if decoded <= first:
                    continue
                if size is None:
                    size = _scaled_size(frame.width, frame.height, limits.max_side)
                rgb = frame.reformat(width=size[0], height=size[1], format="rgb24").to_ndarray()
                yield Frame(time_s, _upright(rgb, frame.rotation))
        except (av.FFmpegError, ValueError, OSError) as error:
            if decoded == 0:
                raise VideoDecodeError(
                    "The video is damaged and no frame could be read from it; record or export it again."
                ) from error
            self.warnings.append(
                f"The video is damaged or cut off after {decoded} frames; only those frames were analysed."
            )
        if decoded == 0:
            raise VideoDecodeError("The video has no frames that can be decoded; record or export it again.")
        expected = self.info.expected_frames
        if expected and decoded < 0.95 * expected and not self.warnings:
            self.warnings.append(
                f"The video ended after {decoded} of the {expected} frames its header announces (damaged or cut off); "
                "only those frames were analysed."
            )
        if clock.repaired:
            self.warnings.append(
                f"{clock.repaired} frames had repeated or backwards timestamps and were nudged forward by 1 ms."
            )
