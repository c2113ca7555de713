"""The learner's store under damage: bad rows and pages, kernels holding the file across a delete, a long lock, an
empty file (docs/faults.md L6-L9).

Each test names its row and says how it failed on the code before the fix.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from microexp_widgets.lessons import _sqlite, practice_log, progress, store
from microexp_widgets.lessons.my_data import MyData, delete_my_data, export_my_data
from microexp_widgets.lessons.practice_log import PracticeLog
from microexp_widgets.lessons.progress import LessonProgress
from microexp_widgets.lessons.reflection import Reflection

PAGE = 4096


def _backups(folder):
    return sorted(p for p in folder.iterdir() if p.name.startswith(store.BACKUP_PREFIX))


def _every_widget_shows_the_store():
    """Every reading widget is made without raising; returns the practice log's table as the learner reads it."""
    log = PracticeLog()
    LessonProgress("07_big_picture")
    MyData()
    export_my_data()
    return log.table.value


def _summaries():
    return [row["summary"] for row in practice_log.entries()]


def _integrity(path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def _raw_entry(summary: str) -> str:
    """A practice entry as another kernel writes it straight into the table."""
    return json.dumps({"time": "2026-11-27T10:00:00+00:00", "lesson": "04", "kind": "reflection", "summary": summary})


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------------------------------
# L6: a store that opens but cannot be read in full


def test_L6_a_row_that_is_not_utf8_is_set_aside_and_every_widget_works(learner_folder):
    """Before the fix every widget and every ``load()`` raised ``sqlite3.OperationalError`` (could not decode to
    UTF-8) from then on, and no backup was made (seen failing)."""
    for i in range(3):
        practice_log.add_entry("04", "reflection", f"entry {i}", {})
    progress.mark_done("00_start_here")
    path = learner_folder / store.STORE_NAME
    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT INTO practice (entry) VALUES (cast(x'7b22ff22' as text))")
        db.execute("INSERT INTO quiz VALUES (cast(x'71ff' as text), '{\"attempts\": 1, \"correct\": true}')")
    db.close()

    table = _every_widget_shows_the_store()

    assert _summaries() == ["entry 0", "entry 1", "entry 2"]
    assert set(progress.completed()) == {"00_start_here"}
    (aside,) = _backups(learner_folder)
    assert "\\xff" in aside.read_text(encoding="utf-8")  # the unreadable bytes are kept, escaped
    assert aside.name in store.notice() and aside.name in table and "2 item(s)" in store.notice()
    practice_log.add_entry("04", "reflection", "after", {})
    assert _summaries()[-1] == "after" and _integrity(path) == "ok"


def _store_with_many_rows(n: int = 400) -> None:
    for i in range(n):
        practice_log.add_entry("04", "reflection", f"entry {i:03d} " + "words " * 25, {"i": i})
    progress.mark_done("00_start_here")
    progress.mark_done("03_make_or_break")


def test_L6_a_damaged_page_is_kept_as_a_backup_and_every_readable_row_is_carried_over(learner_folder):
    """Before the fix 600 overwritten bytes in one page made ``PracticeLog()``, ``LessonProgress()`` and ``load()``
    raise ``sqlite3.DatabaseError`` (database disk image is malformed) for good, no backup was made and new saves
    went into the broken file (seen failing)."""
    _store_with_many_rows(400)
    path = learner_folder / store.STORE_NAME
    pages = path.stat().st_size // PAGE
    with open(path, "r+b") as handle:
        handle.seek((pages // 2) * PAGE)
        handle.write(b"\xa5" * 600)
    damaged = path.read_bytes()

    table = _every_widget_shows_the_store()

    (backup,) = _backups(learner_folder)
    assert backup.read_bytes() == damaged and stat.S_IMODE(backup.stat().st_mode) == 0o600
    kept = _summaries()
    originals = {f"entry {i:03d} " + "words " * 25 for i in range(400)}
    assert set(kept) <= originals and 400 - 40 <= len(kept) < 400, len(kept)  # one page holds about 20 entries
    assert kept == sorted(kept)  # in their order
    assert set(progress.completed()) == {"00_start_here", "03_make_or_break"}
    sentence = store.notice()
    assert backup.name in sentence and str(learner_folder) in sentence and f"{len(kept) + 2} item(s)" in sentence
    assert backup.name in table
    practice_log.add_entry("04", "reflection", "after", {})
    assert _summaries()[-1] == "after" and _integrity(path) == "ok"
    assert len(_backups(learner_folder)) == 1 and backup.read_bytes() == damaged
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_L6_a_damaged_page_found_while_saving_is_recovered_and_the_save_kept(learner_folder):
    """Before the fix the save raised ``StoreError`` ("database disk image is malformed") and the broken file stayed
    in place (seen failing)."""
    _store_with_many_rows(200)
    path = learner_folder / store.STORE_NAME
    with open(path, "r+b") as handle:
        handle.seek(((path.stat().st_size // PAGE) - 1) * PAGE)  # the last page: where the next entry goes
        handle.write(b"\x5a" * 600)
    practice_log.add_entry("04", "reflection", "saved into the rebuilt store", {})
    assert _summaries()[-1] == "saved into the rebuilt store" and len(_backups(learner_folder)) == 1
    assert _integrity(path) == "ok"


# ----------------------------------------------------------------------------------------------------
# L7: a kernel that still has the store open across a delete or a move-aside


def _spilling_writer(path, rows: int):
    """Another kernel half-way through a long write: its journal already synced, some pages already in the file."""
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA cache_size=1")  # a write larger than the page cache spills, as a large save does
    writer.execute("BEGIN IMMEDIATE")
    writer.executemany("INSERT INTO practice (entry) VALUES (?)", [(_raw_entry("mid " + "x" * 400),)] * rows)
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.read_bytes()[:1] != b"\0", "the writer's journal is not live yet"
    return writer


def test_L7_a_kernel_holding_the_store_across_a_delete_cannot_harm_the_next_save(learner_folder):
    """A kernel opened the store just after another created it (an empty file), then "delete everything" ran. Before
    the fix the delete unlinked the file, so that kernel's next look took the new store's live journal for a stale
    one of its own empty file and deleted it; the writer's COMMIT then failed with "disk I/O error" although its rows
    were in the file (seen failing)."""
    learner_folder.mkdir()
    path = learner_folder / store.STORE_NAME
    path.write_bytes(b"")
    held = sqlite3.connect(path, isolation_level=None)
    held.execute("SELECT count(*) FROM sqlite_master").fetchone()
    delete_my_data({})
    practice_log.add_entry("04", "reflection", "first after the delete", {})
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO practice (entry) VALUES (?)", (_raw_entry("mid"),))
    held.execute("SELECT count(*) FROM sqlite_master").fetchone()
    writer.execute("COMMIT")
    writer.close()
    held.close()
    assert _summaries() == ["first after the delete", "mid"] and _integrity(path) == "ok"


def test_L7_a_backup_never_changes_once_written_even_if_a_kernel_held_the_old_file(learner_folder):
    """Before the fix a store of another shape became its backup by a hard link, so a kernel that still had it open
    rolled the new store's live journal back into the backup (its SHA-256 changed) and deleted that journal, so
    the writer's COMMIT failed with "disk I/O error" (seen failing)."""
    learner_folder.mkdir()
    path = learner_folder / store.STORE_NAME
    foreign = sqlite3.connect(path)
    with foreign:
        foreign.execute("CREATE TABLE notes (what TEXT)")
        foreign.executemany("INSERT INTO notes VALUES (?)", [("a note of another program " * 20,)] * 50)
    foreign.close()
    held = sqlite3.connect(path, isolation_level=None, timeout=0.2)  # a kernel that opened it before it was set aside
    held.execute("SELECT count(*) FROM sqlite_master").fetchone()
    store.load()
    (backup,) = _backups(learner_folder)
    before = _sha256(backup)
    for i in range(60):
        practice_log.add_entry("04", "reflection", f"entry {i} " + "words " * 40, {})
    writer = _spilling_writer(path, rows=60)
    with pytest.raises(sqlite3.OperationalError, match="locked"):  # it waits for the writer: it has the store open
        held.execute("SELECT count(*) FROM sqlite_master").fetchone()
    writer.execute("COMMIT")
    writer.close()
    held.close()
    assert _sha256(backup) == before and _integrity(backup) == "ok"
    assert len(_summaries()) == 120 and _integrity(path) == "ok"


def test_L7_delete_empties_the_store_in_place_and_leaves_no_learner_text(learner_folder):
    """Before the fix the store was unlinked, so a kernel holding it kept writing into a file nobody reads; now the
    file stays the same file, emptied in one transaction, and none of the deleted text is left in it (seen failing:
    the inode changed)."""
    secret = "a very private reflection 91c2"
    for _ in range(30):
        practice_log.add_entry("04", "reflection", secret, {})
    path = learner_folder / store.STORE_NAME
    inode = path.stat().st_ino
    before = store.identity()
    delete_my_data({})
    assert path.stat().st_ino == inode and secret.encode() not in path.read_bytes()
    assert store.load()["practice"] == [] and store.identity()[0] != before[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# ----------------------------------------------------------------------------------------------------
# L8: busy is never damaged


def test_L8_a_store_locked_longer_than_the_wait_is_busy_not_damaged(learner_folder, monkeypatch):
    """Before the fix a lock held past the wait made the store "unreadable": it was moved aside and a fresh empty
    one started with a false notice (seen failing)."""
    monkeypatch.setattr(_sqlite, "BUSY_TIMEOUT_S", 0.3)
    practice_log.add_entry("04", "reflection", "kept", {})
    path = learner_folder / store.STORE_NAME
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # another kernel in a very long write
    try:
        table = PracticeLog().table.value
        assert "another lesson" in table and str(learner_folder) in table
        with pytest.raises(store.StoreError, match="another lesson") as refused:
            practice_log.add_entry("04", "reflection", "while locked", {})
        assert "try again" in str(refused.value)
        reflection = Reflection("?", lesson="04")
        reflection.text = "typed while locked"
        assert reflection.save() is None and "another lesson" in reflection.echo.value
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _backups(learner_folder) == [] and store.notice() is None
    assert _summaries() == ["kept"]


def test_L8_a_read_that_waits_for_a_writer_gets_the_writers_rows(learner_folder):
    """A long write makes a reader wait, never start over (guards L8's fix against a timeout that is too short)."""
    practice_log.add_entry("04", "reflection", "first", {})
    code = textwrap.dedent(
        """
        import sqlite3, sys, time
        db = sqlite3.connect(sys.argv[1], isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        db.execute("INSERT INTO practice (entry) VALUES (?)", (sys.argv[2],))
        print("locked", flush=True)
        time.sleep(1.5)
        db.execute("COMMIT")
        """
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(learner_folder / store.STORE_NAME), _raw_entry("second")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "locked"
    started = time.monotonic()
    assert _summaries() == ["first", "second"] and time.monotonic() - started > 1.0
    assert writer.wait(timeout=30) == 0 and _backups(learner_folder) == []


# ----------------------------------------------------------------------------------------------------
# L9: an empty file is a new store; a read never creates one; the file is private from its first moment


def test_L9_an_empty_file_is_a_new_store(learner_folder):
    """Before the fix a 0-byte store made every reading widget raise ``sqlite3.OperationalError`` (no such table:
    meta) (seen failing)."""
    learner_folder.mkdir()
    path = learner_folder / store.STORE_NAME
    path.write_bytes(b"")
    _every_widget_shows_the_store()
    assert store.load()["practice"] == [] and store.notice() is None and store.identity() is None
    assert path.read_bytes() == b"", "reading changed the file"
    practice_log.add_entry("04", "reflection", "first", {})
    assert _summaries() == ["first"] and _backups(learner_folder) == []


def test_L9_a_read_that_loses_the_store_to_a_delete_creates_no_file(learner_folder, monkeypatch):
    """Before the fix a read that found the store and then lost it (a delete by hand, or another program) made an
    empty, world-readable file in its place and raised "no such table" (seen failing)."""
    practice_log.add_entry("04", "reflection", "gone soon", {})
    path = learner_folder / store.STORE_NAME
    real_connect = sqlite3.connect

    def connect_after_a_delete(*args, **kwargs):
        path.unlink(missing_ok=True)  # the worst moment: after the read looked, before it opened
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect_after_a_delete)
    assert store.load()["practice"] == []
    assert PracticeLog().table.value
    monkeypatch.undo()
    assert not path.exists()


def test_L9_the_store_is_private_from_the_moment_it_exists(learner_folder, monkeypatch):
    """Before the fix SQLite made the file with the umask's mode (0644) and it was closed to others only afterwards
    (seen failing: the first open saw 0644)."""
    old_umask = os.umask(0o022)
    path = learner_folder / store.STORE_NAME
    real_connect = sqlite3.connect
    modes = []

    def connect_and_look(*args, **kwargs):
        db = real_connect(*args, **kwargs)
        if path.exists():
            modes.append(stat.S_IMODE(path.stat().st_mode))
        return db

    monkeypatch.setattr(sqlite3, "connect", connect_and_look)
    try:
        practice_log.add_entry("04", "reflection", "first", {})
    finally:
        os.umask(old_umask)
    assert modes and set(modes) == {0o600}, modes
