"""Everything recorded in this kernel that "delete everything" must reach: widgets, timelines, clips.

Lesson widgets register themselves with :func:`remember`. The library's own widgets (Recorder,
TimelineView) and any :class:`~microexp_widgets.AUTimeline` are found through their public classes,
and only if their modules were ever imported (if not, none can exist).
"""

from __future__ import annotations

import gc
import sys
import weakref
from dataclasses import dataclass, field

_live: weakref.WeakSet = weakref.WeakSet()

# (module, class) of library objects that can hold a learner's recording or timeline.
_HOLDERS = (
    ("microexp_widgets.widgets.recorder", "Recorder"),
    ("microexp_widgets.widgets.timeline_view", "TimelineView"),
    ("microexp_widgets.widgets.au_face", "AUFace"),
    ("microexp_widgets.lessons.checklist", "Checklist"),
)
_TIMELINE = ("microexp_widgets.timeline", "AUTimeline")


def remember(obj):
    """Register an object with a ``clear()`` method to be cleared by "delete everything"; returns it."""
    _live.add(obj)
    return obj


@dataclass
class Cleared:
    """What :func:`clear_memory` reached."""

    widgets: int = 0
    timelines: int = 0
    names: list[str] = field(default_factory=list)


def _class(module_name: str, class_name: str):
    module = sys.modules.get(module_name)
    return getattr(module, class_name, None) if module else None


def _instances(cls) -> list:
    # A class may keep its own registry of live instances; otherwise walk the garbage collector's objects.
    registry = getattr(cls, "instances", None)
    if callable(registry):
        return list(registry())
    found = []
    for obj in gc.get_objects():
        try:
            if isinstance(obj, cls):
                found.append(obj)
        except Exception:  # a proxy whose __class__ raises is not one of ours
            continue
    return found


def _clear(obj) -> bool:
    for method in ("clear", "clear_timeline"):  # Recorder.clear, AUFace.clear_timeline, lesson widgets
        clear = getattr(obj, method, None)
        if callable(clear):
            clear()
            return True
    if hasattr(obj, "timeline"):
        try:
            obj.timeline = None
            return True
        except (AttributeError, TypeError):
            return False
    return False


def clear_memory(user_ns: dict | None = None) -> Cleared:
    """Clear every registered widget and library widget, drop every clip, remove timelines from ``user_ns``.

    Parameters
    ----------
    user_ns : dict, optional
        The notebook's variables (by default the running IPython's); names bound to an ``AUTimeline``,
        and output-cache entries holding one, are removed.
    """
    report = Cleared()
    seen: set[int] = set()
    for obj in list(_live):
        seen.add(id(obj))
        report.widgets += _clear(obj)
    for module_name, class_name in _HOLDERS:
        cls = _class(module_name, class_name)
        if cls is None:
            continue
        for obj in _instances(cls):
            if id(obj) not in seen:
                seen.add(id(obj))
                report.widgets += _clear(obj)
    timeline_cls = _class(*_TIMELINE)
    if timeline_cls is not None:
        for tl in _instances(timeline_cls):
            forget = getattr(tl, "forget_clip", None)
            if callable(forget):
                forget()
            report.timelines += 1
        if user_ns is None:
            user_ns = _ipython_namespace()
        if user_ns is not None:
            report.names = _drop_timelines(user_ns, timeline_cls)
    gc.collect()
    return report


def _ipython_namespace() -> dict | None:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return getattr(shell, "user_ns", None)


def _drop_timelines(user_ns: dict, timeline_cls) -> list[str]:
    removed = []
    for name, value in list(user_ns.items()):
        if isinstance(value, timeline_cls) and not name.startswith("_"):
            del user_ns[name]
            removed.append(name)
        elif isinstance(value, timeline_cls):
            user_ns[name] = None  # IPython's _, __, ___ and _N output caches
    out = user_ns.get("Out")
    if isinstance(out, dict):
        for key in [k for k, v in out.items() if isinstance(v, timeline_cls)]:
            del out[key]
    return sorted(removed)
