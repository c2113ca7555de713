"""The flash drill's answers once a part is done: the plot, the same numbers as a table, and what chance gives.

It fills itself when the drill finishes, so a lesson shows it in the cell after the drill and nothing waits in the
kernel. The table is the plot's text alternative (plotly charts are not keyboard accessible, plotly/plotly.js#4264).
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

import ipywidgets as widgets

from . import drill_results

if TYPE_CHECKING:
    import pandas as pd

    from .flash_drill import FlashDrill

_PLOTLY_MIME = "application/vnd.plotly.v1+json"
_WAITING = "Finish the drill above: your answers then appear here, as a plot and as a table."
_SKIPPED = "You skipped the drill, which is fine: the reading around it explains the same idea."


def _share(count: int, total: int) -> str:
    return f"{count} of {total}" + (f" ({100 * count / total:.0f}%)" if total else "")


def answer_rows(answers: pd.DataFrame, choices: int) -> list[tuple[str, str, str, str]]:
    """The table: per part and exposure, the flashes, the "yes" answers and the right names; then the blank flashes.

    Each row is ``(part, what was flashed, "something moved" answers, movement named)`` in words.
    """
    table = drill_results.rates(answers)
    rows = []
    for _, row in table.iterrows():
        rows.append((
            row["mode"], f"a movement for {row['exposure_ms']} ms",
            _share(int(row["noticed"]), int(row["trials"])), _share(int(row["named"]), int(row["trials"])),
        ))  # fmt: skip
    for mode, (yes, answered) in drill_results.blank_yes_rates(answers).items():
        rows.append((mode, "nothing (a blank flash)", _share(yes, answered), "nothing to name"))
    if rows:
        chance = drill_results.chance_lines(choices)
        naming = f"1 in {round(1 / chance['naming'])}" if "naming" in chance else "unknown"
        rows.append(("guessing alone", "any flash", "1 in 2 right", naming))
    return rows


def render_table(rows: list[tuple[str, str, str, str]]) -> str:
    """The rows as an HTML table with header cells, every value escaped."""
    head = "".join(
        f"<th scope='col' style='text-align:left;padding:2px 1em 2px 0'>{h}</th>"
        for h in ("part", "what was flashed", "you said 'something moved'", "you named the movement")
    )
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 1em 2px 0'>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<table><caption style='text-align:left'><b>Your answers, as numbers</b></caption>" \
           f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"  # fmt: skip


class DrillResults(widgets.VBox):
    """The drill's plot and table, drawn when the drill finishes (or a sentence before that, or after a skip).

    Parameters
    ----------
    drill : FlashDrill
        The drill whose answers are shown.
    """

    def __init__(self, drill: FlashDrill, **kwargs) -> None:
        self.drill = drill
        #: What the learner reads: a sentence before the drill is done, then the table of answers.
        self.text = widgets.HTML()
        self._plot = widgets.Output()
        super().__init__(children=[self._plot, self.text], **kwargs)
        drill.observe(lambda _: self.refresh(), "status")
        self.refresh()

    def refresh(self) -> None:
        """Draw what the drill holds now."""
        status = self.drill.status
        if status == "skipped":
            self._show(None, f"<p><i>{_SKIPPED}</i></p>")
            return
        if status != "finished":
            self._show(None, f"<p><i>{_WAITING}</i></p>")
            return
        rows = answer_rows(self.drill.results, len(self.drill.choices))
        self._show(self.drill.plot(), render_table(rows))

    @property
    def rows(self) -> list[tuple[str, str, str, str]]:
        """The table's rows as shown (empty before the drill is finished)."""
        if self.drill.status != "finished":
            return []
        return answer_rows(self.drill.results, len(self.drill.choices))

    def _show(self, figure, text: str) -> None:
        self.text.value = text
        if figure is None:
            self._plot.outputs = ()
            return
        bundle = {_PLOTLY_MIME: json.loads(figure.to_json()), "text/plain": "the plot of your drill answers"}
        self._plot.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)
