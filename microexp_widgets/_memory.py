"""Give freed memory back to the operating system after a clip (glibc keeps it otherwise)."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (macOS, musl, Windows): nothing to trim
        return None


def release_free_memory() -> None:
    """Each landmarker's worker threads leave glibc arenas full of freed blocks; without a trim, a kernel that
    analyses take after take grows by megabytes per clip (docs/faults.md M4)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
