"""The command line contract (ARCHITECTURE.md): JSON and CSV output, exit codes 0/2/3, one plain line, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

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
    out = tmp_path / "frames.csv"
    run = _cli("analyze", sample_path("single_face"), "--csv", out)
    assert run.returncode == 0, run.stderr
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
