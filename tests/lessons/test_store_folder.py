"""The learner's data folder itself at fault: no permission, a full disk, a folder where the store belongs
(docs/faults.md F1-F3). Every store failure reaches the learner as one sentence in the widget that tried.

Each test names its row and says how it failed on the code before the fix.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import ipywidgets as widgets
import pytest
from file_permissions import python_without_override

from microexp_widgets.lessons import practice_log, store
from microexp_widgets.lessons.checklist import Checklist
from microexp_widgets.lessons.mirror import MirrorPractice
from microexp_widgets.lessons.my_data import MyData, delete_my_data
from microexp_widgets.lessons.practice_log import PracticeLog
from microexp_widgets.lessons.progress import LessonProgress
from microexp_widgets.lessons.quiz import Choice, Quiz
from microexp_widgets.lessons.reflection import Reflection

HALF_SMILE = {"AU12": 0.4, "AU04": 0.02, "AU07": 0.3, "AU24": 0.05}

# What each lesson widget shows when it reads or saves, made in a child process; a raise is reported, not thrown.
EVERY_WIDGET = """
import json
import numpy as np, pandas as pd
import ipywidgets as widgets
from microexp_widgets.lessons import delete_my_data, export_my_data
from microexp_widgets.lessons.checklist import Checklist
from microexp_widgets.lessons.mirror import MirrorPractice
from microexp_widgets.lessons.my_data import MyData
from microexp_widgets.lessons.practice_log import PracticeLog
from microexp_widgets.lessons.progress import LessonProgress
from microexp_widgets.lessons.progress import LessonProgress
from microexp_widgets.lessons.quiz import Choice, Quiz
from microexp_widgets.lessons.reflection import Reflection


def half_smile():
    n = 30
    table = {"time_s": np.arange(n) / 30, "face": np.ones(n, bool)}
    for au in ("AU01", "AU02", "AU04", "AU06", "AU07", "AU12", "AU24"):
        table[au] = np.full(n, {"AU12": 0.4, "AU04": 0.02, "AU07": 0.3, "AU24": 0.05}.get(au, 0.0))
    return pd.DataFrame(table)


said = {}


def attempt(name, act):
    try:
        said[name] = act()
    except BaseException as error:
        said[name] = f"RAISED {type(error).__name__}: {error}"


def progress():
    lesson = LessonProgress("07_big_picture")
    lesson.toggle()
    return lesson._problem.value


def reflection():
    box = Reflection("What did you notice?", lesson="07_big_picture")
    box.text = "my words"
    box.save()
    return box.echo.value


def quiz():
    question = Quiz.single("07:t", "?", [Choice("a", True, "yes"), Choice("b", False, "no")])
    question.answer(0)
    return question.feedback.value


def mirror():
    practice = MirrorPractice(recorder=widgets.HTML())
    practice.add_take(half_smile())
    return practice.feedback.value


def checklist():
    guided = Checklist(pacer=widgets.HTML(), recorder=widgets.HTML())
    guided.add_take(half_smile())
    return guided.review.value + guided.card.value


def my_data_delete():
    panel = MyData()
    panel.delete()
    return panel._message.value


attempt("practice log", lambda: PracticeLog().table.value)
attempt("progress", progress)
attempt("my data", lambda: MyData()._message.value)
attempt("reflection", reflection)
attempt("quiz", quiz)
attempt("mirror", mirror)
attempt("checklist", checklist)
attempt("my data delete", my_data_delete)
attempt("delete_my_data", lambda: delete_my_data({}).message())
attempt("export_my_data", lambda: str(export_my_data()))
print(json.dumps(said))
"""

WIDGETS = ("practice log", "progress", "my data", "reflection", "quiz", "mirror", "checklist", "my data delete")


def _every_widget_with_the_folder_at(folder, mode: int) -> dict[str, str]:
    """What every widget shows, in a child that cannot override permissions, while ``folder`` has ``mode``; each
    widget's answer is checked to be no raise."""
    folder.chmod(mode)
    try:
        run = python_without_override(EVERY_WIDGET, env={"MICROEXP_DATA": str(folder)})
    finally:
        folder.chmod(0o700)
    assert run.returncode == 0, run.stderr
    said = json.loads(run.stdout.strip().splitlines()[-1])
    for name in WIDGETS:
        assert not said[name].startswith("RAISED"), f"{name}: {said[name]}"
    return said


def _a_store_with(folder, summary: str) -> None:
    env = {**os.environ, "MICROEXP_DATA": str(folder)}
    code = f"from microexp_widgets.lessons import practice_log; practice_log.add_entry('04', 'reflection', {summary!r})"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def _summaries() -> list[str]:
    return [row["summary"] for row in practice_log.entries()]


# ----------------------------------------------------------------------------------------------------
# F1: permission problems are sentences, in the widget that tried


def test_F1_a_data_folder_this_account_cannot_enter_is_said_in_every_widget(learner_folder):
    """Before the fix every widget constructor and every save raised ``PermissionError`` (seen failing)."""
    _a_store_with(learner_folder, "kept")
    said = _every_widget_with_the_folder_at(learner_folder, 0o000)
    for name in ("practice log", "progress", "reflection", "quiz", "mirror", "checklist", "my data delete"):
        assert str(learner_folder) in said[name] and "permission" in said[name], f"{name}: {said[name]}"
    for name in ("delete_my_data", "export_my_data"):
        assert said[name].startswith("RAISED StoreError") and str(learner_folder) in said[name], said[name]
    assert "Traceback" not in json.dumps(said) and "Errno" not in json.dumps(said)
    assert _summaries() == ["kept"]


def test_F1_a_read_only_folder_keeps_the_data_and_says_why_nothing_was_saved_or_deleted(learner_folder):
    """Before the fix ``delete_my_data()`` and ``MyData().delete()`` raised ``PermissionError`` (seen failing)."""
    _a_store_with(learner_folder, "kept")
    said = _every_widget_with_the_folder_at(learner_folder, 0o500)
    assert "kept" in said["practice log"]  # reading still works
    for name in ("reflection", "quiz", "mirror", "checklist", "my data delete"):
        assert str(learner_folder) in said[name] and "permission" in said[name], f"{name}: {said[name]}"
    assert "nothing was deleted" in said["my data delete"].lower()
    assert said["delete_my_data"].startswith("RAISED StoreError") and "nothing was deleted" in said["delete_my_data"]
    assert _summaries() == ["kept"]


def test_F1_a_damaged_store_in_a_read_only_folder_is_said_and_left_as_it_is(learner_folder):
    """Before the fix every widget raised ``PermissionError`` while trying to move the file aside (seen failing)."""
    learner_folder.mkdir()
    path = learner_folder / store.STORE_NAME
    path.write_bytes(b"damaged beyond reading" * 50)
    said = _every_widget_with_the_folder_at(learner_folder, 0o500)
    for name in ("practice log", "progress", "reflection", "my data delete"):
        assert str(learner_folder) in said[name] and "permission" in said[name], f"{name}: {said[name]}"
    assert path.read_bytes() == b"damaged beyond reading" * 50
    assert sorted(p.name for p in learner_folder.iterdir()) == [store.STORE_NAME]


def _refusing_store(monkeypatch) -> str:
    sentence = "Your data could not be saved in /somewhere because the disk is full; free some space and try again."

    def refuse(*_args, **_kwargs):
        raise store.StoreError(sentence)

    monkeypatch.setattr(store, "update", refuse)
    monkeypatch.setattr(store, "append_practice", refuse)
    return sentence


def test_F1_quiz_mirror_and_checklist_show_a_failed_save_instead_of_raising(monkeypatch, make_frame):
    """Before the fix ``Quiz.check(save=True)``, ``MirrorPractice.add_take`` and ``Checklist.add_take`` raised
    ``StoreError`` out of the button's or the recorder's handler (seen failing)."""
    sentence = _refusing_store(monkeypatch)
    question = Quiz.single("07:t", "?", [Choice("a", True, "yes"), Choice("b", False, "no")])
    assert question.answer(0).correct and sentence in question.feedback.value and "Correct." in question.feedback.value
    practice = MirrorPractice(recorder=widgets.HTML())
    practice.add_take(make_frame(**HALF_SMILE))
    assert sentence in practice.feedback.value and len(practice.takes) == 1  # described, kept here, not saved
    guided = Checklist(pacer=widgets.HTML(), recorder=widgets.HTML())
    guided.add_take(make_frame(**HALF_SMILE))
    assert sentence in guided.card.value and "Step" in guided.review.value  # the review is still there


# ----------------------------------------------------------------------------------------------------
# F2: a full disk says so


SMALL_DISK = """
import json, os
from microexp_widgets.lessons import practice_log, store
from microexp_widgets.lessons.practice_log import PracticeLog
from microexp_widgets.lessons.progress import LessonProgress

disk = os.environ["SMALL_DISK"]
said = {}


def fill(leave):
    info = os.statvfs(disk)
    with open(os.path.join(disk, f"filler-{leave}"), "wb") as handle:
        try:
            handle.write(b"\\0" * max(0, info.f_bavail * info.f_frsize - leave))
        except OSError:
            pass


def save(summary):
    try:
        practice_log.add_entry("04", "reflection", summary, {})
        return "SAVED"
    except store.StoreError as error:
        return str(error)


os.environ["MICROEXP_DATA"] = os.path.join(disk, "first")
practice_log.add_entry("04", "reflection", "kept before the disk filled", {})
fill(16 * 1024)
said["mid"] = save("y" * 3_000_000)  # larger than the page cache: it fails while being written
said["after"] = [row["summary"] for row in practice_log.entries()]
said["files"] = sorted(os.listdir(os.environ["MICROEXP_DATA"]))
fill(0)
os.environ["MICROEXP_DATA"] = os.path.join(disk, "second")
os.mkdir(os.environ["MICROEXP_DATA"], 0o700)
said["first"] = save("the first save of all")
said["log"] = PracticeLog().table.value
said["load"] = store.load()["practice"]
said["modes"] = {n: oct(os.stat(os.path.join(os.environ["MICROEXP_DATA"], n)).st_mode & 0o777)
                 for n in os.listdir(os.environ["MICROEXP_DATA"])}
print(json.dumps(said))
"""


def _on_a_small_disk(code: str, mountpoint) -> dict:
    """Run ``code`` in a child that sees a 256 KiB tmpfs at ``mountpoint`` (in its own mount namespace)."""
    if not shutil.which("unshare"):
        pytest.skip("unshare is needed to give a child a small disk of its own")
    mountpoint.mkdir()
    namespace = ["unshare", "--mount", "--propagation", "private"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
    script = 'mount -t tmpfs -o size=256k tmpfs "$0" && exec "$1" -c "$2"'
    run = subprocess.run(
        [*namespace, "sh", "-c", script, str(mountpoint), sys.executable, textwrap.dedent(code)],
        env={**os.environ, "SMALL_DISK": str(mountpoint)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if run.returncode != 0 and "mount" in run.stderr and "Traceback" not in run.stderr:
        pytest.skip(f"no small disk can be mounted here: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_F2_a_disk_that_fills_up_says_the_disk_is_full(tmp_path):
    """Before the fix the learner read "cannot rollback - no transaction is active": the code's own ROLLBACK error
    replaced SQLite's disk-full error; and the first save on a full disk left an empty store that made every reading
    widget raise "no such table: meta" (both seen failing)."""
    said = _on_a_small_disk(SMALL_DISK, tmp_path / "disk")
    assert "the disk is full" in said["mid"] and "rollback" not in said["mid"] and "nothing was changed" in said["mid"]
    assert said["after"] == ["kept before the disk filled"]
    assert said["files"] == [store.STORE_NAME]  # no journal left behind
    assert "the disk is full" in said["first"]
    assert said["load"] == [] and "Nothing in your practice log" in said["log"]
    assert set(said["modes"].values()) <= {"0o600"}


# ----------------------------------------------------------------------------------------------------
# F3: a folder where the store belongs


def test_F3_a_folder_where_the_store_belongs_is_named_and_never_moved(learner_folder):
    """Before the fix the folder was renamed to a backup named like a file (``learner-backup-...-unreadable.sqlite``)
    and a fresh store started beside it (seen failing)."""
    learner_folder.mkdir()
    in_the_way = learner_folder / store.STORE_NAME
    in_the_way.mkdir()
    (in_the_way / "mine.txt").write_text("a file of my own")
    table = PracticeLog().table.value
    assert f"{in_the_way}" in table and "folder" in table
    lesson = LessonProgress("07_big_picture")
    assert "is a folder" in lesson._problem.value and lesson._button.description == "Mark this lesson done"
    with pytest.raises(store.StoreError, match="is a folder"):
        practice_log.add_entry("04", "reflection", "where does it go?", {})
    reflection = Reflection("?", lesson="07_big_picture")
    reflection.text = "typed"
    assert reflection.save() is None and "is a folder" in reflection.echo.value
    assert sorted(p.name for p in learner_folder.iterdir()) == [store.STORE_NAME] and in_the_way.is_dir()
    assert (in_the_way / "mine.txt").read_text() == "a file of my own"


def test_F3_delete_finishes_past_folders_and_says_they_were_left(learner_folder):
    """Before the fix a delete met a backup that was a folder (made by the old move-aside), raised
    ``IsADirectoryError`` part-way, and the widgets were not cleared (seen failing)."""
    secret = "private words 5b1e"
    practice_log.add_entry("04", "reflection", secret, {})
    old_backup = learner_folder / f"{store.BACKUP_PREFIX}20261126-100000-unreadable.sqlite"
    old_backup.mkdir()
    (old_backup / "mine.txt").write_text("a file of my own")
    (learner_folder / f"{store.BACKUP_PREFIX}20261126-100001-set-aside.json").write_text(secret)
    log = PracticeLog()
    assert secret in log.table.value
    result = delete_my_data({})
    assert secret not in log.table.value
    assert sorted(p.name for p in learner_folder.iterdir()) == sorted([store.STORE_NAME, old_backup.name])
    assert store.load()["practice"] == [] and (old_backup / "mine.txt").exists()
    assert old_backup.name in result.message() and "folder" in result.message()


def test_F3_delete_with_a_folder_in_place_of_the_store_clears_everything_else(learner_folder):
    """Before the fix the delete raised part-way (``IsADirectoryError``) with the widgets not cleared (seen
    failing)."""
    learner_folder.mkdir()
    (learner_folder / f"{store.BACKUP_PREFIX}20261126-100001-set-aside.json").write_text("old words")
    (learner_folder / store.STORE_NAME).mkdir()
    panel = MyData()
    panel.delete()
    assert sorted(p.name for p in learner_folder.iterdir()) == [store.STORE_NAME]
    assert store.STORE_NAME in panel._message.value and "folder" in panel._message.value


def test_F3_a_folder_in_place_of_the_store_is_not_a_database_of_another_shape(learner_folder):
    """Guards F3's fix: a real database of another shape is still kept as a backup and replaced (L2)."""
    learner_folder.mkdir()
    db = sqlite3.connect(learner_folder / store.STORE_NAME)
    with db:
        db.execute("CREATE TABLE other (x)")
    db.close()
    assert store.load()["practice"] == []
    assert any("wrong-shape" in p.name for p in learner_folder.iterdir())
