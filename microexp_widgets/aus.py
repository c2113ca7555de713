"""The Action Unit table: which facial movement each MediaPipe blendshape stands for.

The mapping follows py-feat's AU reference page (``docs/pages/au_reference.md`` in cosanlab/py-feat), which calls itself
approximate; ARKit documents each coefficient as 0 (neutral) to 1 (maximum) but publishes no FACS table.
``eyeWide*`` and ``noseSneer*`` stay near zero for most faces (mediapipe issues #4450 and #4436), and ``cheekSquint*``
stayed below 0.00001 through both smiling sample clips here, so AU05, AU06 and AU09 are marked unreliable rather than
plotted as if a flat line meant "absent".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

REGIONS = ("brows", "eyes", "cheeks", "mouth", "jaw")

_WEAK = (
    "This model barely moves this channel for many faces (mediapipe issue #4450): a flat line does not mean the "
    "muscle was still."
)
_WEAK_CHEEKS = (
    "In this project's two sample clips this channel stayed near 0 even through broad smiles: a flat line may not "
    "mean the cheeks were still."
)


@dataclass(frozen=True)
class ActionUnit:
    """One FACS Action Unit and the blendshapes that estimate it."""

    code: str
    name: str
    muscle: str
    region: str
    blendshapes: tuple[str, ...]
    reliable: bool = True
    note: str = ""

    @property
    def bilateral(self) -> bool:
        """True when the left and right halves of the face are measured separately."""
        return any(b.endswith("Left") for b in self.blendshapes)


def _pair(stem: str) -> tuple[str, str]:
    return (f"{stem}Left", f"{stem}Right")


AU_TABLE: tuple[ActionUnit, ...] = (
    ActionUnit("AU01", "inner brow raiser", "frontalis, pars medialis", "brows", ("browInnerUp",)),
    ActionUnit("AU02", "outer brow raiser", "frontalis, pars lateralis", "brows", _pair("browOuterUp")),
    ActionUnit("AU04", "brow lowerer", "corrugator supercilii, depressor supercilii", "brows", _pair("browDown")),
    ActionUnit("AU05", "upper lid raiser", "levator palpebrae superioris", "eyes", _pair("eyeWide"), False, _WEAK),
    ActionUnit(
        "AU06",
        "cheek raiser",
        "orbicularis oculi, pars orbitalis",
        "cheeks",
        _pair("cheekSquint"),
        False,
        _WEAK_CHEEKS,
    ),
    ActionUnit("AU07", "lid tightener", "orbicularis oculi, pars palpebralis", "eyes", _pair("eyeSquint")),
    ActionUnit(
        "AU09", "nose wrinkler", "levator labii superioris alaeque nasi", "cheeks", _pair("noseSneer"), False, _WEAK
    ),
    ActionUnit("AU10", "upper lip raiser", "levator labii superioris", "mouth", _pair("mouthUpperUp")),
    ActionUnit("AU12", "lip corner puller", "zygomaticus major", "mouth", _pair("mouthSmile")),
    ActionUnit(
        "AU14",
        "dimpler",
        "buccinator",
        "mouth",
        _pair("mouthDimple"),
        note="Often one-sided (right-only AU14 is part of the textbook contempt pattern).",
    ),
    ActionUnit("AU15", "lip corner depressor", "depressor anguli oris", "mouth", _pair("mouthFrown")),
    ActionUnit("AU16", "lower lip depressor", "depressor labii inferioris", "mouth", _pair("mouthLowerDown")),
    ActionUnit("AU17", "chin raiser", "mentalis", "jaw", ("mouthShrugLower",)),
    ActionUnit("AU18", "lip pucker", "incisivii labii superioris and inferioris", "mouth", ("mouthPucker",)),
    ActionUnit("AU20", "lip stretcher", "risorius with platysma", "mouth", _pair("mouthStretch")),
    ActionUnit("AU22", "lip funneler", "orbicularis oris", "mouth", ("mouthFunnel",)),
    ActionUnit(
        "AU24",
        "lip pressor",
        "orbicularis oris",
        "mouth",
        _pair("mouthPress"),
        note="One blendshape covers both lip tightener (AU23) and lip pressor (AU24).",
    ),
    ActionUnit(
        "AU25",
        "lips part",
        "depressor labii inferioris, relaxed mentalis",
        "jaw",
        ("jawOpen",),
        note="Graded from jawOpen: the lips part first, as the jaw starts to open.",
    ),
    ActionUnit(
        "AU26",
        "jaw drop",
        "masseter relaxed, pterygoids",
        "jaw",
        ("jawOpen",),
        note="Graded from jawOpen: a moderate opening.",
    ),
    ActionUnit(
        "AU27",
        "mouth stretch",
        "pterygoids, digastric",
        "jaw",
        ("jawOpen",),
        note="Graded from jawOpen: a wide opening only.",
    ),
    ActionUnit("AU28", "lip suck", "orbicularis oris", "mouth", ("mouthRollLower", "mouthRollUpper")),
    ActionUnit(
        "AU45",
        "blink / eyes closed",
        "orbicularis oculi relaxed levator",
        "eyes",
        _pair("eyeBlink"),
        note="A closure shorter than about half a second is a blink (AU45); a longer one is eyes closed (AU43).",
    ),
)

AU_CODES: tuple[str, ...] = tuple(au.code for au in AU_TABLE)
_BY_CODE = {au.code: au for au in AU_TABLE}

# jawOpen ranges in which each graded AU goes from 0 to 1: parted lips come first, a wide stretch last.
_JAW_GRADES = {"AU25": (0.02, 0.15), "AU26": (0.10, 0.45), "AU27": (0.45, 0.85)}


def au_info(code: str) -> ActionUnit:
    """Return the table row for an AU code such as ``"AU12"``."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(
            f"{code!r} is not an Action Unit this library measures; known codes: {', '.join(AU_CODES)}."
        ) from None


def au_reference():
    """The AU table as the lessons show it (pandas): code, movement, muscle, region, and whether it reads well here."""
    import pandas as pd

    rows = [(au.code, au.name, au.muscle, au.region, "yes" if au.reliable else "weak") for au in AU_TABLE]
    return pd.DataFrame(rows, columns=["AU", "movement", "muscle", "region", "reliable here"])


def _graded(values: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip((values - low) / (high - low), 0.0, 1.0)


def aus_from_blendshapes(blendshapes: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Map per-frame blendshape arrays to AU intensity arrays in 0..1.

    Bilateral AUs get the mean of both sides, plus ``AUxx_L`` and ``AUxx_R`` columns (the person's left and right as
    MediaPipe labels them). NaN (no face) stays NaN.
    """
    out: dict[str, np.ndarray] = {}
    for au in AU_TABLE:
        if au.code in _JAW_GRADES:
            out[au.code] = _graded(np.asarray(blendshapes["jawOpen"], dtype=float), *_JAW_GRADES[au.code])
            continue
        sources = [np.asarray(blendshapes[name], dtype=float) for name in au.blendshapes]
        if au.bilateral:
            left, right = sources
            out[au.code] = (left + right) / 2.0
            out[f"{au.code}_L"] = left
            out[f"{au.code}_R"] = right
        else:
            out[au.code] = sources[0] if len(sources) == 1 else np.mean(sources, axis=0)
    return out
