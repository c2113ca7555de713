"""An X display of the test's own (Xvfb, as ``xvfb-run`` starts it), for the engines that need a visible window."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator

SCREEN = "1600x1000x24"


def missing() -> str | None:
    if shutil.which("Xvfb") is None:
        return "Firefox and WebKitGTK need a display: apt-get install xvfb"
    return None


@contextlib.contextmanager
def virtual_display() -> Iterator[str]:
    """Start Xvfb on a free display number (it picks one and tells us) and yield ``":N"``; stop it afterwards."""
    read, write = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp", "-noreset"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as announced:
            number = announced.readline().strip()
        if not number:
            raise RuntimeError(f"Xvfb did not start (exit code {process.poll()})")
        yield f":{number}"
    finally:
        process.terminate()  # lets Xvfb remove its lock file and socket
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
