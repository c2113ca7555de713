"""``python -m microexp_widgets bench``: analysis speed against bare MediaPipe, peak memory, import time.

Both loops run in one process on the same clip, interleaved, so a busy shared machine slows them alike;
the ratio is the figure to compare, the absolute frames per second are for this machine only.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..assets import sample_path, verified_model_path
from ..face import _native_stderr_silenced

WEBCAM_SIZE = (640, 480)
WEBCAM_FPS = 30
MEMORY_CLIP_S = 30


def bare_loop(clip: Path) -> tuple[int, float]:
    """Decode and detect only, the way MediaPipe's own examples do; returns (frames, seconds)."""
    import av
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    start = time.perf_counter()
    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(verified_model_path())),
        running_mode=vision.RunningMode.VIDEO,
        output_face_blendshapes=True,
    )
    frames = 0
    with _native_stderr_silenced():
        landmarker = vision.FaceLandmarker.create_from_options(options)
    with landmarker, av.open(str(clip)) as container:
        for frame in container.decode(video=0):
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.to_ndarray(format="rgb24"))
            landmarker.detect_for_video(image, int(frame.time * 1000))
            frames += 1
    return frames, time.perf_counter() - start


def full_pipeline(clip: Path) -> tuple[int, float]:
    """Decode -> AUs -> events -> DataFrame, as a learner's take goes; returns (frames, seconds)."""
    from ..pipeline import analyze_video

    start = time.perf_counter()
    timeline = analyze_video(clip)
    return timeline.frames, time.perf_counter() - start


def webcam_sized_clip(folder: Path, seconds: float) -> Path:
    """A 640x480, 30 fps clip of real footage (the Pexels sample, letterboxed and played back and forth)."""
    import av

    with av.open(str(sample_path("pexels"))) as container:
        source = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    cycle = source + source[-2:0:-1]
    width, height = WEBCAM_SIZE
    top = (height - source[0].shape[0]) // 2
    path = folder / f"webcam_{seconds:.0f}s.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(WEBCAM_FPS))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        canvas = np.zeros((height, width, 3), np.uint8)
        for index in range(int(seconds * WEBCAM_FPS)):
            canvas[top : top + source[0].shape[0]] = cycle[index % len(cycle)]
            for packet in stream.encode(av.VideoFrame.from_ndarray(canvas, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def _child_peak_mb(code: str) -> float:
    """Run ``code`` in a fresh interpreter and return its peak resident memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-c", code], check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        raise RuntimeError("the memory probe needs to run before any larger child process")
    return peak / 1024  # Linux reports kilobytes


def import_seconds(repeat: int = 3) -> float:
    code = "import time; t = time.perf_counter(); import microexp_widgets; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(repeat)
    ]
    return min(runs)


def _best_fps(runs: list[tuple[int, float]]) -> float:
    return max(frames / seconds for frames, seconds in runs)


def run_bench(clip: str | None = None, repeat: int = 2) -> dict[str, float]:
    """Measure and print; returns the figures."""
    clip_path = Path(clip) if clip else sample_path("pexels")
    with tempfile.TemporaryDirectory(prefix="microexp-bench-") as tmp:
        long_clip = webcam_sized_clip(Path(tmp), MEMORY_CLIP_S)
        peak_mb = _child_peak_mb(f"from microexp_widgets import analyze_video; analyze_video({str(long_clip)!r})")
        webcam_clip = webcam_sized_clip(Path(tmp), 10)
        bare, full = [], []
        for _ in range(repeat):
            bare.append(bare_loop(clip_path))
            full.append(full_pipeline(clip_path))
        webcam_fps = _best_fps([full_pipeline(webcam_clip) for _ in range(repeat)])
    figures = {
        "bare_fps": _best_fps(bare),
        "full_fps": _best_fps(full),
        "webcam_fps": webcam_fps,
        "peak_mb": peak_mb,
        "import_s": import_seconds(),
    }
    figures["ratio"] = figures["full_fps"] / figures["bare_fps"]
    figures["realtime"] = figures["webcam_fps"] / WEBCAM_FPS
    frames = bare[0][0]
    print(f"clip: {clip_path.name} ({frames} frames), best of {repeat} interleaved runs")
    rows = [
        ("bare loop: decode + MediaPipe detect", f"{figures['bare_fps']:.1f} frames/s", ""),
        ("full pipeline: decode -> AUs -> events -> table", f"{figures['full_fps']:.1f} frames/s", ""),
        ("full / bare", f"{figures['ratio']:.1%}", ">= 90%"),
        ("640x480 30 fps clip, full pipeline", f"{figures['webcam_fps']:.1f} frames/s", ""),
        ("  = times real time", f"{figures['realtime']:.2f}x", ">= 2x"),
        (f"peak memory, {MEMORY_CLIP_S} s 640x480 clip", f"{figures['peak_mb']:.0f} MB", "< 600 MB"),
        ("import microexp_widgets", f"{figures['import_s']:.3f} s", "< 1 s"),
    ]
    for label, value, target in rows:
        print(f"{label:<50} {value:>16}   {'target ' + target if target else ''}")
    return figures
