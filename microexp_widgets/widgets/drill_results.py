"""Flash-drill results: noticing and naming rates per exposure with Wilson intervals, for one learner or a room.

Each trial asks two questions: "did anything move?" (noticing) and "which movement?" (naming). Rates are
shares of the trials in which something was flashed; blank trials (nothing moved) give the share of "yes"
answers that had nothing behind them. An anonymous export keeps only these answers and the timing, never a
name, a date or a face, so a facilitator can pool a room's files.
"""

from __future__ import annotations

import contextlib
import math
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SaveError, os_reason

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = [
    "ANONYMOUS_COLUMNS",
    "wilson_interval",
    "rates",
    "blank_yes_rates",
    "rate_figure",
    "save_anonymous",
    "load_room",
    "room_figure",
]

MODE_ORDER = ("pre-test", "practice", "post-test")
#: The columns of an anonymous export: the answers and the timing, nothing that identifies anyone.
ANONYMOUS_COLUMNS = ["mode", "moved", "exposure_ms", "measured_ms", "on_time", "noticed", "named"]
_Z95 = 1.959964


def wilson_interval(successes: int, trials: int, z: float = _Z95) -> tuple[float, float]:
    """The Wilson score interval for a share (95 % by default); (0, 1) when there are no trials.

    Unlike the plain "p plus or minus two standard errors", it stays inside 0..1 and is sensible for the
    handful of trials a learner does per exposure, including 0 of 8 and 8 of 8.
    """
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def _ordered_modes(modes: Iterable[str]) -> list[str]:
    seen = list(dict.fromkeys(modes))
    return sorted(seen, key=lambda m: MODE_ORDER.index(m) if m in MODE_ORDER else len(MODE_ORDER))


def rates(answers: pd.DataFrame) -> pd.DataFrame:
    """Noticing and naming rates per mode and exposure, over the trials in which something moved.

    Parameters
    ----------
    answers
        Rows with ``mode``, ``moved``, ``exposure_ms``, ``noticed`` and ``named`` (booleans; a row whose
        ``noticed`` is missing was not answered and is left out).

    Returns
    -------
    pandas.DataFrame
        Columns ``mode``, ``exposure_ms``, ``trials``, ``noticed``, ``named``, ``notice_rate``,
        ``notice_low``, ``notice_high``, ``name_rate``, ``name_low``, ``name_high`` (shares 0..1).
    """
    import pandas as pd

    columns = ["mode", "exposure_ms", "trials", "noticed", "named", "notice_rate", "notice_low", "notice_high",
               "name_rate", "name_low", "name_high"]  # fmt: skip
    done = answers[answers["noticed"].notna() & answers["moved"].astype(bool)]
    rows = []
    for mode in _ordered_modes(done["mode"]):
        part = done[done["mode"] == mode]
        for exposure in sorted(part["exposure_ms"].unique()):
            cell = part[part["exposure_ms"] == exposure]
            n = len(cell)
            noticed = int(cell["noticed"].astype(bool).sum())
            named = int(cell["named"].astype(bool).sum())
            rows.append(
                [mode, int(exposure), n, noticed, named, noticed / n, *wilson_interval(noticed, n),
                 named / n, *wilson_interval(named, n)]
            )  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def blank_yes_rates(answers: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Per mode: (times "something moved" was answered on a blank trial, blank trials answered)."""
    done = answers[answers["noticed"].notna() & ~answers["moved"].astype(bool)]
    return {
        mode: (int(done.loc[done["mode"] == mode, "noticed"].astype(bool).sum()), int((done["mode"] == mode).sum()))
        for mode in _ordered_modes(done["mode"])
    }


_QUESTION_STYLE = {"noticing": ("#1b7837", "solid"), "naming": ("#762a83", "dash")}
_MODE_SYMBOL = {"pre-test": "circle", "practice": "diamond", "post-test": "square"}


def rate_figure(table: pd.DataFrame, title: str = "Noticing and naming against exposure time") -> go.Figure:
    """Noticing and naming (%) against exposure (ms), one line per question and mode, Wilson intervals as bars."""
    import plotly.graph_objects as go

    figure = go.Figure()
    modes = _ordered_modes(table["mode"])
    offsets = {mode: (k - (len(modes) - 1) / 2) * 0.03 for k, mode in enumerate(modes)}
    for mode in modes:
        part = table[table["mode"] == mode]
        for question, prefix in (("noticing", "notice"), ("naming", "name")):
            colour, dash = _QUESTION_STYLE[question]
            rate, low, high = part[f"{prefix}_rate"], part[f"{prefix}_low"], part[f"{prefix}_high"]
            count = part["noticed" if question == "noticing" else "named"]
            figure.add_trace(
                go.Scatter(
                    # Modes sit a little apart on the log axis so their interval bars do not hide each other.
                    x=part["exposure_ms"] * 10 ** offsets[mode],
                    y=100 * rate,
                    error_y={"type": "data", "array": 100 * (high - rate), "arrayminus": 100 * (rate - low),
                             "thickness": 1},
                    mode="lines+markers",
                    name=f"{question} ({mode})" if len(modes) > 1 else question,
                    line={"color": colour, "dash": dash},
                    marker={"symbol": _MODE_SYMBOL.get(mode, "circle"), "size": 8},
                    customdata=list(zip(part["exposure_ms"], count, part["trials"], strict=True)),
                    hovertemplate="%{customdata[0]} ms: %{customdata[1]} of %{customdata[2]} (%{y:.0f}%)"
                    "<extra>%{fullData.name}</extra>",
                )
            )  # fmt: skip
    exposures = sorted(table["exposure_ms"].unique()) if len(table) else [40, 200, 500]
    figure.update_layout(
        title=title,
        xaxis={"title": "exposure (ms, log scale)", "type": "log", "tickvals": exposures},
        yaxis={"title": "share of flashes (%)", "range": [-5, 105]},
        template="simple_white",
        height=380,
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False)


def save_anonymous(answers: pd.DataFrame, folder: str | Path = ".") -> Path:
    """Write the answers as an anonymous CSV file with a random name in ``folder`` and return its path.

    Only :data:`ANONYMOUS_COLUMNS` are written: no name, no date, no trial order, no face.

    Raises
    ------
    microexp_widgets.errors.SaveError
        One plain sentence when the file cannot be written (docs/faults.md T2); no part of it is left.
    """
    folder = Path(folder)
    path = folder / f"drill-{secrets.token_hex(4)}.csv"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_csv(answers.loc[answers["noticed"].notna(), ANONYMOUS_COLUMNS], path)
    except OSError as error:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        raise SaveError(
            f"Your drill answers could not be saved in {folder} because {os_reason(error)}; choose another folder "
            "(or free some space) and press the button again."
        ) from error
    return path


def load_room(paths: Sequence[str | Path]) -> pd.DataFrame:
    """Read and stack anonymous drill files; a file of another shape is refused with its name."""
    import pandas as pd

    frames = []
    for path in paths:
        frame = pd.read_csv(path)
        missing = [c for c in ANONYMOUS_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"{Path(path).name} is not an exported drill file: it lacks {', '.join(missing)}.")
        frames.append(frame[ANONYMOUS_COLUMNS].assign(file=Path(path).name))
    if not frames:
        raise ValueError("No drill files given: collect the learners' drill-*.csv files first.")
    return pd.concat(frames, ignore_index=True)


def room_figure(paths: Sequence[str | Path], modes: Sequence[str] = ("pre-test", "post-test")) -> go.Figure:
    """The room's pooled noticing and naming curves, before and after practice, from exported files."""
    answers = load_room(paths)
    answers = answers[answers["mode"].isin(modes)]
    learners = answers["file"].nunique()
    return rate_figure(rates(answers), title=f"The room: noticing and naming ({learners} learners, pooled)")
