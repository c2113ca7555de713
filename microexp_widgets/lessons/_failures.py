"""What went wrong with the learner's store, told in one plain sentence that names the folder and what to do.

SQLite's own answers decide what a failure is: only its corruption answers (``SQLITE_CORRUPT``, ``SQLITE_NOTADB``)
mean a damaged file (docs/faults.md L6); a lock held too long is "busy", never damage (L8); permissions, a full
disk and a folder in the store's place each get their own sentence (F1-F3).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..errors import os_reason
from ._records import StoreError

# SQLite's primary result codes (https://www.sqlite.org/rescode.html); an extended code keeps them in its low byte.
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

_PERMISSION_ERRNOS = (errno.EACCES, errno.EPERM)
_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


def sqlite_code(error: BaseException) -> int | None:
    """SQLite's primary result code of ``error``, or ``None`` for an error that did not come from SQLite."""
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damage(error: BaseException) -> bool:
    """True when SQLite itself says the file is damaged or not a database (the only answers that move a file)."""
    return sqlite_code(error) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def is_busy(error: BaseException) -> bool:
    """True when another kernel held the store's lock for longer than this one waits."""
    return sqlite_code(error) in (SQLITE_BUSY, SQLITE_LOCKED)


def may_change(folder: Path) -> bool:
    """Whether this account may create and remove files in ``folder``."""
    try:
        return os.access(folder, os.W_OK | os.X_OK)
    except (OSError, ValueError):
        return False


def _so(action: str) -> str:
    """What did not happen, after a comma: nothing for a read, which changes nothing anyway."""
    if action == "read":
        return ""
    return ", so nothing was deleted" if action == "deleted" else ", so nothing was changed"


def permission(action: str, folder: Path) -> StoreError:
    """This account may not open or change the data folder."""
    return StoreError(
        f"Your data could not be {action} in {folder} because this account has no permission to use that folder"
        f"{_so(action)}; give yourself access to it (chmod u+rwx {folder}) or set MICROEXP_DATA to a folder of your "
        "own, then try again."
    )


def busy(action: str, folder: Path, waited_s: float) -> StoreError:
    """Another kernel kept the store locked for longer than this one waits."""
    return StoreError(
        f"Your data could not be {action} in {folder} because another lesson kept it locked for over {waited_s:g} s"
        f"{_so(action)}; try again in a moment."
    )


def disk_full(action: str, folder: Path) -> StoreError:
    return StoreError(
        f"Your data could not be {action} in {folder} because the disk is full{_so(action)}; free some space and try "
        "again."
    )


def folder_in_the_way(action: str, path: Path) -> StoreError:
    """A folder sits where the store's file belongs: it is not the lessons' to move."""
    return StoreError(
        f"Your data could not be {action} because {path} is a folder, where the lessons keep their file"
        f"{_so(action)}; move or rename that folder, then try again."
    )


def unkeepable(folder: Path, error: BaseException) -> StoreError:
    """The store is damaged and no backup of it could be written, so it is left exactly as it is."""
    if isinstance(error, OSError) and error.errno in _PERMISSION_ERRNOS:
        why = "this account has no permission to write in that folder"
        fix = f"give yourself access to it (chmod u+rwx {folder}) or set MICROEXP_DATA to a folder of your own"
    elif isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
        why, fix = "the disk is full", "free some space"
    else:
        why, fix = _reason(error), "check that folder"
    return StoreError(
        f"Your learner file in {folder} could not be read, and it could not be kept as a backup because {why}, so "
        f"it was left as it is; {fix}, then try again."
    )


def failure(action: str, error: BaseException, folder: Path, waited_s: float) -> StoreError:
    """The one sentence for a store that could not be read, saved or deleted because of ``error``."""
    if isinstance(error, StoreError):
        return error
    code = sqlite_code(error)
    if isinstance(error, OSError):
        if error.errno in _PERMISSION_ERRNOS:
            return permission(action, folder)
        if error.errno in _FULL_ERRNOS:
            return disk_full(action, folder)
    elif code in (SQLITE_BUSY, SQLITE_LOCKED):
        return busy(action, folder, waited_s)
    elif code == SQLITE_FULL:
        return disk_full(action, folder)
    elif code in (SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR) and not may_change(folder):
        return permission(action, folder)  # SQLite could not make its journal in a folder this account cannot write
    return StoreError(f"Your data could not be {action} in {folder} ({_reason(error)}){_so(action)}.")


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return os_reason(error)
    return str(error) or type(error).__name__
