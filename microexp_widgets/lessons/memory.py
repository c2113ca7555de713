"""Everything recorded in this kernel that "delete everything" must reach: widgets, timelines, clips.

Every object that holds a learner's data registers itself when it is made, in one registry
(``microexp_widgets._learner_data``): the library's Recorder, TimelineView, AUFace and every AUTimeline register
themselves, and lesson widgets register through :func:`remember`. :func:`clear_memory` clears exactly that registry.

A "delete everything" in another lesson's kernel reaches this one through :class:`StoreWatch`: a kernel thread
that looks at the store file once a second and clears this kernel when the store it knew has gone.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import time
from dataclasses import dataclass, field

from .. import _learner_data
from . import store

#: Seconds between two looks at the store file (one ``stat`` each; the file is opened only when it changed).
WATCH_INTERVAL_S = 1.0


def remember(obj):
    """Register an object whose ``clear()`` method forgets the learner's data, for "delete everything"; returns it.

    In a Jupyter kernel this also starts watching the store, so a delete in another lesson clears it too.
    """
    _learner_data.register(obj, type(obj).clear)
    watch_store()
    return obj


@dataclass
class Cleared:
    """What :func:`clear_memory` reached."""

    widgets: int = 0
    timelines: int = 0
    names: list[str] = field(default_factory=list)


def clear_memory(user_ns: dict | None = None) -> Cleared:
    """Clear every registered widget, drop every timeline's clip, remove timelines from ``user_ns``.

    Parameters
    ----------
    user_ns : dict, optional
        The notebook's variables (by default the running IPython's); names bound to a timeline,
        and output-cache entries holding one, are removed.
    """
    report = Cleared()
    for _, said in _learner_data.forget_all("widget"):
        report.widgets += said is not False  # False: it showed nothing of the learner's, so it is not counted
    timelines = _learner_data.forget_all("timeline")
    report.timelines = len(timelines)
    if user_ns is None:
        user_ns = _ipython_namespace()
    if user_ns is not None and timelines:
        report.names = _drop_timelines(user_ns, {id(timeline) for timeline, _ in timelines})
    del timelines
    gc.collect()  # the frames and clips just let go are freed now, not at some later collection
    return report


def _ipython_namespace() -> dict | None:
    shell = _ipython_shell()
    return getattr(shell, "user_ns", None)


def _drop_timelines(user_ns: dict, timeline_ids: set[int]) -> list[str]:
    removed = []
    for name, value in list(user_ns.items()):
        if id(value) in timeline_ids and not name.startswith("_"):
            del user_ns[name]
            removed.append(name)
        elif id(value) in timeline_ids:
            user_ns[name] = None  # IPython's _, __, ___ and _N output caches
    out = user_ns.get("Out")
    if isinstance(out, dict):
        for key in [k for k, v in out.items() if id(v) in timeline_ids]:
            del out[key]
    return sorted(removed)


# ----------------------------------------------------------------------------------------------------
# A delete in another kernel


def _file_state(path) -> tuple[int, int, int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size


class StoreWatch:
    """Tells when the learner's store, as this kernel knew it, was deleted (by this kernel or another one).

    A store that is gone, or replaced by a new one (a new id) that was not rebuilt from a damaged file, means
    "delete everything" ran; a store appearing where there was none is only a first save.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._path = None
        self._state = None
        self._known = None

    def forget(self) -> None:
        """Start again from "no store", as after this kernel's own delete."""
        with self._lock:
            self._path = None

    def check(self) -> bool:
        """Look once; return True (and clear this kernel's memory) when the known store was deleted."""
        with self._lock:
            path = store.store_path()
            state = _file_state(path)
            if path != self._path:  # first look, or the data folder was changed: nothing to compare with
                self._path, self._state, self._known = path, state, store.identity()
                return False
            if state == self._state:
                return False
            now = store.identity() if state is not None else None
            if state is not None and now is None:
                return False  # a store being created right now: look again next time
            self._state = state
            known, self._known = self._known, now
            emptied = known is not None and (now is None or (now[0] != known[0] and now[1] != "recovered"))
        if emptied:
            clear_memory()
        return emptied


_watch = StoreWatch()
_watch_thread: threading.Thread | None = None


def forget_store() -> None:
    """Tell this kernel's watcher that it deleted the store itself (so it does not clear everything twice)."""
    _watch.forget()


def _in_kernel() -> bool:
    shell = sys.modules.get("IPython") and _ipython_shell()
    return getattr(shell, "kernel", None) is not None


def _ipython_shell():
    with contextlib.suppress(ImportError):
        from IPython import get_ipython

        return get_ipython()
    return None


def _poll() -> None:
    while True:
        time.sleep(WATCH_INTERVAL_S)
        with contextlib.suppress(Exception):  # a look that failed is retried a second later; it must never stop
            _watch.check()


def watch_store() -> None:
    """Start the kernel thread that clears this kernel after a delete elsewhere (once; only inside a kernel)."""
    global _watch_thread
    if _watch_thread is not None or not _in_kernel():
        return
    _watch.check()
    _watch_thread = threading.Thread(target=_poll, name="microexp-store-watch", daemon=True)
    _watch_thread.start()


# A lesson imports this module in its first cell (through any lesson widget), before it records anything: watching
# from then on lets a delete elsewhere reach a recorder even in a lesson whose own data widgets were not run yet.
watch_store()
