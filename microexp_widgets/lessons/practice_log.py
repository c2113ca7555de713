"""The practice log: what the learner practised and measured, kept on their machine (never video)."""

from __future__ import annotations

import html
from datetime import datetime, timezone
from typing import Any

import ipywidgets as widgets

from . import store

#: Columns of the log, in export order.
COLUMNS = ("time", "lesson", "kind", "summary", "values")


def add_entry(lesson: str, kind: str, summary: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Append one entry to the learner's practice log and return it.

    Parameters
    ----------
    lesson : str
        Lesson key where it happened.
    kind : str
        What it was, for example ``"mirror take"``, ``"flash drill"``, ``"reflection"``.
    summary : str
        One plain line the learner will read back later (may be the learner's own text).
    values : dict, optional
        Numbers behind the summary (AU medians, hit rates); JSON-serialisable.
    """
    entry = {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "lesson": str(lesson),
        "kind": str(kind),
        "summary": str(summary),
        "values": dict(values or {}),
    }
    store.update(lambda data: data["practice"].append(entry))
    return entry


def entries(kind: str | None = None) -> list[dict[str, Any]]:
    """Return the log's entries, oldest first, optionally only those of one ``kind``."""
    rows = store.load()["practice"]
    return [row for row in rows if kind is None or row.get("kind") == kind]


def render_rows(rows: list[dict[str, Any]], limit: int = 20) -> str:
    """Render log entries as an HTML table; every learner-made string is escaped (FAULTS S1)."""
    if not rows:
        return "<p><i>Nothing in your practice log yet.</i></p>"
    shown = rows[-limit:]
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(row.get(col, '')))}</td>" for col in ("time", "lesson", "kind", "summary"))
        + "</tr>"
        for row in shown
    )
    more = f"<p><i>Showing the last {limit} of {len(rows)}.</i></p>" if len(rows) > limit else ""
    head = "".join(f"<th style='text-align:left'>{c}</th>" for c in ("time (UTC)", "lesson", "kind", "what"))
    return f"{more}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class PracticeLog(widgets.VBox):
    """Shows the learner's practice log, newest last, with a refresh button.

    Parameters
    ----------
    kind : str, optional
        Show only entries of this kind.
    """

    def __init__(self, kind: str | None = None, **kwargs) -> None:
        self.kind = kind
        self._table = widgets.HTML()
        refresh = widgets.Button(description="Refresh", icon="refresh", layout=widgets.Layout(width="auto"))
        refresh.on_click(lambda _: self.refresh())
        super().__init__(children=[self._table, refresh], **kwargs)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the learner's file and redraw the table."""
        self._table.value = render_rows(entries(self.kind))

    @staticmethod
    def add(lesson: str, kind: str, summary: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """Append an entry (see :func:`add_entry`)."""
        return add_entry(lesson, kind, summary, values)

    @staticmethod
    def entries(kind: str | None = None) -> list[dict[str, Any]]:
        """Return the entries (see :func:`entries`)."""
        return entries(kind)
