"""Every lesson runs top to bottom headless (no camera, no network), and every committed notebook is clean."""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
NOTEBOOKS = sorted(LESSONS_DIR.glob("*.ipynb"))
EXPECTED = [f"{name}.ipynb" for name in (
    "00_start_here", "01_blink_and_you_miss_it", "02_what_they_are", "03_make_or_break", "04_nudging_your_own",
    "05_decoding_others", "06_putting_it_together", "07_big_picture", "facilitator_guide", "glossary",
)]  # fmt: skip
NOT_LESSONS = ("facilitator_guide", "glossary")
CELL_TIMEOUT_S = 240
# Run after the lesson's own cells, in its kernel: the state a learner who only pressed Run All finds.
AFTER_RUN_ALL = {
    "03_make_or_break": (
        "from microexp_widgets.lessons.ledger import DEFAULT_CUES\n"
        "assert ledger.cues == list(DEFAULT_CUES), ledger.cues\n"
    ),
    "04_nudging_your_own": (
        "assert practice.origin == 'sample' and practice.step == 'predict', (practice.origin, practice.step)\n"
        "assert practice.view.timeline is None, 'the lanes wait for the first impression'\n"
        "assert practice.saved is None and practice.save() is None\n"
        'assert "someone else\'s face" in practice.guide.value\n'
    ),
    "05_decoding_others": "assert builder.ticked == ((), ()), builder.ticked\n",
    "06_putting_it_together": (
        "assert checklist.origin == 'sample' and checklist.steps_done == (False, False, False), checklist.steps_done\n"
        "assert checklist.practice.step == 'predict' and checklist.practice.save() is None\n"
        "assert 'Nothing saved yet' in checklist.card.value\n"
    ),
}


def test_the_lesson_files_are_the_planned_ones():
    assert [p.name for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs_counts_or_widget_state(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        assert "widgets" not in cell.get("metadata", {})
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {cell.id} of {path.name} has outputs"
            assert cell.execution_count is None, f"cell {cell.id} of {path.name} has an execution count"


def test_every_lesson_states_time_goals_and_ends_with_a_question():
    for path in NOTEBOOKS:
        if path.stem in NOT_LESSONS:
            continue
        nb = nbformat.read(path, as_version=4)
        first = nb.cells[0].source
        assert "**Estimated time:**" in first and "**By the end you can:**" in first, path.name
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert f'quiz_for("{path.stem}"' in code and f'LessonProgress("{path.stem}")' in code, path.name


def test_the_guide_holds_every_answer_key():
    from microexp_widgets.lessons.quiz_bank import QUESTIONS

    guide = "\n".join(c.source for c in nbformat.read(LESSONS_DIR / "facilitator_guide.ipynb", as_version=4).cells)
    for specs in QUESTIONS.values():
        for spec in specs:
            assert spec.prompt in guide and spec.answer_key() in guide, spec.key


def _output_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def _execute(nb) -> float:
    from nbclient import NotebookClient

    client = NotebookClient(
        nb, kernel_name="python3", timeout=CELL_TIMEOUT_S, resources={"metadata": {"path": str(LESSONS_DIR)}}
    )
    started = time.perf_counter()
    client.execute()  # raises CellExecutionError if any cell raises
    return time.perf_counter() - started


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_runs_headless_twice_and_adds_nothing_to_the_learners_record(path, tmp_path, monkeypatch,
                                                                              record_property):  # fmt: skip
    """Run All, as a learner without a camera would, then Run All again into the same learner folder.

    The no-camera cells feed sample clips through "predict, then look" and the checklist; a sample clip is someone
    else's face, and nothing is saved without the learner's Save anyway, so nothing may reach the practice log and no
    step may be ticked for the learner. After the second run, the lesson's own check (AFTER_RUN_ALL) runs in its
    kernel.
    """
    # The learner's file goes to a temporary folder; the kernels inherit this environment.
    monkeypatch.setenv("MICROEXP_DATA", str(tmp_path / "learner-data"))
    nb = nbformat.read(path, as_version=4)
    seconds = _execute(nb)
    record_property("seconds", round(seconds, 1))
    print(f"{path.name}: {seconds:.1f} s")
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{path.name}: {output.get('ename')}"
            assert output.get("name") != "stderr" or "Traceback" not in output.get("text", "")
    text = _output_text(nb)
    if path.stem == "00_start_here":
        assert "Face found in" in text and "Face found in 0 of" not in text

    again = nbformat.read(path, as_version=4)
    check = AFTER_RUN_ALL.get(path.stem)
    if check:
        again.cells.append(nbformat.v4.new_code_cell(check))
    _execute(again)
    from microexp_widgets.lessons import practice_log

    assert practice_log.entries() == []


def _guide_text() -> str:
    return "\n".join(c.source for c in nbformat.read(LESSONS_DIR / "facilitator_guide.ipynb", as_version=4).cells)


def _lesson_text(stem: str) -> str:
    return "\n".join(c.source for c in nbformat.read(LESSONS_DIR / f"{stem}.ipynb", as_version=4).cells)


# Lesson 05's scenes (a)-(d): the words lesson 05 uses, and what a learner ticks for each.
SCENES = {
    "a": ("the glare alone", ["micro_glare"], []),
    "b": ("glare, crossed arms and one-word replies", ["micro_glare", "crossed_arms", "one_word"], []),
    "c": ("*the room is cold* and *the sun is in their eyes*", ["micro_glare", "crossed_arms", "one_word"],
          ["cold", "sun"]),
    "d": ("glare with open posture and banter", ["micro_glare", "open_posture", "banter"], []),
}  # fmt: skip


def test_the_guides_cue_cluster_keys_say_what_the_builder_says():
    from microexp_widgets.lessons.cue_cluster import CueClusterBuilder

    guide, lesson = _guide_text(), " ".join(_lesson_text("05_decoding_others").split())
    for letter, (words, cues, contexts) in SCENES.items():
        assert f"({letter}) " in lesson and words in lesson, f"lesson 05 no longer sets scene ({letter})"
        (line,) = [row for row in guide.splitlines() if row.strip().startswith(f"- ({letter}) ")]
        result = CueClusterBuilder().select(cues, contexts)
        assert f"**{result.label}**" in line and f'"{result.question}"' in line, line


def test_the_guides_ledger_key_says_what_the_ledger_says():
    from microexp_widgets.lessons.ledger import DEFAULT_CUES, tally, verdict

    (key,) = [c.source for c in nbformat.read(LESSONS_DIR / "facilitator_guide.ipynb", as_version=4).cells
              if "**Impression ledger (03):**" in c.source]  # fmt: skip
    key = " ".join(key.split())
    party = tally(DEFAULT_CUES)
    chat = tally([c for c in DEFAULT_CUES if c.key in ("grimace", "smile", "neutral")])
    for result in (party, chat):
        assert f"{result.total:+.2f}" in key and f"{result.focus_share:.0%}" in key and verdict(result) in key


def test_the_workshop_plan_fills_90_minutes_with_a_10_minute_buffer():
    guide = _guide_text()
    plan = guide[guide.index("## 90-minute workshop plan") :].split("\n## ")[0]
    lines = [line for line in plan.splitlines() if line.startswith("| ")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    header, body = rows[0], [r for r in rows[1:] if r[0] != "---"]
    minutes = [int(r[header.index("minutes")]) for r in body if r[header.index("minutes")]]
    assert sum(minutes) == 90
    assert [r for r in body if r[1] == "buffer"][0][header.index("minutes")] == "10"
    assert sum(int(r[header.index("discussion")]) for r in body if r[header.index("discussion")]) >= 15
    clock = 0
    for row in body:  # each start time is the sum of the slots before it
        assert row[0] == f"{clock // 60}:{clock % 60:02d}", row
        clock += int(row[header.index("minutes")] or 0)


def test_the_guide_has_a_consent_script_for_each_route_and_the_hard_cases():
    guide = _guide_text()
    script = guide[guide.index("## Consent script") :].split("\n## ")[0]
    script = " ".join(script.replace("\n>", "\n").split())  # quoted lines joined, as they are read aloud
    for words in ("local install", "mybinder.org", "JupyterHub", "never leaves your browser", "numbers per frame",
                  "the clip itself is sent to that server", "You can stop at any time", "never film your partner",
                  "**Minors.**", "Delete everything I recorded"):  # fmt: skip
        assert words in script, words


def test_the_guide_covers_access_and_offers_an_alternative_for_every_camera_activity():
    guide = _guide_text()
    access = guide[guide.index("## Accessibility") :].split("\n## ")[0]
    for words in ("Photosensitivity", "calm pace", "Screen readers", "keyboard", "Facial differences",
                  "facial paralysis", "head covering", "glasses", "skin tone", "Neurodivergent",
                  "anxious", "Lessons 03 and 07 have no camera activity on purpose"):  # fmt: skip
        assert words in " ".join(access.split()), words
    alternatives = [line.split("|")[1].strip()[:2] for line in access.splitlines() if line.startswith("| 0")]
    widgets = ("Recorder(", "PredictThenLook(", "Checklist(", "ClipStudy()")
    camera_lessons = [p.stem[:2] for p in NOTEBOOKS if any(name in _lesson_text(p.stem) for name in widgets)]
    assert camera_lessons and set(camera_lessons) <= set(alternatives), (camera_lessons, alternatives)
    for heading in ("## Materials", "## Tech check", "## Plan B"):
        assert heading in guide


def test_the_guides_room_view_cell_plots_two_or_three_exported_files(tmp_path, monkeypatch, capsys):
    from microexp_widgets.widgets.flash_drill import FlashDrill

    (cell,) = [c.source for c in nbformat.read(LESSONS_DIR / "facilitator_guide.ipynb", as_version=4).cells
               if c.cell_type == "code" and "room_view" in c.source]  # fmt: skip
    monkeypatch.chdir(tmp_path)
    for count in (1, 2, 3):
        drill = FlashDrill.short(targets=["AU04"], seed=count)
        drill.start()
        while drill.status != "finished":
            drill.set_state({"flash_report": {"trial": drill.trial_index, "measured_ms": drill.exposure_ms,
                                              "frame_ms": 16.7}})  # fmt: skip
            drill.answer(True, drill.choices[0] if drill.exposure_ms > 40 else "nothing / not sure")
        drill.save_anonymous(tmp_path / "room-drill")
        *setup, last = cell.strip().splitlines()
        namespace: dict = {}
        exec("\n".join(setup), namespace)
        shown = eval(last, namespace)
        if count == 1:
            assert shown is None and "collect at least 2" in capsys.readouterr().out
    names = [trace.name for trace in shown.data]
    assert names[:2] == ["noticing", "naming"] and "chance, naming (1 in 2)" in names
    assert "'yes' on blank flashes: 15 of 15" in names  # three learners, five blanks each, always "yes"
    assert "3 learners" in shown.layout.title.text


def test_the_guide_describes_predict_then_look_as_the_widget_runs_it():
    guide = " ".join(_guide_text().split())
    key = guide[guide.index("**Predict, then look (04, 06):**") :].split("## Answer keys")[0]
    for words in ("predicts how visible their nerves were", "as an observer", "There is no score",
                  "Nothing is saved unless the learner presses Save",
                  "only means something with their own take"):  # fmt: skip
        assert words in key, words
    assert "Cheek raise (AU06) is left out" not in guide and "mirror practice" not in guide.lower()


def test_the_progress_widget_states_each_lessons_own_estimated_time():

    from microexp_widgets.lessons.progress import LESSONS

    for lesson in LESSONS:
        first = nbformat.read(LESSONS_DIR / f"{lesson.key}.ipynb", as_version=4).cells[0].source
        stated = re.search(r"\*\*Estimated time:\*\* (\d+) minutes", first)
        assert stated and int(stated.group(1)) == lesson.minutes, lesson.key
