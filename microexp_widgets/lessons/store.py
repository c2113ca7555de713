"""The learner's own file: progress and practice log as one small JSON file in the user data folder."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

#: Name of the one file that holds everything the lessons remember about a learner.
STORE_NAME = "learner.json"
_FORMAT = 1


def data_dir() -> Path:
    """Return the folder for the learner's file (``MICROEXP_DATA`` if set, else the user data folder).

    Returns
    -------
    pathlib.Path
        The folder; it is not created until something is saved.
    """
    override = os.environ.get("MICROEXP_DATA")
    return Path(override) if override else Path(platformdirs.user_data_dir("microexp-widgets"))


def store_path() -> Path:
    """Return the path of the learner's JSON file."""
    return data_dir() / STORE_NAME


def _empty() -> dict[str, Any]:
    return {"format": _FORMAT, "progress": {}, "quiz": {}, "practice": []}


def load() -> dict[str, Any]:
    """Read the learner's file; a missing or unreadable file gives a fresh, empty record.

    An unreadable file is moved aside (``learner.json.unreadable``) rather than overwritten,
    so nothing the learner made is silently destroyed.
    """
    path = store_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _empty()
    except (OSError, ValueError):
        path.replace(path.with_name(STORE_NAME + ".unreadable"))
        return _empty()
    if not isinstance(data, dict):
        return _empty()
    fresh = _empty()
    for key, default in fresh.items():
        if not isinstance(data.get(key), type(default)):
            data[key] = default
    return data


def save(data: dict[str, Any]) -> Path:
    """Write the learner's file atomically (a half-written file never replaces a good one)."""
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=".learner-", suffix=".json", delete=False
    ) as tmp:
        json.dump(data, tmp, indent=1, ensure_ascii=False)
    os.replace(tmp.name, path)
    return path


def update(change) -> dict[str, Any]:
    """Load, apply ``change(data)`` in place, save, and return the new data."""
    data = load()
    change(data)
    save(data)
    return data
