"""Real footage for the tests: frames cut from the sample clips and written back as webm/VP8 or mp4/H.264."""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

CODECS = {"webm": "libvpx", "webm-vp9": "libvpx-vp9", "mp4": "libx264"}


def read_frames(path: Path, first: int = 0, stop: int | None = None) -> list[np.ndarray]:
    """RGB frames ``first``..``stop`` (exclusive) of a clip, at its own resolution."""
    frames = []
    with av.open(str(path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if stop is not None and index >= stop:
                break
            if index >= first:
                frames.append(frame.to_ndarray(format="rgb24"))
    return frames


class _NoSeek(io.RawIOBase):
    """A write-only stream that cannot seek, like a browser's MediaRecorder: the muxer writes no duration or index."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data) -> int:
        self.buffer.extend(data)
        return len(data)


def encode(
    frames: Sequence[np.ndarray],
    fmt: str = "webm",
    *,
    fps: float = 24.0,
    times_ms: Sequence[int] | None = None,
    rotation: int = 0,
    streamable: bool = False,
) -> bytes:
    """Encode RGB frames as ``webm`` (VP8), ``webm-vp9`` or ``mp4`` (H.264).

    ``times_ms`` gives uneven presentation times, ``rotation`` a display-matrix angle, and ``streamable`` writes the
    way a browser does (no seeking back, so no duration).
    """
    sink = _NoSeek() if streamable else io.BytesIO()
    container_format = fmt.split("-")[0]
    # An mp4 written without seeking back is fragmented, as Safari's and WebKit's MediaRecorder write it.
    options = {"movflags": "frag_keyframe+empty_moov"} if streamable and container_format == "mp4" else {}
    with av.open(sink, mode="w", format=container_format, options=options) as container:
        stream = container.add_stream(CODECS[fmt], rate=Fraction(fps).limit_denominator(1001))
        height, width = frames[0].shape[:2]
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.bit_rate = 2_500_000
        if times_ms is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            stream.set_display_rotation(rotation)
        for index, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            if times_ms is not None:
                frame.pts = int(times_ms[index])
                frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return bytes(sink.buffer) if streamable else sink.getvalue()


def audio_only(fmt: str = "webm") -> bytes:
    """One second of a tone with no video track."""
    sink = io.BytesIO()
    codec = {"webm": "libopus", "mp4": "aac"}[fmt]
    with av.open(sink, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=48000)
        samples = (0.2 * np.sin(2 * np.pi * 440 * np.arange(48000) / 48000)).astype(np.float32)
        frame_size = stream.codec_context.frame_size or 960
        for start in range(0, len(samples) - frame_size, frame_size):
            chunk = samples[start : start + frame_size].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
            frame.sample_rate = 48000
            frame.pts = start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return sink.getvalue()


# In the Pexels clip, frames 160-200 (6.7-8.3 s) are a still, neutral stretch (AU12 near 0, steady brows);
# frames 252-330 (10.5-13.8 s) hold a broad smile (AU12 about 0.8).
PEXELS_NEUTRAL = (160, 200)
PEXELS_SMILE = (252, 330)
SPLICE_FPS = 24.0


def ping_pong(frames: list[np.ndarray], length: int) -> list[np.ndarray]:
    """Play a stretch forward and back until ``length`` frames: longer, with no new movement in it."""
    cycle = frames + frames[-2:0:-1]
    return [cycle[i % len(cycle)] for i in range(length)]


def micro_smile_frames(neutral: list[np.ndarray], smile: list[np.ndarray]) -> tuple[list[np.ndarray], int, int]:
    """Three smiling frames (125 ms at 24 fps) inside 3 s of neutral face, at 1.5 s: ``(frames, at, length)``."""
    base = ping_pong(neutral, 72)
    at, length = 36, 3
    return base[:at] + smile[20 : 20 + length] + base[at:], at, length
