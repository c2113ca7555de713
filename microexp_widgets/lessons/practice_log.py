"""The practice log: what the learner practised and measured, kept on their machine (never video)."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from . import memory, store, store_failure

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
        Numbers behind the summary (AU medians, hit rates); numpy numbers are stored as plain numbers.

    Raises
    ------
    microexp_widgets.lessons.store.StoreError
        When the entry cannot be saved (one plain sentence; nothing half-written).
    """
    entry = {
        "time": store.now_iso(),
        "lesson": str(lesson),
        "kind": str(kind),
        "summary": str(summary),
        "values": dict(values or {}),
    }
    return store.append_practice(entry)


def entries(kind: str | None = None) -> list[dict[str, Any]]:
    """Return the log's entries, oldest first, optionally only those of one ``kind``."""
    rows = store.load()["practice"]
    return [row for row in rows if kind is None or row.get("kind") == kind]


_learner_zone: tzinfo | None = None


def learner_zone() -> tzinfo | None:
    """The learner's time zone as their browser reported it, or ``None`` (then this computer's is used)."""
    return _learner_zone


# An IANA name: "UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5". The longest in use has 32
# characters; a name is looked up as a path inside the time-zone database, so anything else is refused before that.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}")
_ZONE_NAME_MAX = 64


def set_learner_zone(name: str) -> bool:
    """Use the IANA time zone ``name`` (from the browser) for times shown to the learner; False if it is not one.

    A name from the page is checked before use (docs/faults.md T3): a folder of the database ("America"), an
    over-long name or a path is refused, and the zone in use stays as it was.
    """
    global _learner_zone
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not isinstance(name, str) or len(name) > _ZONE_NAME_MAX or not _ZONE_NAME.fullmatch(name):
        return False
    try:
        _learner_zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "America", "Etc": folders of the database
        return False
    return True


class BrowserZone(anywidget.AnyWidget):
    """Shows nothing; tells the kernel the learner's time zone, since on a hub or Binder the kernel's clock is UTC."""

    _esm = Path(__file__).with_name("zone.js")
    zone = traitlets.Unicode("", help="IANA time zone name reported by the browser ('' until shown).").tag(sync=True)


def when(stamp: str, now: datetime | None = None, zone: tzinfo | None = None) -> str:
    """A stored UTC time in the learner's local time, in words: "today 14:05", "yesterday 09:30", "3 Nov 16:20".

    Parameters
    ----------
    stamp : str
        The stored ISO time; anything unreadable (a hand-edited file) is shown as it is.
    now : datetime, optional
        The moment to compare with (default: now).
    zone : tzinfo, optional
        The learner's time zone (default: the browser's, once a log has been shown, else this computer's).
    """
    zone = zone or _learner_zone
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(zone)
    today = (now or datetime.now(timezone.utc)).astimezone(zone).date()
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return f"today {clock}"
    if local.date() == today - timedelta(days=1):
        return f"yesterday {clock}"
    day = f"{local.day} {local.strftime('%b')}"
    return f"{day} {clock}" if local.year == today.year else f"{day} {local.year} {clock}"


def render_rows(rows: list[dict[str, Any]], limit: int = 20) -> str:
    """Render log entries as an HTML table; every learner-made string is escaped (docs/faults.md S1)."""
    if not rows:
        return "<p><i>Nothing in your practice log yet.</i></p>"
    shown = rows[-limit:]
    pad = "padding:2px 1.2em 2px 0;vertical-align:top"
    nowrap = f" style='white-space:nowrap;{pad}'"
    body = "".join(
        "<tr>"
        + f"<td{nowrap}>{html.escape(when(row.get('time', '')))}</td>"
        + "".join(
            f"<td style='{pad}'>{html.escape(str(row.get(col, '')))}</td>" for col in ("lesson", "kind", "summary")
        )
        + "</tr>"
        for row in shown
    )
    more = f"<p><i>Showing the last {limit} of {len(rows)}.</i></p>" if len(rows) > limit else ""
    head = "".join(f"<th style='text-align:left;{pad}'>{c}</th>" for c in ("when", "lesson", "kind", "what"))
    return f"{more}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_notice() -> str:
    """The store's one-sentence notice about a file it could not read in full, as HTML ("" when there is none).

    When the store cannot be read at all, the sentence says why instead.
    """
    try:
        text = store.notice()
    except store.StoreError as error:
        return store_failure.sentence_html(error)
    return store_failure.sentence_html(text) if text else ""


class PracticeLog(widgets.VBox):
    """Shows the learner's practice log, newest last, with a refresh button.

    Parameters
    ----------
    kind : str, optional
        Show only entries of this kind.
    """

    def __init__(self, kind: str | None = None, **kwargs) -> None:
        self.kind = kind
        #: The log as the learner sees it (an HTML table, every learner string escaped).
        self.table = widgets.HTML()
        refresh = widgets.Button(description="Refresh", icon="refresh", layout=widgets.Layout(width="auto"))
        refresh.on_click(lambda _: self.refresh())
        self._zone = BrowserZone(layout=widgets.Layout(display="none"))
        self._zone.observe(self._on_zone, "zone")
        super().__init__(children=[self.table, refresh, self._zone], **kwargs)
        self.refresh()
        memory.remember(self)

    def _on_zone(self, change: dict) -> None:
        if set_learner_zone(change["new"]):
            self.refresh()

    def refresh(self) -> None:
        """Re-read the learner's file and redraw the table."""
        with store_failure.shown_in(self.table, replace=True):
            rows = entries(self.kind)  # first: reading sets unreadable rows aside, and the notice then says where
            self.table.value = render_notice() + render_rows(rows)

    def clear(self) -> None:
        """Show an empty log (used by "delete everything", also when it ran in another lesson)."""
        self.table.value = "<p><i>Your practice log was deleted; nothing is in it now.</i></p>"
