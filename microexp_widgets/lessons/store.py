"""The learner's own store: progress, quiz attempts and practice log in one SQLite file in the user data folder.

For the other lesson modules (keep this surface small and stable):
- ``load()`` returns ``{"format", "progress", "quiz", "practice"}`` as before; ``update(change)`` still takes a function
  that changes that dict in place, and now runs it inside one locked transaction, so kernels never lose each other's
  writes (docs/faults.md L1). Extra keys in a practice entry (for example a sample-clip marker) are kept as they are.
- ``append_practice(entry)`` adds one log entry without reading the rest.
- Every read and write raises :class:`StoreError` (one plain sentence naming the folder and what to do) when it cannot
  be done; nothing is half-written, and a save is reported failed only when it failed.

Why SQLite in rollback-journal mode (not WAL): WAL needs shared memory between the processes, which SQLite does not
support on network filesystems, and many hubs keep home folders on NFS. The rollback journal needs only working POSIX
advisory locks (fcntl), which local disks and NFSv4 give; every kernel of one learner runs on the same machine.

The store's file is never unlinked, renamed or hard-linked while the lessons run: it is emptied or rewritten in place
(why: :mod:`._in_place`), so every kernel that has it open always has the one store open.
"""

from __future__ import annotations

import contextlib
import copy
import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import _failures, _sqlite
from ._access import LEGACY_NAME, STORE_NAME, data_dir, failure, file_kind, read, store_path, thread_lock, write
from ._backups import BACKUP_PREFIX, write_backup
from ._failures import permission
from ._records import StoreError, dump, empty, plain, valid_entry

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

#: SQLite's own side files next to the store (the journal exists only while a write is under way).
SIDE_SUFFIXES = ("-journal", "-wal", "-shm")


def now_iso() -> str:
    """The current time as stored in the learner's file (UTC, ISO 8601, seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------------------------------
# Rows that cannot be read: set aside in a backup, the rest kept


def _readable(raw: Any) -> Any:
    if isinstance(raw, _sqlite.Undecodable):
        return raw.decode("utf-8", errors="backslashreplace")  # the bytes stay recognisable, escaped
    return raw if isinstance(raw, (int, str)) or raw is None else repr(raw)


def _set_aside(db: sqlite3.Connection, bad: list[tuple[str, int, Any, Any]]) -> None:
    """Move rows that cannot be read into a backup file, so the rest keeps working (within a write transaction)."""
    rows = [{"table": t, "key": _readable(key), "raw": _readable(raw)} for t, _, key, raw in bad]
    backup = write_backup(store_path().parent, "set-aside", json.dumps(rows, ensure_ascii=False, indent=1))
    for table, rowid, _, _ in bad:
        db.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))  # noqa: S608 - fixed names
    notice = (
        f"{len(bad)} item(s) in your learner file could not be read; they were set aside in {backup.name} in "
        f"{backup.parent} and everything else was kept."
    )
    db.execute("INSERT OR REPLACE INTO meta VALUES ('notice', ?)", (notice,))


# ----------------------------------------------------------------------------------------------------
# The public surface


def _rows_set_aside(db: sqlite3.Connection) -> dict[str, Any]:
    data, _, bad = _sqlite.read_rows(db)
    if bad:
        _set_aside(db, bad)
        data, _, _ = _sqlite.read_rows(db)
    return data


def load() -> dict[str, Any]:
    """Read the learner's data; no store yet gives a fresh, empty record.

    Unreadable parts are set aside in a timestamped backup first (see :func:`notice`), so every caller can trust the
    shape: ``practice`` is a list of dicts with ``time``, ``lesson``, ``kind``, ``summary`` (str) and ``values``
    (dict); ``progress`` and ``quiz`` map keys to dicts.
    """
    data, _, bad = read(lambda db: _sqlite.read_rows(db) if db is not None else (empty(), [], []))
    if not bad:
        return data
    try:
        return write(_rows_set_aside)
    except StoreError:
        return data  # they cannot be set aside now (a read-only folder): show what can be read


def update(change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """Apply ``change(data)`` to the learner's data in place, inside one locked transaction; return the new data.

    Other kernels wait while this runs, so nothing they write is lost (docs/faults.md L1).

    Raises
    ------
    StoreError
        When it cannot be saved (nothing is changed then).
    """

    def work(db: sqlite3.Connection) -> dict[str, Any]:
        data = _rows_set_aside(db)
        ids = [rowid for (rowid,) in db.execute("SELECT id FROM practice ORDER BY id")]
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

    return write(work)


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
    row = dump(stored)
    write(lambda db: db.execute("INSERT INTO practice (entry) VALUES (?)", (row,)))
    return stored


def notice() -> str | None:
    """One sentence about a file that could not be read in full (where its backup is), or ``None``."""
    return read(lambda db: _sqlite.read_meta(db, "notice") if db is not None else None)


def identity() -> tuple[str, str] | None:
    """``(store id, origin)`` of the store on disk, or ``None`` when there is none: a new id means a new store."""
    with thread_lock:
        return _sqlite.read_identity(store_path())


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
        or p.name.startswith((BACKUP_PREFIX, "." + BACKUP_PREFIX))  # backups, and one cut off while written
        or (p.name.startswith(".learner-") and p.name.endswith(".json"))  # temp files of the JSON version
    )


def _empty_store(db: sqlite3.Connection) -> None:
    for table in ("practice", "progress", "quiz", "meta"):
        db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
    _sqlite.stamp_new(db)  # a new id: every kernel watching the store sees that it was deleted


def delete_everything(extra_names: tuple[str, ...] = ()) -> tuple[list[Path], list[Path]]:
    """Empty the store and remove every other file it wrote (plus ``extra_names`` in the data folder).

    Returns ``(what was deleted, folders left as they are)``. The store is emptied in one transaction, in place (see
    :mod:`._in_place` for why it is never removed), with its deleted text overwritten; a folder is never the lessons'
    own, so it is left and named. It finishes, or fails before it changes anything.

    Raises
    ------
    StoreError
        When this account may not change the data folder (nothing is deleted then).
    """
    path = store_path()
    folder = path.parent
    live = {STORE_NAME + s for s in ("", *SIDE_SUFFIXES)}  # SQLite's own journal is never removed by hand
    with thread_lock:
        kind = file_kind(path, "deleted")
        try:
            found = [p for p in store_files(folder) if p.name not in live]
            found += [folder / name for name in extra_names if (folder / name).exists()]
            left = [p for p in found if p.is_dir() and not p.is_symlink()] + ([path] if kind == "folder" else [])
        except OSError as error:
            raise failure("deleted", error) from error
        files = [p for p in found if p not in left]
        if (files or kind in ("file", "empty")) and not _failures.may_change(folder):
            raise permission("deleted", folder)
        removed: list[Path] = []
        if kind in ("file", "empty"):
            write(_empty_store, action="deleted", secure=True)
            with contextlib.suppress(sqlite3.Error):  # the deleted rows are zeroed already; this only shrinks the file
                db = _sqlite.connect(path)
                try:
                    db.execute("VACUUM")
                finally:
                    db.close()
            removed.append(path)
        for candidate in files:
            try:
                candidate.unlink()
                removed.append(candidate)
            except FileNotFoundError:
                pass
            except OSError:
                left.append(candidate)
    return removed, left
