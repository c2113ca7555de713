"""P4 at the OS level: no analysis route makes a network call, not even a DNS query from native code.

Each route runs in its own Python process under ``strace -f`` (every thread and child), on a real sample clip with
the real face model, and the trace must hold no connection off loopback, no call to port 53 and no name-service
lookup (see ``network_trace``). Python-level socket hooks cannot prove this: MediaPipe's calls are native.
A camera take is analysed in the page; the kernel's part of it (joining the page's numbers into a timeline) is a
route here too, and the page's own requests are checked by the browser tests. The video fallback of a camera take
analyses the clip's bytes exactly as an upload does.

This test fails on a MediaPipe release with usage telemetry. Checked here on 2026-11-27 with the same routes in a
virtual environment holding ``mediapipe==1.2.3``: every route that closes a landmarker (the CLI, ``analyze_video``,
``Recorder.use_sample``, ``Recorder.analyse_file``) traced ``connect(..., sin_port=htons(53), ...)`` DNS queries
(for play.googleapis.com) and failed; with the pinned ``mediapipe==0.10.33`` the traces are clean. Before raising
the pin in pyproject.toml, run this test on the new release.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from network_trace import STRACE, STRACE_HINT, attempts_off_the_machine, run_traced

from microexp_widgets.assets import sample_path

pytestmark = pytest.mark.slow

CLIP = "single_face"

# Each route ends by printing the number of frames with a face, so the test knows the model really ran.
ROUTES = {
    "cli analyze --json": None,  # run as the command line itself, below
    "analyze_video": """
        from microexp_widgets import analyze_video
        timeline = analyze_video(CLIP_PATH)
        print(int(timeline.frame["face"].sum()))
    """,
    "Recorder.use_sample": """
        from microexp_widgets import Recorder
        timeline = Recorder().use_sample(CLIP_NAME)
        print(int(timeline.frame["face"].sum()))
    """,
    "Recorder.analyse_file (upload)": """
        from pathlib import Path
        from microexp_widgets import Recorder
        timeline = Recorder().analyse_file(Path(CLIP_PATH).read_bytes(), name="upload.mp4")
        print(int(timeline.frame["face"].sum()))
    """,
    "camera take (the kernel's part)": """
        import numpy as np
        from microexp_widgets import analyze_video
        from microexp_widgets.face import BLENDSHAPES
        from microexp_widgets.widgets._live_take import LiveTake
        # The numbers a page sends for each analysed frame: time, 52 blendshapes, face box.
        frame = analyze_video(CLIP_PATH).frame
        rows = np.column_stack([frame["time_s"], frame[list(BLENDSHAPES)], np.zeros((len(frame), 4))])
        take = LiveTake(1)
        for batch in np.array_split(rows, 8):
            take.add(batch)
        timeline = take.timeline(float(frame["time_s"].iloc[-1]) + 0.04)
        print(int(timeline.frame["face"].sum()))
    """,
}


def _command(route: str, clip: Path) -> list[str]:
    if ROUTES[route] is None:
        return [sys.executable, "-m", "microexp_widgets", "analyze", str(clip), "--json"]
    prologue = f"CLIP_PATH = {str(clip)!r}\nCLIP_NAME = {CLIP!r}\n"
    return [sys.executable, "-c", prologue + textwrap.dedent(ROUTES[route])]


def _faces_found(route: str, stdout: str) -> int:
    if ROUTES[route] is None:
        return json.loads(stdout)["face_frames"]
    return int(stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("route", list(ROUTES))
def test_an_analysis_route_makes_no_network_call(route, tmp_path):
    assert STRACE, STRACE_HINT
    clip = sample_path(CLIP)
    log = tmp_path / "strace.log"
    result = run_traced(_command(route, clip), log, cwd=tmp_path)
    assert result.returncode == 0, f"{route} failed:\n{result.stderr[-3000:]}"
    assert _faces_found(route, result.stdout) > 0, "the face model found no face, so it may not have run at all"
    offences = attempts_off_the_machine(log.read_text(errors="replace"))
    assert not offences, f"{route} tried to reach the network:\n" + "\n".join(offences[:10])


def test_the_tracer_sees_a_name_lookup_made_in_native_code(tmp_path):
    """The control: glibc's resolver (native code, like MediaPipe's) looking up Google's telemetry host is caught."""
    assert STRACE, STRACE_HINT
    log = tmp_path / "strace.log"
    lookup = "import socket\ntry:\n    socket.getaddrinfo('play.googleapis.com', 443)\nexcept OSError:\n    pass"
    run_traced([sys.executable, "-c", lookup], log)
    assert attempts_off_the_machine(log.read_text(errors="replace")), "strace did not see a DNS query being made"


def test_the_trace_reader_flags_dns_and_outside_addresses_and_passes_loopback():
    trace = "\n".join([
        '101 connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.2")}, 16) = 0',
        '101 connect(4, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 0',
        '102 connect(5, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("142.250.1.1")}, 16) = -1',
        '103 connect(6, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = 0',
        '103 connect(6, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file)',
        '104 connect(7, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "2a00:1450::1", &sin6_addr), sin6_scope_id=0}, 28) = -1',
        '105 connect(8, {sa_family=AF_INET, sin_port=htons(8888), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
        '106 connect(9, {sa_family=AF_INET6, sin6_port=htons(8888), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
        '107 connect(10, {sa_family=AF_UNIX, sun_path="/tmp/kernel.sock"}, 110) = 0',
    ])  # fmt: skip
    flagged = attempts_off_the_machine(trace)
    assert [line.split()[0] for line in flagged] == ["101", "101", "102", "103", "104"]
