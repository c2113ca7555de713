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
from ._records import StoreError, dump, empty, parse, plain, salvage_json, valid_entry, valid_progress, valid_quiz

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
JOURNAL_MODE = "delete"
_SCHEMA_VERSION = 2
_TABLES = {
    "meta": ["key", "value"],
    "practice": ["id", "entry"],
    "progress": ["key", "record"],
    "quiz": ["key", "record"],
}
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS practice (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS progress (key TEXT PRIMARY KEY, record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS quiz (key TEXT PRIMARY KEY, record TEXT NOT NULL)",
)
_BUSY_TIMEOUT_S = 30.0
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


def _read_rows(db: sqlite3.Connection) -> tuple[dict[str, Any], list[int], list[tuple[str, Any, Any]]]:
    """Return (data, practice row ids, bad rows as (table, key, raw text))."""
    data, ids, bad = empty(), [], []
    for rowid, text in db.execute("SELECT id, entry FROM practice ORDER BY id"):
        entry = parse(text, valid_entry)
        if entry is None:
            bad.append(("practice", rowid, text))
        else:
            data["practice"].append(entry)
            ids.append(rowid)
    for table, valid in (("progress", valid_progress), ("quiz", valid_quiz)):
        for key, text in db.execute(f"SELECT key, record FROM {table}"):  # noqa: S608 - fixed table names
            record = parse(text, valid) if isinstance(key, str) else None
            if record is None:
                bad.append((table, key, text))
            else:
                data[table][key] = record
    return data, ids, bad


# Connections and transactions


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def _readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=_BUSY_TIMEOUT_S)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    try:
        db.execute(f"PRAGMA journal_mode={JOURNAL_MODE}")
        db.execute("PRAGMA synchronous=FULL")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _schema_ok(db: sqlite3.Connection) -> bool:
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    tables.discard("sqlite_sequence")
    if not tables:
        return True  # a new, empty file
    if tables != set(_TABLES):
        return False
    return all([row[1] for row in db.execute(f"PRAGMA table_info({t})")] == cols for t, cols in _TABLES.items())


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
            before = _identity(path)
            try:
                db = _connect(path)
            except sqlite3.Error as error:
                raise _fail("saved", error) from error
            try:
                if before is None:
                    os.chmod(path, 0o600)  # created just now by connect: private before anything is written
                db.execute("BEGIN IMMEDIATE")
                if _identity(path) != before and before is not None:
                    # "Delete everything" removed this file while we waited for the lock: start over on the new one.
                    db.execute("ROLLBACK")
                    continue
                for statement in _SCHEMA:
                    db.execute(statement)
                if db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone() is None:
                    db.execute("INSERT INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex,))
                    db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
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
                _roll_back_hot_journal(path)
        raise StoreError(f"Your data could not be saved in {data_dir()} because it kept changing; try again.")


def _roll_back_hot_journal(path: Path) -> None:
    # A write that failed half-way (disk full, a killed process) can leave SQLite's journal behind. Deleting it by
    # hand could corrupt the store; opening the store makes SQLite roll the half-write back and remove the journal.
    journal = path.with_name(path.name + "-journal")
    if not journal.exists():
        return
    with contextlib.suppress(sqlite3.Error, OSError):
        db = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()


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
            db = _connect(path)
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
    problem = _probe(path)
    if problem is None:
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    salvaged, _ = salvage_json(text) if text.lstrip().startswith(("{", "[")) else (_salvage_sqlite(path), 0)
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


def _probe(path: Path) -> str | None:
    """``None`` if the store is a readable file of the right shape, else a one-word reason."""
    try:
        db = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return "unreadable"
    try:
        return None if _schema_ok(db) else "wrong-shape"
    except sqlite3.DatabaseError:
        return "unreadable"
    finally:
        db.close()


def _salvage_sqlite(path: Path) -> dict[str, Any]:
    """Whatever rows a damaged or foreign SQLite file still gives up under our table names."""
    data = empty()
    with contextlib.suppress(sqlite3.Error):
        db = _readonly(path)
        try:
            for table in ("practice", "progress", "quiz"):
                with contextlib.suppress(sqlite3.Error):
                    column = "entry" if table == "practice" else "record"
                    keyed = table != "practice"
                    query = f"SELECT {'key, ' if keyed else ''}{column} FROM {table}"  # noqa: S608 - fixed names
                    for row in db.execute(query):
                        valid = {"practice": valid_entry, "progress": valid_progress, "quiz": valid_quiz}[table]
                        value = parse(row[-1], valid)
                        if value is None:
                            continue
                        if keyed:
                            data[table][str(row[0])] = value
                        else:
                            data[table].append(value)
        finally:
            db.close()
    return data


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
        data, _, bad = _read_rows(db)
    if not bad:
        return data
    with _writing() as db:
        _, _, bad = _read_rows(db)
        if bad:
            _set_aside(db, bad)
        data, _, _ = _read_rows(db)
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
        data, ids, bad = _read_rows(db)
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
    path = store_path()
    with _thread_lock:
        if not path.exists():
            return None
        try:
            db = _readonly(path)
        except sqlite3.Error:
            return None
        try:
            rows = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('store_id', 'origin')").fetchall())
        except sqlite3.Error:
            return None
        finally:
            db.close()
    if "store_id" not in rows:
        return None
    return rows["store_id"], rows.get("origin", "new")


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
                db = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
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
