"""Your data (lesson 07): download the practice log and progress (CSV and a one-page HTML), or delete everything."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from .._private_files import write_private
from . import _failures, _sqlite, memory, store
from .practice_log import COLUMNS, render_notice, render_rows
from .progress import LESSONS

CSV_NAME = "microexp-practice-log.csv"
HTML_NAME = "microexp-summary.html"
# A spreadsheet runs a cell that starts with one of these as a formula; a leading apostrophe keeps it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Exported:
    """Where the export went."""

    csv_path: Path
    html_path: Path


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def practice_csv(data: dict[str, Any] | None = None) -> str:
    """The practice log as CSV text; a cell a spreadsheet would run as a formula is kept as text (docs/faults.md L5)."""
    data = store.load() if data is None else data
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in data["practice"]:
        writer.writerow([_cell(row.get(c, "")) for c in COLUMNS])
    return out.getvalue()


def summary_html(data: dict[str, Any] | None = None) -> str:
    """A one-page HTML summary of progress, quiz and practice log; every learner-typed string is escaped (S1)."""
    data = store.load() if data is None else data
    done = data["progress"]
    lessons = "".join(
        f"<li>{'&#10003;' if lesson.key in done else '&#9675;'} {html.escape(lesson.title)}</li>" for lesson in LESSONS
    )
    quiz = data["quiz"]
    right = sum(1 for q in quiz.values() if q.get("correct"))
    now = datetime.now().astimezone().strftime("%d %b %Y %H:%M")
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


def export_my_data(folder: str | Path | None = None) -> Exported:
    """Write the practice log as CSV and a one-page HTML summary, both readable by the learner only (0600).

    Parameters
    ----------
    folder : path, optional
        Where to write (default: the learner's data folder, see :func:`microexp_widgets.lessons.data_dir`).

    Returns
    -------
    Exported
        The two paths.
    """
    data = store.load()
    out = Path(folder) if folder is not None else store.data_dir()
    result = Exported(out / CSV_NAME, out / HTML_NAME)
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private(result.csv_path, lambda handle: handle.write(practice_csv(data)))
        write_private(result.html_path, lambda handle: handle.write(summary_html(data)))
    except OSError as error:
        raise _failures.failure("exported", error, out, _sqlite.BUSY_TIMEOUT_S) from error
    return result


@dataclass(frozen=True)
class Deleted:
    """What "delete everything" removed, and any folder it left as it was."""

    files: tuple[Path, ...]
    widgets: int
    timelines: int
    names: tuple[str, ...] = field(default_factory=tuple)
    folders_left: tuple[Path, ...] = field(default_factory=tuple)

    def message(self) -> str:
        """Plain words for the learner: what went, here and in the other open lessons."""
        if self.files:
            count = len(self.files)
            disk = f"Deleted your practice log, progress and exports from {store.data_dir()} ({count} file(s))."
        else:
            disk = f"There was nothing of yours saved in {store.data_dir()}."
        if self.folders_left:
            names = ", ".join(p.name for p in self.folders_left)
            disk += (
                f" Left as they are, because they are folders the lessons did not make: {names}; move or delete them "
                "yourself if they hold anything of yours."
            )
        held = []
        if self.widgets:
            held.append(f"cleared {self.widgets} widget(s) showing your data or takes")
        if self.timelines:
            held.append(f"dropped {self.timelines} take(s) held in memory")
        if self.names:
            held.append(f"removed the variable(s) {', '.join(self.names)}")
        done = f"{', '.join(held[:-1])} and {held[-1]}" if len(held) > 1 else "".join(held)
        here = f" In this notebook it {done}." if held else " This notebook held no takes of yours."
        return f"{disk}{here} Other lessons you have open clear their own widgets and takes within a few seconds."


def delete_my_data(user_ns: dict | None = None) -> Deleted:
    """Delete the store's content and every file it wrote (backups, exports), and every recording and timeline in
    memory.

    Other kernels notice that the store was emptied and clear themselves (see :func:`memory.watch_store`).

    Parameters
    ----------
    user_ns : dict, optional
        The notebook's variables (default: the running IPython's); timelines bound there are removed.

    Raises
    ------
    StoreError
        When the data folder cannot be changed (one plain sentence; nothing is deleted then).
    """
    removed, left = store.delete_everything(extra_names=(CSV_NAME, HTML_NAME))
    folder = store.data_dir()
    with contextlib.suppress(OSError):  # export temp files of a write that was cut off
        for pattern in (f".{CSV_NAME}.*.tmp", f".{HTML_NAME}.*.tmp"):
            for leftover in folder.glob(pattern):
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
    memory.forget_store()
    cleared = memory.clear_memory(user_ns)
    return Deleted(tuple(removed), cleared.widgets, cleared.timelines, tuple(cleared.names), tuple(left))


class Downloads(anywidget.AnyWidget):
    """Buttons that hand the practice log (CSV) and the summary (HTML) to the browser as downloads.

    The files are made in memory when a button is clicked and sent once as a message: they are never written to
    the data folder, never served by Jupyter, and never kept in widget state (so not in the saved notebook).
    """

    _esm = Path(__file__).with_name("download.js")
    choices = traitlets.List(
        [["csv", "Download my practice log (CSV)"], ["html", "Download my summary (HTML)"]],
        help="(kind, button label) pairs, in order.",
    ).tag(sync=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._on_message)
        #: Called with a one-sentence problem when a download cannot be made.
        self.on_problem = None

    def payload(self, kind: str) -> dict[str, str]:
        """The message a button's click is answered with: file name, type and text."""
        if kind == "csv":
            return {"kind": kind, "name": CSV_NAME, "mime": "text/csv;charset=utf-8", "text": practice_csv()}
        if kind == "html":
            return {"kind": kind, "name": HTML_NAME, "mime": "text/html;charset=utf-8", "text": summary_html()}
        raise ValueError(f"There is no download called {kind!r}; use 'csv' or 'html'.")

    def _on_message(self, _widget, content: dict, _buffers) -> None:
        kind = content.get("want") if isinstance(content, dict) else None
        try:
            self.send(self.payload(kind))
        except (store.StoreError, ValueError) as error:
            self.send({"kind": kind})
            if callable(self.on_problem):
                self.on_problem(str(error))


class MyData(widgets.VBox):
    """Download and delete buttons for the learner's own data; delete asks once more before it acts."""

    def __init__(self, **kwargs) -> None:
        self.downloads = Downloads()
        self.downloads.on_problem = lambda text: self._settle(text)
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
        self._message = widgets.HTML(render_notice())
        self._delete.on_click(lambda _: self._ask())
        self._confirm.on_click(lambda _: self.delete())
        self._cancel.on_click(lambda _: self._settle("Nothing was deleted."))
        super().__init__(
            children=[
                self.downloads,
                widgets.HBox([self._delete, self._confirm, self._cancel]),
                self._message,
            ],
            **kwargs,
        )
        memory.remember(self)

    def export(self, folder: str | Path | None = None) -> Exported:
        """Write both files into ``folder`` (default: the data folder) and say where they are."""
        try:
            result = export_my_data(folder)
        except store.StoreError as error:
            self._settle(str(error))
            raise
        self._message.value = (
            f"<p>Written: <code>{html.escape(str(result.csv_path))}</code> and "
            f"<code>{html.escape(str(result.html_path))}</code>, readable by you only.</p>"
        )
        return result

    def _ask(self) -> None:
        self._confirm.layout.display = self._cancel.layout.display = None
        self._message.value = (
            "<p>This deletes your practice log, progress and exports from this machine and every recording and "
            "timeline held by this notebook and by the other lessons you have open. It cannot be undone.</p>"
        )

    def delete(self) -> Deleted | None:
        """Delete everything (what the confirm button does) and say what was removed, or why nothing was."""
        try:
            result = delete_my_data()
        except store.StoreError as error:
            self._settle(str(error))
            return None
        self._settle(result.message())
        return result

    def clear(self) -> bool:
        """Drop any message naming the learner's files (used when "delete everything" ran in another lesson).

        Returns False: the panel held none of the learner's data, so a delete does not count it as cleared.
        """
        self._settle("Your data was deleted.")
        return False

    def _settle(self, text: str) -> None:
        self._confirm.layout.display = self._cancel.layout.display = "none"
        self._message.value = f"<p>{html.escape(text)}</p>"
