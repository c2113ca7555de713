"""Progress, practice log, export (CSV + HTML, learner text escaped: FAULTS S1) and "delete everything" (P3)."""

import csv
import json

import ipywidgets as widgets
import pytest

from microexp_widgets.lessons import memory, practice_log, progress, store
from microexp_widgets.lessons.checklist import Checklist
from microexp_widgets.lessons.my_data import CSV_NAME, HTML_NAME, MyData, delete_my_data, export_my_data
from microexp_widgets.lessons.practice_log import PracticeLog
from microexp_widgets.lessons.reflection import Reflection
from microexp_widgets.timeline import AUTimeline

SCRIPT = "<script>alert('hi')</script> & <b>bold</b>"


def test_progress_is_saved_in_the_learner_folder(learner_folder):
    assert progress.completed() == {}
    widget = progress.LessonProgress("03_make_or_break")
    assert "0 of 8 lessons done" in widget.overview.value
    widget.toggle()
    assert set(progress.completed()) == {"03_make_or_break"}
    assert (learner_folder / store.STORE_NAME).exists()
    assert "1 of 8 lessons done" in widget.overview.value and widget._button.description == "Mark as not done"
    widget.toggle()
    assert progress.completed() == {}


def test_reflection_text_is_shown_as_text(learner_folder):
    reflection = Reflection("What did you notice?", lesson="07_big_picture")
    assert reflection.save() is None
    reflection.text = SCRIPT
    entry = reflection.save()
    assert entry["summary"] == SCRIPT
    assert "<script>" not in reflection.echo.value and "&lt;script&gt;" in reflection.echo.value
    table = PracticeLog().table.value
    assert "<script>" not in table and "&lt;script&gt;" in table and "&lt;b&gt;bold" in table


def test_export_writes_csv_and_escaped_html(learner_folder, tmp_path):
    progress.mark_done("00_start_here")
    practice_log.add_entry("04_nudging_your_own", "mirror take", "before the pacer: 3 of 4", {"AU12": 0.41})
    practice_log.add_entry("07_big_picture", "reflection", SCRIPT)
    result = export_my_data(tmp_path / "out")
    rows = list(csv.DictReader(result.csv_path.open(encoding="utf-8")))
    assert [r["kind"] for r in rows] == ["mirror take", "reflection"]
    assert json.loads(rows[0]["values"]) == {"AU12": 0.41}
    assert rows[1]["summary"] == SCRIPT
    page = result.html_path.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert" in page
    assert "1 of 8 done" in page and "no emotion labels" in page
    default = export_my_data()
    assert default.csv_path == learner_folder / CSV_NAME and default.html_path == learner_folder / HTML_NAME


class _FakeRecorder:
    def __init__(self):
        self.timeline = "a take"

    def clear(self):
        self.timeline = None


def test_delete_everything_removes_files_and_memory(learner_folder, make_frame):
    progress.mark_done("01_blink_and_you_miss_it")
    practice_log.add_entry("04_nudging_your_own", "mirror take", "x", {})
    export_my_data()
    recorder = memory.remember(_FakeRecorder())
    clip = b"pretend webm bytes"
    take = AUTimeline(make_frame(), source="recording", clip=clip)
    kept_elsewhere = [take]
    namespace = {"tl": take, "_": take, "count": 3, "Out": {4: take, 5: "text"}}
    result = delete_my_data(namespace)
    assert sorted(p.name for p in result.files) == sorted([store.STORE_NAME, CSV_NAME, HTML_NAME])
    # The store itself stays, emptied in place (docs/faults.md L7): a kernel holding it open keeps the one store.
    assert [p.name for p in learner_folder.iterdir()] == [store.STORE_NAME]
    assert recorder.timeline is None and result.widgets >= 1
    assert "tl" not in namespace and namespace["_"] is None and namespace["count"] == 3
    assert namespace["Out"] == {5: "text"}
    assert result.names == ("tl",) and result.timelines >= 1
    assert kept_elsewhere[0].still_at(0.0) is None  # the video bytes are gone even where a reference survives
    assert "(3 file(s))" in result.message() and "In this notebook it cleared" in result.message()
    assert store.load()["practice"] == [] and progress.completed() == {}


def test_delete_clears_a_checklist_and_the_widget_asks_first(learner_folder, make_frame):
    checklist = Checklist(pacer=widgets.HTML("pacer"), recorder=widgets.HTML("recorder"))
    checklist.tick(1, 2, 3)
    checklist.add_take(AUTimeline(make_frame(AU12=0.4, AU07=0.3), source="recording"))
    assert len(practice_log.entries()) == 1
    panel = MyData()
    panel._ask()
    assert panel._confirm.layout.display is None and "cannot be undone" in panel._message.value
    panel.delete()
    assert checklist.timeline is None and panel._confirm.layout.display == "none"
    assert practice_log.entries() == []


@pytest.mark.slow
def test_delete_everything_reaches_the_real_recorder_view_and_face(learner_folder):
    import microexp_widgets as mw

    view, face = mw.TimelineView(), mw.AUFace()
    recorder = mw.Recorder(max_seconds=5, view=view)
    take = recorder.use_sample("single_face")
    face.show_timeline(take)
    assert view.timeline is take and take.still_at(1.0) is not None
    namespace = {"take": take}
    result = delete_my_data(namespace)
    assert recorder.timeline is None and view.timeline is None and not face.replaying
    assert take.still_at(1.0) is None and "take" not in namespace
    assert result.widgets >= 3 and result.timelines >= 1
    recorder.close()
