"""Backups of the learner's files: timestamped, private, and never written over an earlier one.

A backup of the store is a copy, written once by this module: it is never the store's own file under a new name or a
second link to it, because a kernel that still has the store open would go on writing into it (docs/faults.md L7).
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from ._records import StoreError

#: Backups of unreadable files and set-aside entries start with this.
BACKUP_PREFIX = "learner-backup-"


def backup_name(reason: str, suffix: str) -> str:
    """``learner-backup-YYYYmmdd-HHMMSS-<reason><suffix>`` in local time, as a learner would look for it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{BACKUP_PREFIX}{stamp}-{reason}{suffix}"


def claim(folder: Path, name: str) -> Path:
    """A path for a new backup that does not exist yet (``-2``, ``-3``... added when needed)."""
    stem, dot, ext = name.partition(".")
    for n in range(1, 10_000):
        candidate = folder / (name if n == 1 else f"{stem}-{n}{dot}{ext}")
        if not candidate.exists():
            return candidate
    raise StoreError(f"Too many backups in {folder}; move some away and try again.")


def _publish(source: Path, folder: Path, reason: str, suffix: str) -> Path | None:
    """Give ``source`` a new backup name in ``folder`` without ever replacing a file; ``None`` if it has vanished."""
    while True:
        target = claim(folder, backup_name(reason, suffix))
        try:
            os.link(source, target)  # fails instead of overwriting, unlike a rename
        except FileExistsError:
            continue
        except FileNotFoundError:
            return None
        except OSError:  # a filesystem without hard links (some network and FUSE mounts): a checked rename
            if target.exists():
                continue
            try:
                os.rename(source, target)
            except FileNotFoundError:
                return None
            return target
        source.unlink(missing_ok=True)
        return target


def move_aside(path: Path, reason: str) -> Path | None:
    """Move a file that no kernel keeps open (the JSON file of earlier versions) to a new timestamped backup.

    Returns ``None`` if another kernel moved it first.
    """
    target = _publish(path, path.parent, reason, path.suffix or ".bak")
    if target is not None:
        os.chmod(target, 0o600)
    return target


def write_backup(folder: Path, reason: str, content: str | bytes, suffix: str = ".json") -> Path:
    """Write ``content`` to a new private (0600) backup file in ``folder`` and return its path.

    The backup appears whole, under its name, only once its bytes are on disk; it is never written again.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, temporary = tempfile.mkstemp(dir=folder, prefix="." + BACKUP_PREFIX, suffix=".tmp")  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        target = _publish(Path(temporary), folder, reason, suffix)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if target is None:
        raise StoreError(f"A backup could not be written in {folder} because its file vanished; try again.")
    return target
