"""A take's movements in words, for the lessons: how many of each kind, the brow movement to read, any rogue brow.

Descriptions only: what moved, when and for how long. A movement cut off by the start or end of a take has no known
length (docs/faults.md P8), so it is counted apart and never used as an example.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..spotting import MICRO_MAX_MS

if TYPE_CHECKING:
    import pandas as pd

    from ..timeline import AUTimeline

_BROWS = {"AU01": "inner brows raised", "AU02": "outer brows raised", "AU04": "brows pulled down"}
#: What "short" means, said wherever the kinds are counted.
SHORT_MEANS = (
    f"'short' is a movement of {MICRO_MAX_MS:.0f} ms or less on a take analysed at under 20 frames per second, too "
    "few to time it as micro"
)


def _value(event, name: str):
    return event[name] if isinstance(event, dict) else getattr(event, name)


def _analysed_span(timeline) -> tuple[float, float] | None:
    """Times of the first and last frames with a face, or ``None`` when there is no frame table."""
    frame = getattr(timeline, "frame", None)
    if frame is None or "time_s" not in frame:
        return None
    faces = frame[frame["face"].astype(bool)] if "face" in frame else frame
    if faces.empty:
        return None
    return float(faces["time_s"].min()), float(faces["time_s"].max())


def complete_brow_events(timeline) -> tuple[list, int]:
    """Brow events that lie wholly inside the take, and how many were cut off by its start or end.

    An event that touches the first or last analysed frame may have begun before the take or ended after it, so
    its timing is unknown: it is never presented as a rogue brow (docs/faults.md P8).
    """
    span = _analysed_span(timeline)
    complete, cut = [], 0
    for event in getattr(timeline, "events", ()):
        if _value(event, "au") not in _BROWS:
            continue
        touches = span is not None and (_value(event, "onset_s") <= span[0] or _value(event, "offset_s") >= span[1])
        if touches or _value(event, "kind") not in ("micro", "macro", "short"):
            cut += 1
        else:
            complete.append(event)
    return complete, cut


def brow_lines(timeline) -> list[str]:
    """Lesson 06: the brow movements of a take, with their timing, and the article's advice for a rogue brow."""
    own = getattr(timeline, "is_own_take", True)
    brows, cut = complete_brow_events(timeline)
    where = "your take" if own else "the sample clip"
    lines = []
    for event in brows[:3]:
        au = _value(event, "au")
        lines.append(
            f"In {where}, at {_value(event, 'onset_s'):.1f} s: {_BROWS[au]} ({au}) for "
            f"{_value(event, 'duration_ms'):.0f} ms ({_value(event, 'kind')})."
        )
    if brows and own:
        lines.append("If one of those felt like a rogue brow, the article's advice is to roll with it: ask a "
                     "question, share a laugh.")  # fmt: skip
    if not brows:
        lines.append(f"No whole brow movement stood out in {where}.")
    if cut:
        lines.append(
            f"{cut} brow movement(s) at the very start or end of the take are left out: the take cut them off, "
            "so their length is unknown."
        )
    return lines


def brow_scrunch(timeline: AUTimeline) -> str:
    """Lesson 01: the brow movement to read, as onset, apex, offset and duration, in two lines.

    The scrunch (AU04) first; otherwise the brows rising (AU01, AU02), the briefest kind first. Only whole movements
    whose apex comes after their onset: one whose apex is its first frame is a jump, not a movement to time.
    """
    kinds = {"micro": 0, "short": 1, "macro": 2}
    found = sorted(
        (e for e in timeline.events if e.au in _BROWS and e.complete and e.apex_s > e.onset_s),
        key=lambda e: (e.au != "AU04", kinds.get(e.kind, 3), e.onset_s),
    )
    if not found:
        return "No whole brow movement stood out. Try a quicker, clearer scrunch in the middle of the take."
    e = found[0]
    return (
        f"{e.au}: onset {e.onset_s:.2f} s, apex {e.apex_s:.2f} s, offset {e.offset_s:.2f} s\n"
        f"duration {e.duration_ms:.0f} ms, so the tool labels it {e.kind}"
    )


def movement_kinds(timeline: AUTimeline, shortest: int = 8) -> pd.DataFrame:
    """Lesson 02: print how many movements of each kind the take has, and return its briefest whole movements."""
    events = timeline.events_frame()
    kinds = events["kind"].value_counts()
    print(
        f"{len(events)} movements spotted: {kinds.get('micro', 0)} micro, {kinds.get('short', 0)} short, "
        f"{kinds.get('macro', 0)} macro, {kinds.get('cut_off', 0)} cut off by the start or end of the take "
        f"(their length is unknown). 'micro' only means {MICRO_MAX_MS:.0f} ms or less; {SHORT_MEANS}."
    )
    whole = events[events["kind"] != "cut_off"].sort_values("duration_ms").head(shortest)
    return whole[["au", "onset_s", "apex_s", "offset_s", "duration_ms", "kind"]].reset_index(drop=True)
