"""AUFace: a drawn face with a slider per Action Unit, EMFACS presets, and replay of a take without any photo."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import traitlets

from .. import _learner_data
from ._base import refuse_unknown_keywords
from .face_drawing import face_svg, normalize_code
from .prototypes import PROTOTYPES

__all__ = ["AUFace"]

# The longest slider label ("AU15 lip corner depressor") needs about 175 px in JupyterLab's 13 px UI font; the grid
# fits as many slider columns as the notebook is wide, so a long label never has to be cut.
_LABEL_PX = 185
_SLIDER_PX = 345

# Traits another widget (a TimelineView) may use for its time cursor, tried in this order by link().
_CURSOR_TRAITS = ("time_s", "cursor_s", "cursor_time_s")


def _au_labels() -> dict[str, tuple[str, str]]:
    """AU code -> (short name, hover text) from the AU table."""
    from ..aus import AU_TABLE

    labels = {}
    for au in AU_TABLE:
        hover = f"{au.code} {au.name} ({au.muscle})"
        if not au.reliable:  # replayed takes show this AU near 0 for most faces: say why on the slider
            hover += f". {au.note}"
        labels[au.code] = (au.name, hover)
    return labels


class _Replay:
    """A timeline reduced to what the drawing needs: frame times and AU values (no video, no blendshapes)."""

    def __init__(self, timeline: Any) -> None:
        frame = getattr(timeline, "frame", timeline)
        try:
            times = frame["time_s"].to_numpy(dtype=float)
        except (KeyError, TypeError, AttributeError):
            raise TypeError(
                "show_timeline() needs an AUTimeline (or its .frame table with a time_s column), "
                f"not {type(timeline).__name__}."
            ) from None
        if len(times) == 0:
            raise ValueError("This take has no frames to replay; record or choose another clip.")
        self.columns = [c for c in frame.columns if normalize_code(str(c)) == str(c)]
        own = getattr(timeline, "is_own_take", None)  # a bare frame table does not say whose face it is
        self.whose = "the take" if own is None else ("your take" if own else "the sample clip")
        self.times = times.tolist()
        self.values = frame[self.columns].to_numpy(dtype=float).tolist()
        self.face = frame["face"].to_numpy(dtype=bool).tolist() if "face" in frame else [True] * len(times)
        self.start_s, self.end_s = self.times[0], self.times[-1]
        steps = [b - a for a, b in zip(self.times, self.times[1:], strict=False) if b > a]
        self.step_ms = max(1, round(1000 * sorted(steps)[len(steps) // 2])) if steps else 40

    def at(self, time_s: float) -> tuple[dict[str, float] | None, float]:
        """Intensities of the frame on screen at ``time_s`` (``None`` if it had no face) and that frame's time."""
        # Half a millisecond of slack: the cursor moves in whole milliseconds, frame times do not.
        i = max(0, bisect_right(self.times, time_s + 0.0005) - 1)
        if not self.face[i]:
            return None, self.times[i]
        row = {c: v for c, v in zip(self.columns, self.values[i], strict=True) if not math.isnan(v)}
        return row, self.times[i]


class AUFace(widgets.VBox):
    """A drawn face (SVG, never a photo) whose brows, lids, cheeks, lips and jaw follow AU intensities.

    Move a slider to see one movement; press a preset to see an EMFACS prototype (the emotion words label the
    drawn stimulus, never a person); call :meth:`show_timeline` to replay a learner's take on the drawing in step
    with a time cursor, so a take can be discussed without showing anyone's face.

    Parameters
    ----------
    intensities
        Starting AU intensities, e.g. ``{"AU12": 0.8}``; side keys such as ``"AU12_R"`` are allowed.
    size
        Width of the drawing in pixels.
    **kwargs
        Passed to :class:`ipywidgets.VBox` (``layout`` ...).

    Examples
    --------
    >>> face = AUFace({"AU04": 0.7})
    >>> face.show_prototype("surprise")
    >>> face.reset()
    """

    intensities = traitlets.Dict(
        help="AU code -> intensity 0..1 currently drawn; side keys (AU12_R) override the bilateral key."
    )
    """Type: dict[str, float]. Default: ``{}`` (the neutral face). Assigning a new dict redraws the face."""

    time_s = traitlets.Float(
        0.0, help="Replay cursor in seconds; drives the drawing while a timeline is shown (see show_timeline)."
    )
    """Type: float. Default: 0.0. Link it to a TimelineView's cursor with :meth:`link`."""

    def __init__(self, intensities: Mapping[str, float] | None = None, *, size: int = 240, **kwargs: Any) -> None:
        refuse_unknown_keywords(self, kwargs)
        face_svg({}, size=size)  # validates size with the drawing's own plain message
        self._size = size
        self._replay: _Replay | None = None
        self._updating = False  # True while this class moves its own controls, so their observers stay quiet
        self._picture = widgets.HTML(layout=widgets.Layout(width=f"{size + 8}px", min_width=f"{size + 8}px"))
        #: The words under the drawn face.
        self.caption = widgets.HTML("<small>A drawn face: no photo, no camera.</small>")
        #: One slider per drawn AU, by code: moving one changes :attr:`intensities`, as the learner's hand does.
        self.sliders = self._make_sliders()
        #: The prototype buttons, in the order shown; clicking one sets the sliders.
        self.preset_buttons = self._make_presets()
        #: The replay's Play button (the browser advances :attr:`cursor` by itself).
        self.play = widgets.Play(min=0, max=1000, step=40, interval=40, description="Replay", show_repeat=False)
        #: The replay's time slider, in ms from the take's start; shown only while a take is replayed.
        self.cursor = widgets.IntSlider(
            min=0, max=1000, step=40, description="time (ms)", continuous_update=True,
            style={"description_width": "70px"}, layout=widgets.Layout(width="420px"),
        )  # fmt: skip
        # The browser advances the slider by itself (jslink), so replay never blocks the kernel.
        self._play_link = widgets.jslink((self.play, "value"), (self.cursor, "value"))
        self.cursor.observe(self._on_cursor, names="value")
        #: The row holding :attr:`play` and :attr:`cursor`, hidden when no take is shown.
        self.replay_row = widgets.HBox([self.play, self.cursor], layout=widgets.Layout(display="none"))
        controls = widgets.VBox(
            [widgets.HBox(self.preset_buttons, layout=widgets.Layout(flex_flow="row wrap")),
             widgets.GridBox(list(self.sliders.values()),
                             layout=widgets.Layout(grid_template_columns=f"repeat(auto-fill, {_SLIDER_PX}px)"))],
            layout=widgets.Layout(flex="1 1 auto"),
        )  # fmt: skip
        picture = widgets.VBox(
            [self._picture, self.caption], layout=widgets.Layout(flex="0 0 auto", width=f"{size + 16}px")
        )
        super().__init__([widgets.HBox([picture, controls]), self.replay_row], **kwargs)
        self.observe(self._on_intensities, names="intensities")
        self.observe(self._on_time, names="time_s")
        self.intensities = dict(intensities or {})
        self._draw()
        _learner_data.register(self, AUFace.clear_timeline)

    # -- building ------------------------------------------------------------------------------------

    def _make_sliders(self) -> dict[str, widgets.FloatSlider]:
        sliders = {}
        for code, (name, hover) in _au_labels().items():
            slider = widgets.FloatSlider(
                value=0.0, min=0.0, max=1.0, step=0.05, readout_format=".2f", continuous_update=True,
                description=f"{code} {name}".strip(), tooltip=hover,
                style={"description_width": f"{_LABEL_PX}px"}, layout=widgets.Layout(width=f"{_SLIDER_PX - 5}px"),
            )  # fmt: skip
            slider.observe(self._on_slider(code), names="value")
            sliders[code] = slider
        return sliders

    def _make_presets(self) -> list[widgets.Button]:
        buttons = []
        neutral = widgets.Button(description="neutral", tooltip="Reset every AU to 0", layout={"width": "auto"})
        neutral.on_click(lambda _b: self.reset())
        buttons.append(neutral)
        for name, proto in PROTOTYPES.items():
            button = widgets.Button(
                description=proto.label, tooltip=f"EMFACS prototype (drawn stimulus): {proto.note}".strip(": "),
                layout={"width": "auto"},
            )  # fmt: skip
            button.on_click(lambda _b, name=name: self.show_prototype(name))
            buttons.append(button)
        return buttons

    # -- public API ----------------------------------------------------------------------------------

    @property
    def svg(self) -> str:
        """The SVG currently drawn."""
        return self._picture.value

    def reset(self) -> None:
        """Return every AU to 0 (the neutral face)."""
        self.intensities = {}

    def show_prototype(self, name: str) -> None:
        """Draw an EMFACS prototype by its emotion word (``"happiness"``, ``"contempt"`` ...)."""
        try:
            self.intensities = dict(PROTOTYPES[name].intensities)
        except KeyError:
            raise ValueError(f"No prototype called {name!r}; choose one of: {', '.join(PROTOTYPES)}.") from None

    def show_timeline(self, timeline: Any) -> None:
        """Replay a take on the drawn face with a play button and a time slider.

        Parameters
        ----------
        timeline
            An ``AUTimeline`` (or its ``.frame`` table). Only the AU columns and times are kept; no video.
        """
        self._replay = _Replay(timeline)
        start_ms, end_ms = round(1000 * self._replay.start_s), round(1000 * self._replay.end_s)
        self._updating = True
        try:
            for control in (self.play, self.cursor):
                control.min = 0  # widen first so the new range never fails min <= max on the way
                control.max = max(end_ms, start_ms + 1)
                control.min, control.step, control.value = start_ms, self._replay.step_ms, start_ms
            self.play.interval = self._replay.step_ms  # one frame per tick: replay runs at the take's own pace
        finally:
            self._updating = False
        self.replay_row.layout.display = "flex"
        self.time_s = self._replay.start_s
        self._show_time(self._replay.start_s)

    @property
    def replaying(self) -> bool:
        """True while a take is shown (the face follows its frames, not the sliders)."""
        return self._replay is not None

    def clear_timeline(self) -> None:
        """Stop replaying and forget the take; the sliders drive the face again."""
        self._replay = None
        self.play.playing = False
        self.replay_row.layout.display = "none"
        self.caption.value = "<small>A drawn face: no photo, no camera.</small>"
        self.reset()

    def link(self, other: widgets.Widget) -> traitlets.link:
        """Keep this face's ``time_s`` and another widget's time cursor equal (both directions).

        Parameters
        ----------
        other
            A widget with a ``time_s`` (or ``cursor_s``) trait, such as a TimelineView.

        Returns
        -------
        traitlets.link
            Call ``.unlink()`` on it to stop following.
        """
        for name in _CURSOR_TRAITS:
            if other.has_trait(name):
                return traitlets.link((other, name), (self, "time_s"))
        raise TypeError(f"{type(other).__name__} has no time cursor ({' or '.join(_CURSOR_TRAITS)}) to follow.")

    # -- reactions -----------------------------------------------------------------------------------

    def _draw(self) -> None:
        self._picture.value = face_svg(self.intensities, size=self._size)

    def _on_intensities(self, change: dict) -> None:
        self._draw()
        levels = change["new"]
        self._updating = True
        try:
            for code, slider in self.sliders.items():
                value = levels.get(code)
                if value is None:  # one-sided only: show the stronger side on the bilateral slider
                    value = max(levels.get(f"{code}_L", 0.0), levels.get(f"{code}_R", 0.0))
                value = 0.0 if math.isnan(value) else min(1.0, max(0.0, float(value)))
                if abs(slider.value - value) > 1e-9:
                    slider.value = value
        finally:
            self._updating = False

    def _on_slider(self, code: str):
        def react(change: dict) -> None:
            if self._updating:
                return
            # A learner's slider sets both sides, so it replaces any one-sided value of the same AU.
            kept = {k: v for k, v in self.intensities.items() if k not in (code, f"{code}_L", f"{code}_R")}
            self.intensities = {**kept, code: float(change["new"])}

        return react

    def _on_cursor(self, change: dict) -> None:
        if not self._updating:
            self.time_s = change["new"] / 1000.0

    def _on_time(self, change: dict) -> None:
        if self._replay is None:
            return
        time_s = float(change["new"])
        self._updating = True
        try:
            self.cursor.value = min(self.cursor.max, max(self.cursor.min, round(1000 * time_s)))
        finally:
            self._updating = False
        self._show_time(time_s)

    def _show_time(self, time_s: float) -> None:
        assert self._replay is not None
        row, frame_time = self._replay.at(time_s)
        where = f"{frame_time:.2f} s of {self._replay.end_s:.2f} s"
        if row is None:
            self.caption.value = (
                f"<small>Replay of {self._replay.whose} as a drawn face, {where}: no face in this frame.</small>"
            )
            self.intensities = {}
        else:
            self.caption.value = f"<small>Replay of {self._replay.whose} as a drawn face, {where}.</small>"
            self.intensities = row
