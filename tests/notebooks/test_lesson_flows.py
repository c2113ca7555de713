"""Run All, any number of times, adds nothing to the learner's record and leaves each activity at the learner's start.

Every lesson is run twice headless (no camera) into one learner folder. The no-camera cells feed sample clips through
the mirror and the checklist; a sample clip is someone else's face, so nothing may reach the practice log, no step may
be ticked for the learner, and no comparison may be made across people.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
NOTEBOOKS = sorted(LESSONS_DIR.glob("*.ipynb"))
CELL_TIMEOUT_S = 240
PACKAGE = Path(__file__).resolve().parents[2] / "microexp_widgets" / "lessons"

# A rank or a pass/fail count of the learner's face, in any wording seen before: "Best: 3 of 5 in the target band".
RANKS = re.compile(
    r"\bbest\b|target band|in the band|\d+ of \d+ (measured )?movements|\bpass(ed)?\b.{0,20}\bfail", re.I
)

# Run after the lesson's own cells, in its kernel: the state a learner who only pressed Run All finds.
AFTER_RUN_ALL = {
    "03_make_or_break": (
        "from microexp_widgets.lessons.ledger import DEFAULT_CUES\n"
        "assert ledger.cues == list(DEFAULT_CUES), ledger.cues\n"
    ),
    "04_nudging_your_own": (
        "assert practice.takes == [] and practice.phase == 'before', (practice.takes, practice.phase)\n"
        "assert practice.example is not None, 'the no-camera cell should show how feedback reads'\n"
        "assert 'sample clip (not you)' in practice._feedback.value\n"
        "assert practice.comparison() == []\n"
        "assert practice.comparison_message().startswith('To compare, record one take of your own before the pacer')\n"
    ),
    "05_decoding_others": "assert builder.ticked == ((), ()), builder.ticked\n",
    "06_putting_it_together": (
        "assert checklist.origin == 'sample' and checklist.steps_done == (False, False, False), checklist.steps_done\n"
        "assert 'is not ticked yet' not in checklist._review.value\n"
        "assert 'No takes of your own yet' in checklist._card.value\n"
    ),
}


def _run(path: Path) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    check = AFTER_RUN_ALL.get(path.stem)
    if check:
        nb.cells.append(nbformat.v4.new_code_cell(check))
    client = NotebookClient(
        nb, kernel_name="python3", timeout=CELL_TIMEOUT_S, resources={"metadata": {"path": str(LESSONS_DIR)}}
    )
    client.execute()  # raises CellExecutionError if a cell (or the check) raises


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_all_twice_adds_nothing_to_the_practice_log(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MICROEXP_DATA", str(tmp_path / "learner-data"))  # the kernels inherit it
    _run(path)
    _run(path)
    from microexp_widgets.lessons import practice_log

    assert practice_log.entries() == []


def test_lessons_04_and_06_rank_no_face():
    """No "Best", no "3 of 5 in the target band", no pass/fail count: in the lessons or in the widgets they use."""
    texts = {
        path.name: "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
        for path in (LESSONS_DIR / "04_nudging_your_own.ipynb", LESSONS_DIR / "06_putting_it_together.ipynb")
    }
    texts.update({name: (PACKAGE / name).read_text() for name in ("mirror.py", "checklist.py")})
    for name, text in texts.items():
        found = RANKS.search(text)
        assert found is None, f"{name}: {text[max(0, found.start() - 60) : found.end() + 60]!r}"
