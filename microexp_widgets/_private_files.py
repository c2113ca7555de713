"""Files of the learner's face numbers or words, written readable by their owner only (0600) and whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def write_private(path: Path, write: Callable[[TextIO], object]) -> None:
    """Create or replace ``path`` with what ``write(handle)`` writes, 0600 from its first moment (``mkstemp``).

    The file is moved into place only once complete, so a failed write leaves no temp file and no half file.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
