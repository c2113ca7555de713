"""Peak memory of one learner: a Jupyter server plus its kernel analysing a recording and drawing the timeline.

Run ``python tests/binder/measure_memory.py`` in the project's environment (assets fetched). It starts JupyterLab's
server on a free localhost port, starts a kernel through the server's REST API, and in that kernel does the heaviest
thing a lesson does: analyse a 10 s 640x480 recording (VP8 webm at the browser recorder's 2.5 Mbit/s, held as bytes
in memory as the Recorder hands it over), fetch a still of the learner's own frame and draw the AU timeline; then
twice more, as a learner who records again. It prints one JSON object with the peak resident memory (VmHWM) of the
kernel and of the server, in MiB. mybinder.org guarantees about 1 GB per user.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from fractions import Fraction
from pathlib import Path

RECORDING_SECONDS = 10.0
RECORDING_SIZE = (640, 480)
RECORDER_BITRATE = 2_500_000  # ipywebrtc's VideoRecorder encodes at a fixed 2.5 Mbit/s (FACTS.md)
TAKES = 3

# The learner's cell, run in the kernel. Draws with the library's timeline widget; until that exists, with the
# same kind of plotly FigureWidget it is built on (one line per AU, a band per spotted event).
_LESSON_ACTIVITY = """
import gc, json, pathlib, resource
import microexp_widgets as mw

def draw(timeline):
    try:
        return mw.TimelineView(timeline), "TimelineView"
    except (AttributeError, ImportError):
        import plotly.graph_objects as go
        figure = go.FigureWidget()
        with figure.batch_update():
            for code in timeline.au_codes:
                figure.add_scatter(x=timeline.frame["time_s"], y=timeline.frame[code], name=code)
            for event in timeline.events:
                figure.add_vrect(x0=event.onset_s, x1=event.offset_s, opacity=0.2, line_width=0)
        return figure, "plotly FigureWidget"

data = pathlib.Path({clip!r}).read_bytes()
peaks = []
for take in range({takes}):
    timeline = mw.analyze_video(data)
    still = timeline.still_at(timeline.duration_s / 2)
    view, drawn = draw(timeline)
    del view, still
    gc.collect()
    peaks.append(round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
print(json.dumps({{"frames": timeline.frames, "face_frames": timeline.face_frames,
                   "events": len(timeline.events), "drawn_with": drawn, "kernel_peak_after_each_take_mib": peaks}}))
"""


def make_recording(path: Path, source: Path) -> None:
    """Re-encode the first 10 s of a real face clip the way the browser recorder would: 640x480 VP8 webm."""
    import av
    import numpy as np

    width, height = RECORDING_SIZE
    with av.open(str(source)) as src, av.open(str(path), "w", format="webm") as out:
        stream_in = src.streams.video[0]
        rate = Fraction(stream_in.average_rate or 24).limit_denominator(1000)
        stream = out.add_stream("libvpx", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.bit_rate = RECORDER_BITRATE
        for written, frame in enumerate(src.decode(stream_in)):
            if frame.time is not None and frame.time >= RECORDING_SECONDS:
                break
            rgb = frame.to_ndarray(format="rgb24")
            # Letterbox the 16:9 source into the 4:3 frame a webcam gives, keeping the face its real size.
            canvas = np.zeros((height, width, 3), dtype=np.uint8)
            top = (height - rgb.shape[0]) // 2
            canvas[top : top + rgb.shape[0], : rgb.shape[1]] = rgb[:, :width]
            out_frame = av.VideoFrame.from_ndarray(canvas, format="rgb24")
            out_frame.pts = written
            for packet in stream.encode(out_frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def _api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def measure(workdir: Path, takes: int = TAKES) -> dict:
    """Start a server and a kernel, run the lesson activity, return the peak memory figures."""
    from jupyter_client import BlockingKernelClient

    from microexp_widgets.assets import sample_path

    clip = workdir / "recording.webm"
    make_recording(clip, sample_path("pexels"))
    port, token = _free_port(), secrets.token_hex(16)
    runtime = workdir / "runtime"
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={workdir}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                _api(base, token, "/api/status")
                break
            except OSError:
                time.sleep(0.5)
        kernel = _api(base, token, "/api/kernels", "POST", {"name": "python3"})
        connection = runtime / f"kernel-{kernel['id']}.json"
        # Connect only once the server has heard from the kernel: on a busy machine a client that connects to a
        # kernel still starting misses its first heartbeats and takes it for dead.
        for _ in range(240):
            if connection.exists() and _api(base, token, f"/api/kernels/{kernel['id']}")["execution_state"] == "idle":
                break
            time.sleep(0.5)
        client = BlockingKernelClient(connection_file=str(connection))
        client.load_connection_file()
        client.start_channels()
        client.wait_for_ready(timeout=120)
        import psutil

        kernel_pids = [child.pid for child in psutil.Process(server.pid).children(recursive=True)]
        assert len(kernel_pids) == 1, f"expected one kernel process, found {kernel_pids}"
        idle_kernel = peak_rss_mib(kernel_pids[0])

        lines: list[str] = []
        started = time.monotonic()
        reply = client.execute_interactive(
            _LESSON_ACTIVITY.format(clip=str(clip), takes=takes),
            timeout=900,
            output_hook=lambda msg: (
                lines.append(msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None
            ),
        )
        seconds = time.monotonic() - started
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the lesson activity failed: {reply['content'].get('evalue')}")
        result = json.loads("".join(lines).strip().splitlines()[-1])
        result.update(
            clip_mib=round(clip.stat().st_size / 2**20, 2),
            takes=takes,
            seconds_for_all_takes=round(seconds, 1),
            kernel_idle_peak_mib=round(idle_kernel, 1),
            kernel_peak_mib=round(peak_rss_mib(kernel_pids[0]), 1),
            server_peak_mib=round(peak_rss_mib(server.pid), 1),
        )
        result["learner_total_peak_mib"] = round(result["kernel_peak_mib"] + result["server_peak_mib"], 1)
        client.stop_channels()
        _api(base, token, f"/api/kernels/{kernel['id']}", "DELETE")
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="microexp-memory-") as tmp:
        print(json.dumps(measure(Path(tmp)), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
