"""Backups of the learner's files: timestamped, private, and never written over an earlier one."""

from __future__ import annotations

import os
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


def move_aside(path: Path, reason: str) -> Path | None:
    """Move a file to a new timestamped backup; ``None`` if another kernel moved it first."""
    while True:
        target = claim(path.parent, backup_name(reason, path.suffix or ".bak"))
        try:
            os.link(path, target)  # fails instead of overwriting, unlike a rename
        except FileExistsError:
            continue
        except FileNotFoundError:
            return None
        except OSError:  # a filesystem without hard links (some network and FUSE mounts): a checked rename
            if target.exists():
                continue
            try:
                os.rename(path, target)
            except FileNotFoundError:
                return None
        else:
            path.unlink(missing_ok=True)
        os.chmod(target, 0o600)
        return target


def write_backup(folder: Path, reason: str, content: str) -> Path:
    """Write ``content`` to a new private (0600) backup file in ``folder`` and return its path."""
    while True:
        target = claim(folder, backup_name(reason, ".json"))
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        return target


# ----------------------------------------------------------------------------------------------------
