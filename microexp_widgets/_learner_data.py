"""One registry of every object in this kernel that holds a learner's data: "delete everything" reaches just those.

Each such object registers itself when it is made, naming how it forgets what it holds. Only weak references are
kept: registering never keeps a widget or a timeline alive, and an object that is gone drops out by itself.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

Holder = TypeVar("Holder")

#: Kinds of holder: a widget showing or holding a take, or a timeline (which may keep the take's video).
KINDS = ("widget", "timeline")

# A weak reference's callback may run on any thread, even while this thread holds the lock (a collection during a
# registration), hence a re-entrant lock.
_lock = threading.RLock()
_holders: dict[int, tuple[weakref.ref, Callable[[Any], object], str]] = {}


def register(holder: Holder, forget: Callable[[Holder], object], *, kind: str = "widget") -> Holder:
    """Register ``holder``; "delete everything" then calls ``forget(holder)``. Returns ``holder``.

    ``forget`` returns False when the holder turned out to hold nothing of the learner's (then it is not counted).
    Registering the same object again replaces its entry.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}.")
    key = id(holder)

    def gone(ref: weakref.ref, key: int = key) -> None:
        with _lock:
            if key in _holders and _holders[key][0] is ref:
                del _holders[key]

    with _lock:
        _holders[key] = (weakref.ref(holder, gone), forget, kind)
    return holder


def unregister(holder: object) -> None:
    """Take ``holder`` out of the registry (a widget that was closed no longer shows anything)."""
    with _lock:
        entry = _holders.get(id(holder))
        if entry is not None and entry[0]() is holder:
            del _holders[id(holder)]


def _live(kind: str | None) -> list[tuple[object, Callable[[Any], object]]]:
    with _lock:
        entries = list(_holders.values())
    found = [(ref(), forget) for ref, forget, their_kind in entries if kind is None or their_kind == kind]
    return [(holder, forget) for holder, forget in found if holder is not None]


def holders(kind: str | None = None, of_type: type | None = None) -> list:
    """Every registered holder alive now, oldest first; only those of one ``kind`` or one type when given."""
    return [holder for holder, _ in _live(kind) if of_type is None or isinstance(holder, of_type)]


def forget_all(kind: str) -> list[tuple[object, object]]:
    """Ask every registered holder of ``kind`` to forget what it holds; returns each with what ``forget`` returned."""
    return [(holder, forget(holder)) for holder, forget in _live(kind)]
