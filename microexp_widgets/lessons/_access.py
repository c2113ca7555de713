"""Reading and writing the learner's store: one locked transaction at a time, and never a file made by a read.

Before each transaction the store is made usable: the JSON file of earlier versions is imported, and a damaged file
is kept as a backup and rebuilt in place (:mod:`._in_place`); a lock held too long, a folder without permission or a
full disk is said in one sentence (:mod:`._failures`) and moves nothing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import platformdirs

from . import _failures, _sqlite
from ._backups import move_aside
from ._failures import folder_in_the_way, is_damage, unkeepable
from ._in_place import keep_and_rebuild, rewrite
from ._records import StoreError, empty, salvage_json

#: Name of the one file that holds everything the lessons remember about a learner.
STORE_NAME = "learner.sqlite"
#: The JSON file of earlier versions; imported once, then kept as a backup.
LEGACY_NAME = "learner.json"
# Threads of one kernel (a widget callback and the store watcher) take turns; processes are kept apart by SQLite's lock.
thread_lock = threading.RLock()
T = TypeVar("T")


def data_dir() -> Path:
    """Return the folder for the learner's file (``MICROEXP_DATA`` if set, else the user data folder).

    Returns
    -------
    pathlib.Path
        The folder; it is not created until something is saved.
    """
    override = os.environ.get("MICROEXP_DATA")
    return Path(override) if override else Path(platformdirs.user_data_dir("microexp-widgets"))


def store_path() -> Path:
    """Return the path of the learner's store file."""
    return data_dir() / STORE_NAME


def failure(action: str, error: BaseException) -> StoreError:
    """The one sentence for ``error`` while the store was being read, saved or deleted."""
    return _failures.failure(action, error, data_dir(), _sqlite.BUSY_TIMEOUT_S)


def file_kind(path: Path, action: str) -> str:
    """``"missing"``, ``"empty"`` (a new store), ``"file"`` or ``"folder"``; a folder that cannot be entered raises."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        raise failure(action, error) from error
    if stat.S_ISDIR(info.st_mode):
        return "folder"
    return "empty" if info.st_size == 0 else "file"


# ----------------------------------------------------------------------------------------------------
# Transactions


class _Replaced(Exception):
    """The path no longer names the file this connection opened (something outside the lessons replaced it)."""


def _transaction(path: Path, work: Callable[[sqlite3.Connection], T], *, secure: bool) -> T:
    before = _file_identity(path)
    db = _sqlite.connect(path)
    try:
        if secure:
            db.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten with zeros, not only unlinked
        db.execute("BEGIN IMMEDIATE")
        if _file_identity(path) != before:
            # Only something outside the lessons replaces the file (they rewrite it in place, see _in_place); the
            # write then goes to the file now at the path, not to the one this connection opened.
            raise _Replaced
        for statement in _sqlite.SCHEMA:
            db.execute(statement)
        if _sqlite.read_meta(db, "store_id") is None:
            _sqlite.stamp_new(db)
        result = work(db)
        db.execute("COMMIT")
        return result
    except BaseException:
        if db.in_transaction:  # SQLite ends the transaction itself on a full disk: its error is the one to report
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        db.close()
        _sqlite.roll_back_hot_journal(path)  # a write that failed half-way may have left its journal behind
        raise
    finally:
        db.close()


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def write(work: Callable[[sqlite3.Connection], T], *, action: str = "saved", secure: bool = False) -> T:
    """Run ``work(db)`` in one write transaction on the store (made if needed), all of it locked; return its result."""
    path = store_path()
    with thread_lock:
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if "MICROEXP_DATA" not in os.environ and stat.S_IMODE(path.parent.stat().st_mode) != 0o700:
                os.chmod(path.parent, 0o700)  # our own folder, perhaps made more open by an earlier version
        except OSError as error:
            raise failure(action, error) from error
        for attempt in range(3):
            make_usable(path, action, found_damage=attempt > 0, keep=action != "deleted")
            try:
                _sqlite.create_private(path)
                return _transaction(path, work, secure=secure)
            except _Replaced:
                continue
            except (sqlite3.Error, OSError) as error:
                if (is_damage(error) or not path.exists()) and attempt < 2:
                    continue  # damage found by this write (repaired on the next turn), or a file removed by hand
                raise failure(action, error) from error
        raise StoreError(f"Your data could not be {action} in {data_dir()} because it kept changing; try again.")


def read(work: Callable[[sqlite3.Connection | None], T]) -> T:
    """Run ``work(db)`` in one consistent read, or ``work(None)`` when there is no store yet (never creates a file)."""
    path = store_path()
    with thread_lock:
        for attempt in range(2):
            make_usable(path, "read", found_damage=attempt > 0, keep=True)
            if file_kind(path, "read") in ("missing", "empty"):
                return work(None)
            try:
                db = _sqlite.connect(path)
            except sqlite3.Error as error:
                if not path.exists():
                    return work(None)  # removed by hand between the look and the open
                if is_damage(error) and attempt == 0:
                    continue
                raise failure("read", error) from error
            try:
                db.execute("BEGIN")
                result = work(db)
                db.execute("COMMIT")
                return result
            except sqlite3.Error as error:
                if is_damage(error) and attempt == 0:
                    continue
                raise failure("read", error) from error
            finally:
                db.close()
        raise AssertionError("unreachable: the last attempt returns or raises")


def make_usable(path: Path, action: str, *, found_damage: bool, keep: bool) -> None:
    """Import the old JSON file, or set a damaged store aside (``keep``) or empty it, so the store can be used."""
    kind = file_kind(path, action)
    if kind == "folder":
        raise folder_in_the_way(action, path)
    legacy = path.with_name(LEGACY_NAME)
    if kind == "missing" and legacy.is_file():
        _import_legacy(legacy)
        return
    if kind != "file":
        return
    try:
        problem = _sqlite.probe(path)
        if problem is None and found_damage and not _sqlite.intact(path):
            problem = "unreadable"
    except sqlite3.Error as error:
        if not path.exists():
            return
        raise failure(action, error) from error  # busy, or a file that cannot be opened: never a reason to move it
    if problem is None:
        return
    try:
        if keep:
            keep_and_rebuild(path, problem, action)
        else:
            rewrite(path, lambda old: _sqlite.image(empty(), origin="new", notice=None, after=old), action)
    except OSError as error:
        raise (unkeepable(path.parent, error) if keep else failure(action, error)) from error


def _import_legacy(legacy: Path) -> None:
    try:
        text = legacy.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    data, lost = salvage_json(text)
    backup = move_aside(legacy, "imported")
    if backup is None:
        return
    notice = None
    if lost:
        notice = (
            f"{lost} item(s) of your earlier learner file could not be read; the whole file is kept as "
            f"{backup.name} in {backup.parent} and everything else was brought over."
        )

    def fill(db: sqlite3.Connection) -> None:
        if db.execute("SELECT count(*) FROM practice").fetchone()[0]:
            return  # another kernel got there first
        _sqlite.write_all(db, data)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('origin', 'imported')")
        if notice:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('notice', ?)", (notice,))

    write(fill)
