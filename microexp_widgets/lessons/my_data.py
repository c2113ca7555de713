"""Your data (lesson 07): export the practice log and progress (CSV and a one-page HTML), or delete everything."""

from __future__ import annotations

import csv
import html
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as widgets

from . import memory, store
from .practice_log import COLUMNS, render_rows
from .progress import LESSONS

CSV_NAME = "microexp-practice-log.csv"
HTML_NAME = "microexp-summary.html"


@dataclass(frozen=True)
class Exported:
    """Where the export went."""

    csv_path: Path
    html_path: Path


def export_my_data(folder: str | Path | None = None) -> Exported:
    """Write the practice log as CSV and a one-page HTML summary of progress and log.

    Parameters
    ----------
    folder : path, optional
        Where to write (default: the learner's data folder, see :func:`microexp_widgets.lessons.data_dir`).

    Returns
    -------
    Exported
        The two paths. Every learner-typed string in the HTML is escaped (FAULTS S1).
    """
    data = store.load()
    out = Path(folder) if folder is not None else store.data_dir()
    out.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = out / CSV_NAME, out / HTML_NAME
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in data["practice"]:
            writer.writerow({**{c: row.get(c, "") for c in COLUMNS}, "values": json.dumps(row.get("values", {}))})
    html_path.write_text(_summary_html(data), encoding="utf-8")
    return Exported(csv_path, html_path)


def _summary_html(data: dict) -> str:
    done = data["progress"]
    lessons = "".join(
        f"<li>{'&#10003;' if lesson.key in done else '&#9675;'} {html.escape(lesson.title)}</li>" for lesson in LESSONS
    )
    quiz = data["quiz"]
    right = sum(1 for q in quiz.values() if q.get("correct"))
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>My micro-expression practice</title>"
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}td,th{padding:2px 8px}</style></head><body>"
        f"<h1>My micro-expression practice</h1><p>Exported {now}. Movements and timings only: no video, "
        "no emotion labels.</p>"
        f"<h2>Lessons</h2><p>{sum(k in done for k in (lesson.key for lesson in LESSONS))} of {len(LESSONS)} done.</p>"
        f"<ul style='list-style:none'>{lessons}</ul>"
        f"<h2>Check-your-understanding questions</h2><p>{right} of {len(quiz)} answered right at least once.</p>"
        f"<h2>Practice log</h2>{render_rows(data['practice'], limit=len(data['practice']) or 1)}"
        "</body></html>"
    )


@dataclass(frozen=True)
class Deleted:
    """What "delete everything" removed."""

    files: tuple[Path, ...]
    widgets: int
    timelines: int
    names: tuple[str, ...] = field(default_factory=tuple)

    def message(self) -> str:
        """One plain sentence for the learner."""
        names = f" and removed the variables {', '.join(self.names)}" if self.names else ""
        return (
            f"Deleted {len(self.files)} file(s) from {store.data_dir()}, cleared {self.widgets} recorder or lesson "
            f"widget(s), dropped the video of {self.timelines} timeline(s) in memory{names}."
        )


def delete_my_data(user_ns: dict | None = None) -> Deleted:
    """Delete the practice log, progress and exports from disk, and every recording and timeline in memory.

    Parameters
    ----------
    user_ns : dict, optional
        The notebook's variables (default: the running IPython's); timelines bound there are removed.
    """
    folder = store.data_dir()
    removed = []
    for name in (store.STORE_NAME, store.STORE_NAME + ".unreadable", CSV_NAME, HTML_NAME):
        path = folder / name
        if path.exists():
            path.unlink()
            removed.append(path)
    cleared = memory.clear_memory(user_ns)
    return Deleted(tuple(removed), cleared.widgets, cleared.timelines, tuple(cleared.names))


class MyData(widgets.VBox):
    """Export and delete buttons for the learner's own data; delete asks once more before it acts."""

    def __init__(self, **kwargs) -> None:
        export = widgets.Button(
            description="Export my data (CSV + HTML)", icon="download", layout=widgets.Layout(width="auto")
        )
        self._delete = widgets.Button(
            description="Delete everything I recorded",
            icon="trash",
            button_style="danger",
            layout=widgets.Layout(width="auto"),
        )
        self._confirm = widgets.Button(
            description="Yes, delete it all", button_style="danger", layout=widgets.Layout(width="auto", display="none")
        )
        self._cancel = widgets.Button(description="Cancel", layout=widgets.Layout(width="auto", display="none"))
        self._message = widgets.HTML()
        export.on_click(lambda _: self.export())
        self._delete.on_click(lambda _: self._ask())
        self._confirm.on_click(lambda _: self.delete())
        self._cancel.on_click(lambda _: self._settle("Nothing was deleted."))
        super().__init__(
            children=[widgets.HBox([export, self._delete, self._confirm, self._cancel]), self._message], **kwargs
        )

    def export(self) -> Exported:
        """Export (what the export button does) and say where the files are."""
        result = export_my_data()
        self._message.value = (
            f"<p>Written: <code>{html.escape(str(result.csv_path))}</code> and "
            f"<code>{html.escape(str(result.html_path))}</code>. Open the HTML file in a browser to read or print it."
            "</p>"
        )
        return result

    def _ask(self) -> None:
        self._confirm.layout.display = self._cancel.layout.display = None
        self._message.value = (
            "<p>This deletes your practice log, progress and exports from this machine and every recording and "
            "timeline in this kernel's memory. It cannot be undone.</p>"
        )

    def delete(self) -> Deleted:
        """Delete everything (what the confirm button does) and say what was removed."""
        result = delete_my_data()
        self._settle(result.message())
        return result

    def _settle(self, text: str) -> None:
        self._confirm.layout.display = self._cancel.layout.display = "none"
        self._message.value = f"<p>{html.escape(text)}</p>"
