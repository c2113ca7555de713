"""What a readable learner record is: plain values in, and the readable parts of a damaged or foreign file out."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from ..errors import MicroexpError

FORMAT = 1


class StoreError(MicroexpError):
    """The learner's data could not be saved; the message is one plain sentence and nothing was half-written."""


def empty() -> dict[str, Any]:
    """A fresh learner record: no progress, no quiz attempts, an empty practice log."""
    return {"format": FORMAT, "progress": {}, "quiz": {}, "practice": []}


# ----------------------------------------------------------------------------------------------------
# Plain values: what may go into the file


def plain(value: Any) -> Any:
    """Return ``value`` as plain JSON data: numpy numbers as Python numbers, NaN as ``None``, lone surrogates as U+FFFD.

    Raises
    ------
    StoreError
        For a value that has no plain form (an object, a function); nothing is saved then.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _utf8(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {_utf8(str(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    item = getattr(value, "item", None)  # numpy scalars and 0-d arrays
    tolist = getattr(value, "tolist", None)  # numpy arrays
    if callable(tolist) and getattr(value, "ndim", 0):
        return plain(tolist())
    if callable(item):
        return plain(item())
    raise StoreError(f"A {type(value).__name__} value cannot be kept in your practice log, so nothing was saved.")


def _utf8(text: str) -> str:
    """``text`` with every lone surrogate (text no UTF-8 file can hold) replaced by U+FFFD (docs/faults.md T1)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Through UTF-16 and back: a well-formed surrogate pair becomes its one character, a lone half becomes U+FFFD.
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def dump(value: Any) -> str:
    """``value`` as the JSON text that is stored (see :func:`plain`)."""
    return json.dumps(plain(value), ensure_ascii=False, allow_nan=False)


# ----------------------------------------------------------------------------------------------------
# Telling readable records from the rest


def valid_entry(entry: Any) -> bool:
    """A practice-log entry: ``time``, ``lesson``, ``kind`` and ``summary`` as text, ``values`` a dict if present."""
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(k), str) for k in ("time", "lesson", "kind", "summary"))
        and isinstance(entry.get("values", {}), dict)
    )


def valid_progress(record: Any) -> bool:
    """A lesson's progress record: a dict whose ``done_at``, if present, is text."""
    return isinstance(record, dict) and isinstance(record.get("done_at", ""), str)


def valid_quiz(record: Any) -> bool:
    """A question's record: a dict with a whole number of ``attempts`` and a true/false ``correct``."""
    return (
        isinstance(record, dict)
        and type(record.get("attempts", 0)) is int
        and isinstance(record.get("correct", False), bool)
    )


def parse(text: Any, valid: Callable[[Any], bool]) -> Any:
    """The record stored as JSON ``text`` if ``valid`` accepts it, else ``None``."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not valid(value):
        return None
    if valid is valid_entry:
        value.setdefault("values", {})
    return value


def salvage_json(text: str) -> tuple[dict[str, Any], int]:
    """Readable parts of a JSON learner file of any shape: (data, number of items that could not be read)."""
    data, lost = empty(), 0
    try:
        raw = json.loads(text)
    except ValueError:
        return data, 1
    if isinstance(raw, list):  # a bare list of log entries
        raw = {"practice": raw}
    if not isinstance(raw, dict):
        return data, 1
    practice = raw.get("practice", [])
    for entry in practice if isinstance(practice, list) else [practice]:
        if valid_entry(entry):
            data["practice"].append({"values": {}, **entry})
        else:
            lost += 1
    for table, valid in (("progress", valid_progress), ("quiz", valid_quiz)):
        records = raw.get(table, {})
        if not isinstance(records, dict):
            lost += 1
            continue
        for key, record in records.items():
            if valid(record):
                data[table][key] = record
            else:
                lost += 1
    return data, lost
