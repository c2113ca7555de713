"""The learner store's SQLite file: its tables, how it is opened, and how its rows are read back.

Reading covers a damaged or foreign file too. The store's rules (locking, recovery, the public surface) are in
:mod:`.store`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from ._records import empty, parse, valid_entry, valid_progress, valid_quiz

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
BUSY_TIMEOUT_S = 30.0


def read_rows(db: sqlite3.Connection) -> tuple[dict[str, Any], list[int], list[tuple[str, Any, Any]]]:
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


def identity_of(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def open_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        db.execute(f"PRAGMA journal_mode={JOURNAL_MODE}")
        db.execute("PRAGMA synchronous=FULL")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def schema_ok(db: sqlite3.Connection) -> bool:
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    tables.discard("sqlite_sequence")
    if not tables:
        return True  # a new, empty file
    if tables != set(TABLES):
        return False
    return all([row[1] for row in db.execute(f"PRAGMA table_info({t})")] == cols for t, cols in TABLES.items())


def roll_back_hot_journal(path: Path) -> None:
    # A write that failed half-way (disk full, a killed process) can leave SQLite's journal behind. Deleting it by
    # hand could corrupt the store; opening the store makes SQLite roll the half-write back and remove the journal.
    journal = path.with_name(path.name + "-journal")
    if not journal.exists():
        return
    with contextlib.suppress(sqlite3.Error, OSError):
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()


def probe(path: Path) -> str | None:
    """``None`` if the store is a readable file of the right shape, else a one-word reason."""
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return "unreadable"
    try:
        return None if schema_ok(db) else "wrong-shape"
    except sqlite3.DatabaseError:
        return "unreadable"
    finally:
        db.close()


def salvage(path: Path) -> dict[str, Any]:
    """Whatever rows a damaged or foreign SQLite file still gives up under our table names."""
    data = empty()
    with contextlib.suppress(sqlite3.Error):
        db = open_readonly(path)
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


def read_identity(path: Path) -> tuple[str, str] | None:
    """``(store id, origin)`` of the store at ``path``, or ``None`` when there is none or it cannot be read."""
    if not path.exists():
        return None
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
    if "store_id" not in rows:
        return None
    return rows["store_id"], rows.get("origin", "new")
