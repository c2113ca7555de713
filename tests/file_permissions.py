"""Run a child process whose file permissions are real even when the tests run as root (CI does)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest


def without_file_permission_override() -> None:
    """In the child: take away root's power to ignore file permissions, so a permission problem is real."""
    if os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_without_override(args: list[str], *, env: dict | None = None, timeout: float = 300):
    """``subprocess.run(args)`` in a child that cannot ignore file permissions; skips where that cannot be had."""
    try:
        return subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
            preexec_fn=without_file_permission_override,
        )
    except subprocess.SubprocessError as error:
        pytest.skip(f"cannot drop root's file-permission override here: {error}")


def python_without_override(code: str, *, env: dict | None = None, timeout: float = 120):
    """Run Python ``code`` (dedented) in such a child."""
    return run_without_override([sys.executable, "-c", textwrap.dedent(code)], env=env, timeout=timeout)
