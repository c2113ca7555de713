"""The learner's own store: progress, quiz attempts and practice log in one SQLite file in the user data folder.

For the other lesson modules (keep this surface small and stable):
- ``load()`` returns ``{"format", "progress", "quiz", "practice"}`` as before; ``update(change)`` still takes a function
  that changes that dict in place, and now runs it inside one locked transaction, so kernels never lose each other's
  writes (docs/faults.md L1). Extra keys in a practice entry (for example a sample-clip marker) are kept as they are.
- ``append_practice(entry)`` adds one log entry without reading the rest.
- Every write raises :class:`StoreError` (one plain sentence) when it cannot be saved; nothing is half-written.

Why SQLite in rollback-journal mode (not WAL): WAL needs shared memory between the processes, which SQLite does not
support on network filesystems, and many hubs keep home folders on NFS. The rollback journal needs only working POSIX
advisory locks (fcntl), which local disks and NFSv4 give; every kernel of one learner runs on the same machine.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import sqlite3
import stat
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import platformdirs

from ._backups import BACKUP_PREFIX, move_aside, write_backup
from ._records import StoreError, dump, empty, plain, salvage_json, valid_entry
from ._sqlite import (
    BUSY_TIMEOUT_S,
    SCHEMA,
    SCHEMA_VERSION,
    connect,
    identity_of,
    probe,
    read_identity,
    read_rows,
    roll_back_hot_journal,
    salvage,
)

__all__ = [
    "STORE_NAME",
    "LEGACY_NAME",
    "BACKUP_PREFIX",
    "StoreError",
    "data_dir",
    "store_path",
    "now_iso",
    "plain",
    "load",
    "update",
    "save",
    "append_practice",
    "notice",
    "identity",
    "store_files",
    "delete_everything",
]

#: Name of the one file that holds everything the lessons remember about a learner.
STORE_NAME = "learner.sqlite"
#: The JSON file of earlier versions; imported once, then kept as a backup.
LEGACY_NAME = "learner.json"
#: SQLite's own side files next to the store (the journal exists only while a write is under way).
SIDE_SUFFIXES = ("-journal", "-wal", "-shm")
# Threads of one kernel (a widget callback and the store watcher) take turns; processes are kept apart by SQLite's lock.
_thread_lock = threading.RLock()


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


def now_iso() -> str:
    """The current time as stored in the learner's file (UTC, ISO 8601, seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# Connections and transactions


def _fail(action: str, error: Exception) -> StoreError:
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return StoreError(f"Your data could not be {action} in {data_dir()} ({reason}); nothing was changed.")


@contextlib.contextmanager
def _writing() -> Iterator[sqlite3.Connection]:
    """One write transaction on the store, created if needed, with the whole store locked against other kernels."""
    path = store_path()
    with _thread_lock:
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if "MICROEXP_DATA" not in os.environ and stat.S_IMODE(path.parent.stat().st_mode) != 0o700:
                os.chmod(path.parent, 0o700)  # our own folder, perhaps made more open by an earlier version
        except OSError as error:
            raise _fail("saved", error) from error
        _recover_if_unreadable(path)
        for _attempt in range(20):
            before = identity_of(path)
            try:
                db = connect(path)
            except sqlite3.Error as error:
                raise _fail("saved", error) from error
            try:
                if before is None:
                    os.chmod(path, 0o600)  # created just now by connect: private before anything is written
                db.execute("BEGIN IMMEDIATE")
                if identity_of(path) != before and before is not None:
                    # "Delete everything" removed this file while we waited for the lock: start over on the new one.
                    db.execute("ROLLBACK")
                    continue
                for statement in SCHEMA:
                    db.execute(statement)
                if db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone() is None:
                    db.execute("INSERT INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex,))
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                try:
                    yield db
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
                return
            except StoreError:
                raise
            except (sqlite3.Error, OSError) as error:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise _fail("saved", error) from error
            finally:
                db.close()
                roll_back_hot_journal(path)
        raise StoreError(f"Your data could not be saved in {data_dir()} because it kept changing; try again.")


@contextlib.contextmanager
def _reading() -> Iterator[sqlite3.Connection | None]:
    """A consistent read of the store, or ``None`` when there is none yet (a read never creates a file)."""
    path = store_path()
    with _thread_lock:
        _recover_if_unreadable(path)
        if not path.exists():
            yield None
            return
        try:
            db = connect(path)
        except sqlite3.Error as error:
            raise _fail("read", error) from error
        try:
            db.execute("BEGIN")
            yield db
            db.execute("COMMIT")
        finally:
            db.close()


# ----------------------------------------------------------------------------------------------------
# A bad or old file: keep it, take what can be read, say so once


def _recover_if_unreadable(path: Path) -> None:
    legacy = path.with_name(LEGACY_NAME)
    if not path.exists() and legacy.exists():
        _import_legacy(path, legacy)
        return
    if not path.exists():
        return
    problem = probe(path)
    if problem is None:
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    salvaged, _ = salvage_json(text) if text.lstrip().startswith(("{", "[")) else (salvage(path), 0)
    backup = move_aside(path, problem)
    if backup is None:
        return  # another kernel is already dealing with it
    kept = len(salvaged["practice"]) + len(salvaged["progress"]) + len(salvaged["quiz"])
    _fill(
        path,
        salvaged,
        origin="recovered",
        notice=(
            f"Your learner file could not be read as it was, so it was kept as {backup.name} in {backup.parent} "
            f"and a fresh one was started with the {kept} item(s) that could be read."
        ),
    )


def _import_legacy(path: Path, legacy: Path) -> None:
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
    _fill(path, data, origin="imported", notice=notice)


def _fill(path: Path, data: dict[str, Any], *, origin: str, notice: str | None) -> None:
    with _writing() as db:
        if db.execute("SELECT count(*) FROM practice").fetchone()[0]:
            return  # another kernel got there first
        _write_all(db, data)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('origin', ?)", (origin,))
        if notice:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('notice', ?)", (notice,))


def _set_aside(db: sqlite3.Connection, bad: list[tuple[str, Any, Any]]) -> None:
    """Move rows that cannot be read into a backup file, so the rest keeps working (within a write transaction)."""
    rows = [{"table": t, "key": k if isinstance(k, (int, str)) else repr(k), "raw": str(raw)} for t, k, raw in bad]
    backup = write_backup(store_path().parent, "set-aside", json.dumps(rows, ensure_ascii=False, indent=1))
    for table, key, _ in bad:
        column = "id" if table == "practice" else "key"
        db.execute(f"DELETE FROM {table} WHERE {column} IS ?", (key,))  # noqa: S608 - fixed names
    notice = (
        f"{len(bad)} item(s) in your learner file could not be read; they were set aside in {backup.name} in "
        f"{backup.parent} and everything else was kept."
    )
    db.execute("INSERT OR REPLACE INTO meta VALUES ('notice', ?)", (notice,))


# ----------------------------------------------------------------------------------------------------
# The public surface


def _write_all(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    rows = [(dump(entry),) for entry in data.get("practice", [])]
    db.executemany("INSERT INTO practice (entry) VALUES (?)", rows)
    for table in ("progress", "quiz"):
        rows = [(str(k), dump(v)) for k, v in data.get(table, {}).items()]
        db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", rows)  # noqa: S608 - fixed names


def load() -> dict[str, Any]:
    """Read the learner's data; no store yet gives a fresh, empty record.

    Unreadable parts are set aside in a timestamped backup first (see :func:`notice`), so every caller can trust the
    shape: ``practice`` is a list of dicts with ``time``, ``lesson``, ``kind``, ``summary`` (str) and ``values``
    (dict); ``progress`` and ``quiz`` map keys to dicts.
    """
    with _reading() as db:
        if db is None:
            return empty()
        data, _, bad = read_rows(db)
    if not bad:
        return data
    with _writing() as db:
        _, _, bad = read_rows(db)
        if bad:
            _set_aside(db, bad)
        data, _, _ = read_rows(db)
    return data


def update(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """Apply ``change(data)`` to the learner's data in place, inside one locked transaction; return the new data.

    Other kernels wait while this runs, so nothing they write is lost (docs/faults.md L1).

    Raises
    ------
    StoreError
        When it cannot be saved (nothing is changed then).
    """
    with _writing() as db:
        data, ids, bad = read_rows(db)
        if bad:
            _set_aside(db, bad)
        before = copy.deepcopy(data)
        change(data)
        old, new = before["practice"], data["practice"]
        if new[: len(old)] == old:
            db.executemany("INSERT INTO practice (entry) VALUES (?)", [(dump(e),) for e in new[len(old) :]])
        else:
            db.executemany("DELETE FROM practice WHERE id = ?", [(i,) for i in ids])
            db.executemany("INSERT INTO practice (entry) VALUES (?)", [(dump(e),) for e in new])
        for table in ("progress", "quiz"):
            gone = [(k,) for k in before[table] if k not in data[table]]
            db.executemany(f"DELETE FROM {table} WHERE key = ?", gone)  # noqa: S608 - fixed names
            changed = [(str(k), dump(v)) for k, v in data[table].items() if before[table].get(k) != v]
            db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", changed)  # noqa: S608
    return data


def save(data: dict[str, Any]) -> Path:
    """Replace everything in the store with ``data`` (prefer :func:`update`, which keeps other kernels' writes)."""

    def replace(current: dict[str, Any]) -> None:
        current.clear()
        current.update(copy.deepcopy(data))
        for key, value in empty().items():
            current.setdefault(key, value)

    update(replace)
    return store_path()


def append_practice(entry: dict[str, Any]) -> dict[str, Any]:
    """Add one entry to the practice log (one locked insert) and return it as stored."""
    stored = plain(entry)
    if not valid_entry(stored):
        raise StoreError("A practice entry needs a time, lesson, kind and summary as text, so nothing was saved.")
    with _writing() as db:
        db.execute("INSERT INTO practice (entry) VALUES (?)", (dump(stored),))
    return stored


def notice() -> str | None:
    """One sentence about a file that could not be read in full (where its backup is), or ``None``."""
    with _reading() as db:
        if db is None:
            return None
        row = db.execute("SELECT value FROM meta WHERE key='notice'").fetchone()
    return row[0] if row else None


def identity() -> tuple[str, str] | None:
    """``(store id, origin)`` of the store on disk, or ``None`` when there is none: a new id means a new store."""
    with _thread_lock:
        return read_identity(store_path())


def store_files(folder: Path | None = None) -> list[Path]:
    """Every file in the data folder that the store may have written: the store, its journal, backups, old files."""
    folder = data_dir() if folder is None else folder
    if not folder.is_dir():
        return []
    names = {STORE_NAME, LEGACY_NAME, LEGACY_NAME + ".unreadable"} | {STORE_NAME + s for s in SIDE_SUFFIXES}
    return sorted(
        p
        for p in folder.iterdir()
        if p.name in names
        or p.name.startswith(BACKUP_PREFIX)
        or (p.name.startswith(".learner-") and p.name.endswith(".json"))  # temp files of the JSON version
    )


def delete_everything(extra_names: tuple[str, ...] = ()) -> list[Path]:
    """Remove the store and every file it wrote (plus ``extra_names`` in the data folder); return what was removed.

    The store is locked while it is removed, so a kernel that was about to write starts over on a new, empty store
    instead of writing into the deleted one.
    """
    path = store_path()
    removed: list[Path] = []
    with _thread_lock:
        if path.exists():
            with contextlib.suppress(sqlite3.Error):
                db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
                try:
                    db.execute("BEGIN EXCLUSIVE")
                    path.unlink()
                    removed.append(path)
                finally:
                    db.close()
        folder = path.parent
        for candidate in [*store_files(folder), *(folder / name for name in extra_names)]:
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed
