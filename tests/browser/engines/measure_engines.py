"""Every engine's figures and the speed targets: ``.venv/bin/python tests/browser/engines/measure_engines.py``.

Runs the engine tests (the browser route's take and bare loop, the flash drill) ``--runs`` times, each run in one
pytest session, collects the figures they report, and prints one table with each engine's median figures and the
targets. Hold the shared heavy lock while it runs (``flock /tmp/microexp-heavy.lock ...``): the figures are for a
machine as quiet as it gets, and the load average is printed with them. The ratio (recorder ms per frame over the
bare loop's, measured on the same page minutes apart) is the figure to compare between machines.

Targets: the recorder within 1.15 times the bare loop; a take keeps up with the 24 fps camera in Chromium (at least
95 % of the camera's frames analysed); at least 20 analysed frames per second in Firefox.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TESTS = ["tests/browser/engines/test_engine_browser_route.py", "tests/browser/engines/test_engine_flash_drill.py"]
MAX_RATIO = 1.15
MIN_FIREFOX_FPS = 20.0
MIN_SHARE_OF_CAMERA_FRAMES = 0.95


def collect(runs: int, engines: str) -> list[dict]:
    lines: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "figures.jsonl"
        for run in range(runs):
            print(f"run {run + 1} of {runs}: {' '.join(TESTS)} in {engines}; load {os.getloadavg()[0]:.2f}", flush=True)
            env = dict(os.environ, MICROEXP_ENGINE_FIGURES=str(target))
            command = [sys.executable, "-m", "pytest", *TESTS, f"--engines={engines}", "-q", "--reruns", "0", "-p",
                       "no:cacheprovider"]  # fmt: skip
            subprocess.run(command, cwd=ROOT, env=env, check=False)
        if target.exists():
            lines = [json.loads(line) for line in target.read_text().splitlines() if line.strip()]
    return lines


def median(lines: list[dict], engine: str, what: str, key: str) -> float | None:
    values = [line[key] for line in lines if line["engine"] == engine and line["what"] == what and key in line]
    return statistics.median(values) if values else None


def table(lines: list[dict], engines: list[str]) -> str:
    rows = [
        ("analysed frames/s (take)", "recorder take", "analysed_fps", "{:.1f}"),
        ("camera frames/s (take)", "recorder take", "camera_fps", "{:.1f}"),
        ("recorder ms per frame", "page vs bare loop", "recorder_ms_per_frame", "{:.1f}"),
        ("bare loop ms per frame", "page vs bare loop", "bare_ms_per_frame", "{:.1f}"),
        ("recorder / bare loop", "page vs bare loop", "ratio", "{:.2f}"),
        ("bytes sent per s of take", "recorder take", "bytes_sent_per_s", "{:.0f}"),
        ("flash 40 ms shown as", "flash drill exposures", "40ms_shown", "{:.1f}"),
        ("flash 200 ms shown as", "flash drill exposures", "200ms_shown", "{:.1f}"),
        ("flash 500 ms shown as", "flash drill exposures", "500ms_shown", "{:.1f}"),
        ("display frame ms", "flash drill exposures", "frame_ms", "{:.1f}"),
        ("load average (1 min)", "page vs bare loop", "load", "{:.2f}"),
    ]
    for line in lines:
        if line["what"] == "recorder take" and line.get("camera_frames") and line.get("analysed_fps"):
            line["camera_fps"] = line["camera_frames"] / (line["analysed_frames"] / line["analysed_fps"])
    out = ["| figure | " + " | ".join(engines) + " |", "| --- |" + " --- |" * len(engines)]
    for label, what, key, form in rows:
        cells = [median(lines, engine, what, key) for engine in engines]
        out.append(f"| {label} | " + " | ".join("-" if v is None else form.format(v) for v in cells) + " |")
    return "\n".join(out)


def verdicts(lines: list[dict], engines: list[str]) -> list[str]:
    said = []
    for engine in engines:
        ratio = median(lines, engine, "page vs bare loop", "ratio")
        if ratio is not None:
            said.append(f"{engine}: recorder / bare loop {ratio:.2f} ({'met' if ratio <= MAX_RATIO else 'MISSED'}: "
                        f"at most {MAX_RATIO})")  # fmt: skip
    fps = median(lines, "firefox", "recorder take", "analysed_fps")
    if fps is not None:
        said.append(f"firefox: {fps:.1f} analysed frames/s ({'met' if fps >= MIN_FIREFOX_FPS else 'MISSED'}: "
                    f"at least {MIN_FIREFOX_FPS:g})")  # fmt: skip
    analysed = median(lines, "chromium", "recorder take", "analysed_frames")
    camera = median(lines, "chromium", "recorder take", "camera_frames")
    if analysed and camera:
        share = analysed / camera
        said.append(f"chromium: {share:.0%} of the camera's frames analysed "
                    f"({'met' if share >= MIN_SHARE_OF_CAMERA_FRAMES else 'MISSED'}: at least "
                    f"{MIN_SHARE_OF_CAMERA_FRAMES:.0%}, keeping up with the 24 fps feed)")  # fmt: skip
    return said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--engines", default="chromium,firefox,webkit")
    args = parser.parse_args()
    lines = collect(args.runs, args.engines)
    if not lines:
        print("no figures were reported (did the tests run?)")
        return 1
    engines = [e for e in args.engines.split(",") if any(line["engine"] == e for line in lines)]
    print(table(lines, engines))
    for verdict in verdicts(lines, engines):
        print(verdict)
    return 0 if all("MISSED" not in v for v in verdicts(lines, engines)) else 2


if __name__ == "__main__":
    raise SystemExit(main())
