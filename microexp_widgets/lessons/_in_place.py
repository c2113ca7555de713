"""Rewriting the store's file in place while every other kernel waits, as it waits for any SQLite writer.

Why in place (docs/faults.md L7). Unlinking or renaming a SQLite file that other processes hold open is unsafe by
design (SQLite's "How To Corrupt An SQLite Database File", 2.4 and 2.5): a kernel that still has the old file open
finds the new file's live journal by its name next to the path, takes it for a stale journal of its own file, rolls it
back into the old file (by then a backup) and deletes it under the writer, whose COMMIT then fails although its rows
were written. So the lessons never unlink, rename or hard-link the store: "delete everything" empties it in one SQLite
transaction (``secure_delete`` and ``VACUUM``, so no deleted text stays in free pages), and a damaged file is copied
to a backup and then overwritten here, in the same file. Every open connection keeps pointing at the one store.
The other way out, checking before every transaction that the path is still the file a connection has open, leaves
a window between that check and SQLite's own look for a journal in which the harm is done.

The lock taken here is the one SQLite's EXCLUSIVE lock takes (POSIX locks on the bytes at 1 GiB, as in SQLite's
``os_unix.c``), so SQLite in other kernels waits for it. POSIX locks belong to the process and end when any of its
descriptors of the file is closed (same document, 2.2): callers hold the store's thread lock and have closed every
connection of their own first.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from . import _sqlite
from ._backups import write_backup
from ._failures import busy, unkeepable
from ._records import salvage_json

# SQLite's lock bytes (os_unix.c): PENDING, RESERVED, then the SHARED range.
_PENDING_BYTE = 0x40000000
_SHARED_FIRST = _PENDING_BYTE + 2
_SHARED_SIZE = 510


def _lock(fd: int, start: int, length: int, deadline: float, action: str, folder: Path) -> None:
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start, os.SEEK_SET)
            return
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EAGAIN):
                raise
        if time.monotonic() > deadline:
            raise busy(action, folder, _sqlite.BUSY_TIMEOUT_S)
        time.sleep(0.01)


@contextlib.contextmanager
def exclusively(path: Path, action: str) -> Iterator[int]:
    """A descriptor of the store with SQLite's exclusive lock held: no kernel reads or writes until it is closed."""
    fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    try:
        deadline = time.monotonic() + _sqlite.BUSY_TIMEOUT_S
        _lock(fd, _PENDING_BYTE, 2, deadline, action, path.parent)  # PENDING and RESERVED: no new reader or writer
        _lock(fd, _SHARED_FIRST, _SHARED_SIZE, deadline, action, path.parent)  # then wait for readers to finish
        yield fd
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    chunks, offset = [], 0
    while offset < size:
        chunk = os.pread(fd, size - offset, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def rewrite(path: Path, make: Callable[[bytes], bytes | None], action: str) -> bool:
    """Replace the store's bytes with ``make(old bytes)``, in place and under the exclusive lock.

    ``make`` returns ``None`` to leave the file as it is. Returns whether the file was rewritten.
    """
    with exclusively(path, action) as fd:
        new = make(_read_all(fd))
        if new is None:
            return False
        os.pwrite(fd, new, 0)
        os.ftruncate(fd, len(new))
        os.fsync(fd)
        # A journal left now is stale: a live one belongs to a writer, and no kernel can be writing while we hold
        # the lock. Played back into the new bytes it would damage them.
        path.with_name(path.name + "-journal").unlink(missing_ok=True)
    return True


def _still_bad(copy_path: Path) -> str | None:
    """Why a copy of the store cannot be used as it is, or ``None`` once another kernel has already rebuilt it."""
    try:
        db = _sqlite.open_readonly(copy_path, immutable=True)
        try:
            if not _sqlite.schema_ok(db):
                return "wrong-shape"
            return None if db.execute("PRAGMA quick_check").fetchone()[0] == "ok" else "unreadable"
        finally:
            db.close()
    except sqlite3.Error:
        return "unreadable"


def keep_and_rebuild(path: Path, reason: str, action: str) -> None:
    """Copy the damaged store to a backup, then write a fresh store with every readable item in its place."""

    def rebuilt(old: bytes) -> bytes | None:
        try:
            backup = write_backup(path.parent, reason, old, suffix=path.suffix or ".bak")
        except OSError as error:
            raise unkeepable(path.parent, error) from error
        if _still_bad(backup) is None:
            backup.unlink()
            return None
        if old.lstrip()[:1] in (b"{", b"["):
            salvaged, _ = salvage_json(old.decode("utf-8", errors="replace"))
        else:
            salvaged = _sqlite.salvage(backup)
        kept = len(salvaged["practice"]) + len(salvaged["progress"]) + len(salvaged["quiz"])
        notice = (
            f"Your learner file could not be read as it was, so it was kept as {backup.name} in {backup.parent} "
            f"and a fresh one was started with the {kept} item(s) that could be read."
        )
        return _sqlite.image(salvaged, origin="recovered", notice=notice, after=old)

    rewrite(path, rebuilt, action)
