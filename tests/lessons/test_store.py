"""The learner's store: kernels writing at once, bad files, failed saves, delete, private exports (FAULTS L1-L5).

Each test names its FAULTS row.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import ipywidgets as widgets
import numpy as np
import pytest

from microexp_widgets.lessons import memory, practice_log, progress, store
from microexp_widgets.lessons.my_data import CSV_NAME, HTML_NAME, Downloads, MyData, delete_my_data, export_my_data
from microexp_widgets.lessons.practice_log import PracticeLog, when
from microexp_widgets.lessons.progress import LessonProgress
from microexp_widgets.lessons.reflection import Reflection

SECRET = "my very own secret reflection 7f3a"


def _python(code: str, folder, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, "MICROEXP_DATA": str(folder)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _quiz_attempt(key: str, correct: bool) -> None:
    # The same change quiz.py makes for one answer.
    def change(data):
        entry = data["quiz"].setdefault(key, {"attempts": 0, "correct": False})
        entry["attempts"] += 1
        entry["correct"] = bool(entry["correct"] or correct)

    store.update(change)


# ----------------------------------------------------------------------------------------------------
# L1: several kernels write at once


WRITER = """
import sys
from microexp_widgets.lessons import practice_log, progress, store
from microexp_widgets.lessons.progress import LESSONS

me = int(sys.argv[1]) if len(sys.argv) > 1 else {me}
for i in range(40):
    practice_log.add_entry("04_nudging_your_own", "mirror take", f"writer {{me}} entry {{i}}", {{"i": i}})
    if i % 10 == 0:
        def change(data, key=f"q{{me}}"):
            entry = data["quiz"].setdefault(key, {{"attempts": 0, "correct": False}})
            entry["attempts"] += 1
        store.update(change)
progress.mark_done(LESSONS[me].key)
"""


def test_L1_three_kernels_writing_at_once_lose_nothing(learner_folder):
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER.format(me=me)],
            env={**os.environ, "MICROEXP_DATA": str(learner_folder)},
            stderr=subprocess.PIPE,
            text=True,
        )
        for me in range(3)
    ]
    for writer in writers:
        assert writer.wait(timeout=180) == 0, writer.stderr.read()
    data = store.load()
    summaries = {row["summary"] for row in data["practice"]}
    assert len(data["practice"]) == 120
    assert summaries == {f"writer {me} entry {i}" for me in range(3) for i in range(40)}
    assert {key: row["attempts"] for key, row in data["quiz"].items()} == {"q0": 4, "q1": 4, "q2": 4}
    assert set(progress.completed()) == {lesson.key for lesson in progress.LESSONS[:3]}


def test_L1_the_store_uses_the_rollback_journal_and_is_private(learner_folder):
    practice_log.add_entry("04_nudging_your_own", "mirror take", "one", {})
    path = learner_folder / store.STORE_NAME
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    # no WAL side files (they need shared memory, which network home folders do not give), no journal left over
    assert sorted(p.name for p in learner_folder.iterdir()) == [store.STORE_NAME]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(learner_folder.stat().st_mode) == 0o700


def test_L1_the_default_folder_is_closed_to_other_users_even_if_an_old_version_opened_it(tmp_path, monkeypatch):
    monkeypatch.delenv("MICROEXP_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    folder = tmp_path / "share" / "microexp-widgets"
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    assert store.data_dir() == folder
    practice_log.add_entry("04", "reflection", "mine", {})
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / store.STORE_NAME).stat().st_mode) == 0o600


def test_L1_reading_never_creates_a_file(learner_folder):
    assert store.load() == {"format": 1, "progress": {}, "quiz": {}, "practice": []}
    assert practice_log.entries() == [] and progress.completed() == {}
    assert not learner_folder.exists()


def test_L1_the_old_update_call_still_works_and_keeps_extra_fields(learner_folder):
    store.update(
        lambda data: data["practice"].append(
            {
                "time": "2026-11-26T10:00:00+00:00",
                "lesson": "04",
                "kind": "mirror take",
                "summary": "s",
                "origin": "camera",
            }
        )
    )
    _quiz_attempt("04_nudging_your_own:1", False)
    _quiz_attempt("04_nudging_your_own:1", True)
    data = store.load()
    assert data["practice"][0]["origin"] == "camera" and data["practice"][0]["values"] == {}
    assert data["quiz"]["04_nudging_your_own:1"] == {"attempts": 2, "correct": True}
    store.update(lambda data: data["practice"].clear())
    assert store.load()["practice"] == []


# ----------------------------------------------------------------------------------------------------
# L2: a bad file is kept, readable entries kept, one sentence, no widget raises


def _backups(folder):
    return sorted(p for p in folder.iterdir() if p.name.startswith(store.BACKUP_PREFIX))


def _every_widget_survives():
    PracticeLog()
    LessonProgress("07_big_picture")
    MyData()
    export_my_data()


def test_L2_garbage_in_the_store_is_kept_as_a_backup_and_never_overwritten(learner_folder):
    learner_folder.mkdir()
    path = learner_folder / store.STORE_NAME
    path.write_bytes(b"\x00garbage, not a database" * 100)
    _every_widget_survives()
    assert store.load()["practice"] == []
    first = _backups(learner_folder)
    assert len(first) == 1 and first[0].read_bytes().startswith(b"\x00garbage")
    sentence = store.notice()
    assert first[0].name in sentence and str(learner_folder) in sentence and sentence.count(". ") == 0
    assert first[0].name in PracticeLog().table.value
    practice_log.add_entry("04_nudging_your_own", "mirror take", "kept", {})
    path.write_bytes(b"second broken file" * 100)
    assert store.load()["practice"] == []
    second = _backups(learner_folder)
    assert len(second) == 2 and first[0] in second  # the earlier backup is untouched
    assert first[0].read_bytes().startswith(b"\x00garbage")
    assert any(p.read_bytes().startswith(b"second broken") for p in second)


def test_L2_backups_are_not_overwritten_where_hard_links_are_missing(learner_folder, monkeypatch):
    def no_links(*_args):
        raise PermissionError(1, "Operation not permitted")  # what some network and FUSE mounts answer

    monkeypatch.setattr(os, "link", no_links)
    learner_folder.mkdir()
    path = learner_folder / store.STORE_NAME
    for content in (b"first broken" * 50, b"second broken" * 50):
        path.write_bytes(content)
        assert store.load()["practice"] == []
    kept = sorted(p.read_bytes()[:13] for p in _backups(learner_folder))
    assert kept == [b"first brokenf", b"second broken"]


def test_L2_json_of_another_shape_keeps_its_readable_entries(learner_folder):
    learner_folder.mkdir()
    good = {"time": "2026-11-26T10:00:00+00:00", "lesson": "04", "kind": "mirror take", "summary": "good one"}
    (learner_folder / store.STORE_NAME).write_text(json.dumps([good, "not an entry", {"kind": 3}]))
    _every_widget_survives()
    assert [row["summary"] for row in practice_log.entries()] == ["good one"]
    assert len(_backups(learner_folder)) == 1
    assert "1 item(s) that could be read" in store.notice()


def test_L2_a_database_of_another_shape_is_kept_not_wiped(learner_folder):
    learner_folder.mkdir()
    path = learner_folder / store.STORE_NAME
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE practice (who TEXT, what TEXT)")
        db.execute("INSERT INTO practice VALUES ('me', 'something else')")
    db.close()
    _every_widget_survives()
    backup = _backups(learner_folder)
    assert len(backup) == 1 and "wrong-shape" in backup[0].name
    with sqlite3.connect(backup[0]) as db:
        assert db.execute("SELECT what FROM practice").fetchall() == [("something else",)]
    db.close()


def test_L2_the_old_json_file_is_imported_once_and_kept_as_a_backup(learner_folder):
    learner_folder.mkdir()
    legacy = {
        "format": 1,
        "progress": {"00_start_here": {"done_at": "2026-11-20T09:00:00+00:00"}, "01_blink_and_you_miss_it": "yes"},
        "quiz": {"00_start_here:1": {"attempts": 2, "correct": True}},
        "practice": [
            {
                "time": "2026-11-20T09:05:00+00:00",
                "lesson": "04",
                "kind": "reflection",
                "summary": "old text",
                "values": {},
            },
            42,
        ],
    }
    (learner_folder / store.LEGACY_NAME).write_text(json.dumps(legacy))
    _every_widget_survives()
    assert [row["summary"] for row in practice_log.entries()] == ["old text"]
    assert set(progress.completed()) == {"00_start_here"}
    assert not (learner_folder / store.LEGACY_NAME).exists()
    backup = _backups(learner_folder)
    assert len(backup) == 1 and json.loads(backup[0].read_text()) == legacy
    assert "2 item(s)" in store.notice() and backup[0].name in store.notice()
    practice_log.add_entry("04", "reflection", "new text", {})
    assert len(_backups(learner_folder)) == 1  # imported once only


def test_L2_hand_edited_rows_are_set_aside_and_the_rest_is_kept(learner_folder):
    for i in range(3):
        practice_log.add_entry("04_nudging_your_own", "mirror take", f"entry {i}", {"AU12": 0.1 * i})
    progress.mark_done("00_start_here")
    progress.mark_done("01_blink_and_you_miss_it")
    _quiz_attempt("q", True)
    with sqlite3.connect(learner_folder / store.STORE_NAME) as db:
        db.execute("UPDATE practice SET entry = 'oops, hand edited' WHERE id = 2")
        db.execute("UPDATE progress SET record = '\"done\"' WHERE key = '01_blink_and_you_miss_it'")
        db.execute('UPDATE quiz SET record = \'{"attempts": "many"}\'')
    db.close()
    _every_widget_survives()
    _quiz_attempt("q", True)  # what a quiz does next must not raise either
    assert [row["summary"] for row in practice_log.entries()] == ["entry 0", "entry 2"]
    assert set(progress.completed()) == {"00_start_here"}
    (aside,) = _backups(learner_folder)
    rows = json.loads(aside.read_text())
    assert {row["table"] for row in rows} == {"practice", "progress", "quiz"}
    assert any(row["raw"] == "oops, hand edited" for row in rows)
    assert "3 item(s)" in store.notice() and aside.name in store.notice()


# ----------------------------------------------------------------------------------------------------
# L3: a failed save leaves nothing behind and says so; numpy numbers are stored as plain numbers


def test_L3_numpy_values_are_stored_as_plain_numbers(learner_folder):
    values = {"AU12": np.float32(0.5), "n": np.int64(3), "ok": np.bool_(True), "curve": np.array([0.25, np.nan])}
    practice_log.add_entry("04_nudging_your_own", "mirror take", "numpy", values)
    (entry,) = practice_log.entries()
    assert entry["values"] == {"AU12": 0.5, "n": 3, "ok": True, "curve": [0.25, None]}
    assert type(entry["values"]["n"]) is int


def test_L3_a_value_that_cannot_be_stored_changes_nothing(learner_folder):
    practice_log.add_entry("04", "mirror take", "before", {})
    with pytest.raises(store.StoreError, match="nothing was saved"):
        practice_log.add_entry("04", "mirror take", "bad", {"x": object()})
    assert [row["summary"] for row in practice_log.entries()] == ["before"]
    assert sorted(p.name for p in learner_folder.iterdir()) == [store.STORE_NAME]


def test_L3_a_disk_that_fills_up_half_way_leaves_no_temp_file_and_says_so(learner_folder):
    practice_log.add_entry("04", "reflection", "kept before the failure", {})
    size = (learner_folder / store.STORE_NAME).stat().st_size
    # A real write failure: the process may not grow any file past the store's size (as on a full disk).
    run = _python(
        f"""
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({size + 2048}, {size + 2048}))
        from microexp_widgets.lessons import practice_log, store
        try:
            practice_log.add_entry("04", "reflection", "x" * 200_000, {{}})
        except store.StoreError as error:
            print("REPORTED:", error)
        """,
        learner_folder,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("REPORTED: Your data could not be saved in"), run.stdout
    assert run.stdout.count("\n") == 1
    assert sorted(p.name for p in learner_folder.iterdir()) == [store.STORE_NAME]
    assert [row["summary"] for row in practice_log.entries()] == ["kept before the failure"]


def test_L3_a_widget_reports_a_failed_save_and_keeps_the_text(learner_folder, monkeypatch):
    def refuse(entry):
        raise store.StoreError("Your data could not be saved in /x (No space left on device); nothing was changed.")

    monkeypatch.setattr(store, "append_practice", refuse)
    reflection = Reflection("What did you notice?", lesson="07_big_picture")
    reflection.text = "my words"
    assert reflection.save() is None
    assert "No space left" in reflection.echo.value and reflection.text == "my words"


# ----------------------------------------------------------------------------------------------------
# L4: delete everything leaves no file and no widget state with the learner's text


def _all_widget_state_text() -> str:
    from ipywidgets.widgets.widget import _instances

    states = []
    for widget in list(_instances.values()):
        try:
            states.append(widget.get_state())
        except AttributeError:
            # A box that still lists a child an earlier test closed cannot name it; its children are read one by
            # one anyway, since every open widget is in _instances.
            states.append({name: str(getattr(widget, name, "")) for name in widget.keys if name != "children"})
    return json.dumps(states, default=str)


def test_L4_delete_removes_every_file_and_every_trace_in_widget_state(learner_folder):
    reflection = Reflection("What did you notice?", lesson="07_big_picture")
    reflection.text = SECRET
    reflection.save()
    log, lesson, panel = PracticeLog(), LessonProgress("07_big_picture"), MyData()
    lesson.toggle()
    panel.export()
    (learner_folder / ".learner-abcd.json").write_text(SECRET)  # a temp file of the old JSON version
    (learner_folder / store.STORE_NAME).with_name("learner-backup-20261126-100000-unreadable.bak").write_text(SECRET)
    (learner_folder / f".{CSV_NAME}.x1.tmp").write_text(SECRET)  # an export cut off half-way
    (learner_folder / "notes-of-my-own.txt").write_text("not the store's")
    assert SECRET in _all_widget_state_text() and "1 of 8 lessons done" in lesson.overview.value

    result = panel.delete()

    assert sorted(p.name for p in learner_folder.iterdir()) == [store.STORE_NAME, "notes-of-my-own.txt"]
    assert SECRET.encode() not in (learner_folder / store.STORE_NAME).read_bytes()  # emptied in place (L7)
    assert {p.name for p in result.files} >= {store.STORE_NAME, CSV_NAME, HTML_NAME, ".learner-abcd.json"}
    assert SECRET not in _all_widget_state_text()
    assert "0 of 8 lessons done" in lesson.overview.value and reflection.text == ""
    assert "deleted" in log.table.value
    message = panel._message.value
    assert "Deleted your practice log" in message and "Other lessons you have open" in message
    assert not re.search(r"\b0 ", message.split("In this notebook")[1]), "a count of zero things is left out"


def test_L4_the_message_never_counts_zero_things(learner_folder):
    result = delete_my_data({})
    assert result.files == () and "nothing of yours saved" in result.message()
    assert " 0 " not in result.message()


def test_L4_a_delete_in_another_kernel_clears_this_one(learner_folder):
    watch = memory.StoreWatch()
    practice_log.add_entry("04", "reflection", SECRET, {})
    log = PracticeLog()
    assert SECRET in log.table.value
    assert watch.check() is False  # first look
    practice_log.add_entry("04", "reflection", "another", {})
    assert watch.check() is False  # a write is not a delete
    run = _python(
        "from microexp_widgets.lessons import delete_my_data; print(delete_my_data({}).message())", learner_folder
    )
    assert run.returncode == 0, run.stderr
    assert watch.check() is True
    assert SECRET not in log.table.value and SECRET not in _all_widget_state_text()
    practice_log.add_entry("04", "reflection", "a fresh start", {})
    assert watch.check() is False  # the new store is only a first save


def test_L4_a_store_rebuilt_from_a_damaged_file_is_not_a_delete(learner_folder):
    watch = memory.StoreWatch()
    practice_log.add_entry("04", "reflection", "one", {})
    watch.check()
    (learner_folder / store.STORE_NAME).write_bytes(b"broken" * 100)
    store.load()
    assert watch.check() is False


def test_L4_a_writer_waiting_during_a_delete_writes_into_the_new_store(learner_folder):
    practice_log.add_entry("04", "reflection", "old", {})
    holder = sqlite3.connect(learner_folder / store.STORE_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a kernel in the middle of a write
    writer = subprocess.Popen(
        [sys.executable, "-c", "from microexp_widgets.lessons import practice_log as p; p.add_entry('04', 'r', 'new')"],
        env={**os.environ, "MICROEXP_DATA": str(learner_folder)},
    )
    deleter = subprocess.Popen(
        [sys.executable, "-c", "from microexp_widgets.lessons import store; store.delete_everything()"],
        env={**os.environ, "MICROEXP_DATA": str(learner_folder)},
    )
    import time

    time.sleep(3)
    holder.execute("ROLLBACK")
    holder.close()
    assert writer.wait(timeout=60) == 0 and deleter.wait(timeout=60) == 0
    summaries = [row["summary"] for row in practice_log.entries()]
    assert "old" not in summaries  # the delete happened, whichever came first
    assert summaries in ([], ["new"])


# ----------------------------------------------------------------------------------------------------
# L5: exports are private and safe to open in a spreadsheet


def test_L5_exports_are_private_and_formulas_stay_text(learner_folder, tmp_path):
    for text in ('=HYPERLINK("http://x","click")', "+1+1", "-2", "@SUM(A1)", "plain"):
        practice_log.add_entry("07_big_picture", "reflection", text, {})
    result = export_my_data(tmp_path / "out")
    for path in (result.csv_path, result.html_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = list(csv.DictReader(result.csv_path.open(encoding="utf-8")))
    assert [r["summary"] for r in rows] == ['\'=HYPERLINK("http://x","click")', "'+1+1", "'-2", "'@SUM(A1)", "plain"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([CSV_NAME, HTML_NAME])


def test_L5_the_download_is_made_in_memory_and_kept_out_of_widget_state(learner_folder):
    practice_log.add_entry("07_big_picture", "reflection", "=1+2 " + SECRET, {"AU12": np.float32(0.5)})
    downloads = Downloads()
    before = sorted(p.name for p in learner_folder.iterdir())
    sent = []
    downloads.send = sent.append
    downloads._on_message(downloads, {"want": "csv"}, [])
    downloads._on_message(downloads, {"want": "html"}, [])
    csv_msg, html_msg = sent
    assert csv_msg["name"] == CSV_NAME and csv_msg["mime"].startswith("text/csv")
    row = next(csv.DictReader(io.StringIO(csv_msg["text"])))
    assert row["summary"].startswith("'=1+2") and json.loads(row["values"]) == {"AU12": 0.5}
    assert html_msg["name"] == HTML_NAME and SECRET in html_msg["text"]
    assert sorted(p.name for p in learner_folder.iterdir()) == before  # nothing new on disk
    assert SECRET not in json.dumps(downloads.get_state(), default=str)


# ----------------------------------------------------------------------------------------------------
# Times in words, in the learner's own time zone


def test_log_times_are_local_and_in_words():
    zone = timezone(timedelta(hours=2))
    now = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
    assert when("2026-11-27T07:05:00+00:00", now, zone) == "today 09:05"
    assert when("2026-11-26T21:30:00+00:00", now, zone) == "yesterday 23:30"
    assert when("2026-11-26T22:30:00+00:00", now, zone) == "today 00:30"
    assert when("2026-11-03T14:20:00+00:00", now, zone) == "3 Nov 16:20"
    assert when("2025-12-31T10:00:00+00:00", now, zone) == "31 Dec 2025 12:00"
    assert when("not a time", now, zone) == "not a time"
    row = {"time": "2026-11-27T07:05:00+00:00", "lesson": "04", "kind": "k", "summary": "s"}
    table = practice_log.render_rows([row])
    assert "white-space:nowrap" in table and "+00:00" not in table


def test_log_times_follow_the_zone_the_browser_reports(monkeypatch):
    monkeypatch.setattr(practice_log, "_learner_zone", None)
    practice_log.add_entry("04", "reflection", "late evening", {})
    stamp = practice_log.entries()[0]["time"]
    log = PracticeLog()
    log._zone.set_state({"zone": "Pacific/Kiritimati"})  # UTC+14: what the page reports there
    local = datetime.fromisoformat(stamp).astimezone(timezone(timedelta(hours=14))).strftime("%H:%M")
    assert f"{local}</td>" in log.table.value
    log._zone.set_state({"zone": "Not/AZone"})  # an odd browser: keep the last good zone, never raise
    assert f"{local}</td>" in log.table.value


def test_widgets_are_plain_ipywidgets_objects():
    # MyData stays a VBox, so lessons can lay it out like any other widget.
    assert isinstance(MyData(), widgets.VBox)
