"""Run a callback where widget callbacks normally run: on the kernel's main loop, between cell executions."""

from __future__ import annotations

import threading
from collections.abc import Callable


def _kernel_loop():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return None
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    return getattr(kernel, "io_loop", None)


def call_soon_in_kernel(callback: Callable[..., object], *args: object) -> None:
    """Call ``callback(*args)`` on the kernel's main thread, or at once where there is no kernel (tests, scripts).

    Results of work done in a worker thread (an analysed take) are handed over this way, so the learner's
    callbacks never run at the same time as a cell.
    """
    loop = _kernel_loop()
    if loop is None or threading.current_thread() is threading.main_thread():
        callback(*args)
    else:
        loop.add_callback(callback, *args)
