"""The learner store's SQLite file: its tables, how it is opened, and how its rows are read back.

Reading covers a damaged or foreign file too. The store's rules (locking, recovery, the public surface) are in
:mod:`.store`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._failures import is_damage
from ._records import dump, empty, parse, valid_entry, valid_progress, valid_quiz

JOURNAL_MODE = "delete"
SCHEMA_VERSION = 2
TABLES = {
    "meta": ["key", "value"],
    "practice": ["id", "entry"],
    "progress": ["key", "record"],
    "quiz": ["key", "record"],
}
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS practice (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS progress (key TEXT PRIMARY KEY, record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS quiz (key TEXT PRIMARY KEY, record TEXT NOT NULL)",
)
#: How long a kernel waits for another kernel's lock before it says the store is busy (read at each call).
BUSY_TIMEOUT_S = 30.0
_VALID = {"practice": valid_entry, "progress": valid_progress, "quiz": valid_quiz}
# How many rowids past the last readable row a salvage looks at, one by one, for the next readable one.
_PROBE_AHEAD = 100_000
# Where SQLite keeps the file change counter and the "version valid for" number in the database header.
_CHANGE_COUNTER_AT, _VALID_FOR_AT = 24, 92


class Undecodable(bytes):
    """Text in the file that is not valid UTF-8 (a hand edit or a damaged page): read as bytes, never as text."""


def _text(raw: bytes) -> str | Undecodable:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return Undecodable(raw)


def _uri(path: Path, mode: str) -> str:
    return Path(os.path.abspath(path)).as_uri() + f"?mode={mode}"


def create_private(path: Path) -> None:
    """Create an empty store file readable by its owner only, from its first moment (an empty file is a new store)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        return
    try:
        if os.fstat(fd).st_mode & 0o777 != 0o600:  # an unusual umask took more than the group and other bits
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def connect(path: Path) -> sqlite3.Connection:
    """Open the existing store for reading and writing; never creates it (a missing file is ``SQLITE_CANTOPEN``)."""
    db = sqlite3.connect(_uri(path, "rw"), uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    db.text_factory = _text
    try:
        db.execute(f"PRAGMA journal_mode={JOURNAL_MODE}")
        db.execute("PRAGMA synchronous=FULL")
    except sqlite3.Error:
        db.close()
        raise
    return db


def open_readonly(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A read-only look; ``immutable`` for a backup copy that nothing else writes (no locks, no journal)."""
    uri = _uri(path, "ro") + ("&immutable=1" if immutable else "")
    db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    db.text_factory = _text
    return db


def tables(db: sqlite3.Connection) -> set[str]:
    names = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    names.discard("sqlite_sequence")
    return names


def schema_ok(db: sqlite3.Connection) -> bool:
    """True for the store's own tables, or for no tables at all (a new, empty file)."""
    found = tables(db)
    if not found:
        return True
    if found != set(TABLES):
        return False
    return all([row[1] for row in db.execute(f"PRAGMA table_info({t})")] == cols for t, cols in TABLES.items())


def probe(path: Path) -> str | None:
    """``None`` if the store reads as a file of the right shape, ``"unreadable"`` or ``"wrong-shape"`` if not.

    Raises
    ------
    sqlite3.Error
        Anything but damage (a lock held too long, a folder that cannot be opened): it is no reason to move a file.
    """
    try:
        db = connect(path)
    except sqlite3.Error as error:
        if is_damage(error):
            return "unreadable"
        raise
    try:
        return None if schema_ok(db) else "wrong-shape"
    except sqlite3.Error as error:
        if is_damage(error):
            return "unreadable"
        raise
    finally:
        db.close()


def intact(path: Path) -> bool:
    """SQLite's own ``quick_check`` of the store: False when it finds damage."""
    db = connect(path)
    try:
        return db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.Error as error:
        if is_damage(error):
            return False
        raise
    finally:
        db.close()


# ----------------------------------------------------------------------------------------------------
# Rows


def read_rows(db: sqlite3.Connection) -> tuple[dict[str, Any], list[int], list[tuple[str, int, Any, Any]]]:
    """Return (data, practice row ids, bad rows as (table, rowid, key, raw text)); a file without tables is empty."""
    data, ids, bad = empty(), [], []
    if not set(TABLES) <= tables(db):
        return data, ids, bad
    for rowid, text in db.execute("SELECT id, entry FROM practice ORDER BY id"):
        entry = parse(text, valid_entry)
        if entry is None:
            bad.append(("practice", rowid, rowid, text))
        else:
            data["practice"].append(entry)
            ids.append(rowid)
    for table, valid in (("progress", valid_progress), ("quiz", valid_quiz)):
        for rowid, key, text in db.execute(f"SELECT rowid, key, record FROM {table}"):  # noqa: S608 - fixed names
            record = parse(text, valid) if isinstance(key, str) else None
            if record is None:
                bad.append((table, rowid, key, text))
            else:
                data[table][key] = record
    return data, ids, bad


def read_meta(db: sqlite3.Connection, key: str) -> str | None:
    if "meta" not in tables(db):
        return None
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row and isinstance(row[0], str) else None


def write_all(db: sqlite3.Connection, data: dict[str, Any]) -> None:
    rows = [(dump(entry),) for entry in data.get("practice", [])]
    db.executemany("INSERT INTO practice (entry) VALUES (?)", rows)
    for table in ("progress", "quiz"):
        rows = [(str(k), dump(v)) for k, v in data.get(table, {}).items()]
        db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", rows)  # noqa: S608 - fixed names


def stamp_new(db: sqlite3.Connection, origin: str = "new") -> None:
    """Give the store a new id (a new id means a new store to every kernel watching it) and its origin."""
    db.execute("INSERT OR REPLACE INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex,))
    db.execute("INSERT OR REPLACE INTO meta VALUES ('origin', ?)", (origin,))
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def image(data: dict[str, Any], *, origin: str, notice: str | None, after: bytes = b"") -> bytes:
    """The bytes of a whole new store holding ``data``, to be written in place of a damaged file.

    Its change counter is set past the counter found in ``after`` (the old file's first bytes), so a kernel that
    kept pages of the old file in its cache sees that the file changed.
    """
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for statement in SCHEMA:
            db.execute(statement)
        db.execute("BEGIN")
        stamp_new(db, origin)
        write_all(db, data)
        if notice:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('notice', ?)", (notice,))
        db.execute("COMMIT")
        content = bytearray(db.serialize())
    finally:
        db.close()
    old = struct.unpack_from(">I", after, _CHANGE_COUNTER_AT)[0] if len(after) >= _CHANGE_COUNTER_AT + 4 else 0
    new = (max(old, struct.unpack_from(">I", content, _CHANGE_COUNTER_AT)[0]) + 1) & 0xFFFFFFFF
    struct.pack_into(">I", content, _CHANGE_COUNTER_AT, new)
    struct.pack_into(">I", content, _VALID_FOR_AT, new)
    return bytes(content)


# ----------------------------------------------------------------------------------------------------
# What a damaged or foreign file still gives up


def _readable_rows(db: sqlite3.Connection, table: str, columns: str) -> Iterator[tuple]:
    """Every row of ``table`` that can still be read, in rowid order, stepping past a damaged page rowid by rowid."""
    query = f"SELECT rowid, {columns} FROM {table} WHERE rowid > ? ORDER BY rowid"  # noqa: S608 - fixed names
    try:
        top = db.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
    except sqlite3.Error:
        top = None
    last = 0
    while True:
        try:
            for row in db.execute(query, (last,)):
                last = row[0]
                yield row[1:]
            return
        except sqlite3.DatabaseError:
            pass
        # A damaged page: look at the rowids after the last good one, one by one, until one reads again.
        end = min(top, last + _PROBE_AHEAD) if isinstance(top, int) else last + _PROBE_AHEAD
        for rowid in range(last + 1, end + 1):
            last = rowid
            try:
                row = db.execute(query.replace("> ?", "= ?"), (rowid,)).fetchone()
            except sqlite3.DatabaseError:
                continue
            if row is not None:
                yield row[1:]
                break
        else:
            return


def salvage(path: Path) -> dict[str, Any]:
    """Whatever rows a damaged or foreign SQLite file (a backup copy nothing writes) still gives up."""
    data = empty()
    with contextlib.suppress(sqlite3.Error):
        db = open_readonly(path, immutable=True)
        try:
            for table, valid in _VALID.items():
                keyed = table != "practice"
                columns = "key, record" if keyed else "entry"
                with contextlib.suppress(sqlite3.Error):
                    for row in _readable_rows(db, table, columns):
                        value = parse(row[-1], valid)
                        if value is None:
                            continue
                        if keyed and isinstance(row[0], str):
                            data[table][row[0]] = value
                        elif not keyed:
                            data[table].append(value)
        finally:
            db.close()
    return data


def read_identity(path: Path) -> tuple[str, str] | None:
    """``(store id, origin)`` of the store at ``path``, or ``None`` when there is none or it cannot be read."""
    try:
        db = open_readonly(path)
    except sqlite3.Error:
        return None
    try:
        rows = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('store_id', 'origin')").fetchall())
    except sqlite3.Error:
        return None
    finally:
        db.close()
    if not isinstance(rows.get("store_id"), str):
        return None
    origin = rows.get("origin")
    return rows["store_id"], origin if isinstance(origin, str) else "new"


def roll_back_hot_journal(path: Path) -> None:
    # A write that failed half-way (disk full, a killed process) can leave SQLite's journal behind. Deleting it by
    # hand could corrupt the store; opening the store makes SQLite roll the half-write back and remove the journal.
    journal = path.with_name(path.name + "-journal")
    if not journal.exists():
        return
    with contextlib.suppress(sqlite3.Error, OSError):
        db = connect(path)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
