"""What lessons 01 and 02 print about the sample take, run headless as a learner without a camera would.

Lesson 01's worked example must be a whole movement (FAULTS.md P8): its onset after the take's first frame and its
apex after its onset. No lesson cell may print a stray object (such as ``<traitlets.traitlets.link at 0x...>``).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
EXAMPLE = re.compile(r"(AU\d\d): onset (\d+\.\d\d) s, apex (\d+\.\d\d) s, offset (\d+\.\d\d) s")
STRAY_OBJECT = re.compile(r"<[\w.]+ (object )?at 0x[0-9a-f]+>")

pytestmark = pytest.mark.notebooks


def run(name: str) -> list[str]:
    """Execute a lesson and return the text each code cell showed, in order (the kernel inherits MICROEXP_DATA)."""
    from nbclient import NotebookClient

    nb = nbformat.read(LESSONS_DIR / f"{name}.ipynb", as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=240, resources={"metadata": {"path": str(LESSONS_DIR)}}).execute()
    texts = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            # A displayed widget carries a text/plain fallback such as "<...FlashDrill object at 0x...>": the
            # learner sees the widget, not that text, so it is left out.
            parts = [
                o.get("text", "") or o.get("data", {}).get("text/plain", "")
                for o in cell.outputs
                if "application/vnd.jupyter.widget-view+json" not in o.get("data", {})
            ]
            texts.append("".join(parts))
    return texts


def test_stray_object_pattern_can_fail():
    assert STRAY_OBJECT.search("<traitlets.traitlets.link at 0x7f3a2c1b2d90>")
    assert not STRAY_OBJECT.search("AU02: onset 4.17 s")


def test_lesson_01_example_is_a_whole_movement_with_its_apex_after_its_onset(tmp_path, monkeypatch):
    monkeypatch.setenv("MICROEXP_DATA", str(tmp_path / "learner"))
    texts = run("01_blink_and_you_miss_it")
    shown = "\n".join(texts)
    match = EXAMPLE.search(shown)
    assert match, shown[-2000:]
    onset, apex, offset = (float(v) for v in match.groups()[1:])
    assert 0.0 < onset < apex < offset, match.group(0)
    assert "labels it cut_off" not in shown
    assert not STRAY_OBJECT.search(shown), STRAY_OBJECT.search(shown).group(0)


def test_lesson_02_prints_no_stray_object_and_counts_every_kind(tmp_path, monkeypatch):
    monkeypatch.setenv("MICROEXP_DATA", str(tmp_path / "learner"))
    shown = "\n".join(run("02_what_they_are"))
    assert not STRAY_OBJECT.search(shown), STRAY_OBJECT.search(shown).group(0)
    assert re.search(r"\d+ movements spotted: \d+ micro, \d+ short, \d+ macro, \d+ cut off", shown), shown[-2000:]
    assert "'short' is a movement of 500 ms or less" in shown  # taught where the kinds are counted
    assert not re.search(r"cut_off\s+(start|end|both)", shown), "the table lists whole movements only"
