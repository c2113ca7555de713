"""EMFACS emotion prototypes as AU intensities, for drawing *stimuli* only (never a learner's face).

The AU combinations are the EMFACS prototypes as commonly tabulated (Friesen & Ekman, EMFACS-7, 1983):
happiness 6+12; sadness 1+4+15; surprise
1+2+5B+26; fear 1+2+4+5+7+20+26; anger 4+5+7+23; disgust 9+15+16; contempt R12A+R14A (one-sided).

The emotion words label drawn faces and a textbook table. The library never turns a learner's own movements
into an emotion label, score or grade: the EU AI Act, Art. 5(1)(f), forbids inferring the emotions of people in
education.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["FACS_LEVELS", "PROTOTYPES", "Prototype", "parse_facs"]

#: FACS intensity letters (A trace ... E maximum) as drawing levels. A trace is drawn at 0.35, not 0.2:
#: at the small size of a flashed stimulus a literal trace would be invisible.
FACS_LEVELS: Mapping[str, float] = MappingProxyType({"A": 0.35, "B": 0.5, "C": 0.65, "D": 0.8, "E": 1.0})
#: Level for an AU written without a letter: a clear, typical movement.
DEFAULT_LEVEL = 0.75

# The drawing shows AU23 (lip tightener) and AU24 (lip pressor) the same way; the table is drawn with AU24.
_DRAWN_AS = {"AU23": "AU24"}
# Surprise and fear open the mouth: AU26 is drawn with the lips parted (AU25), as the tabulated faces show.
_IMPLIED = {"AU26": "AU25"}

_TERM = re.compile(r"^([LR]?)(\d{1,2})([A-E]?)$")


def parse_facs(codes: str) -> dict[str, float]:
    """Turn a FACS formula such as ``"1+2+5B+26"`` or ``"R12A+R14A"`` into drawing intensities.

    Parameters
    ----------
    codes
        AU numbers joined by ``+``, each with an optional side prefix (``L``/``R``) and intensity
        letter (A-E).

    Returns
    -------
    dict[str, float]
        Keys like ``"AU05"`` or ``"AU12_R"`` with levels from ``FACS_LEVELS`` (``DEFAULT_LEVEL`` when
        there is no letter).
    """
    intensities: dict[str, float] = {}
    for term in codes.replace(" ", "").upper().split("+"):
        match = _TERM.match(term)
        if match is None:
            raise ValueError(f"{term!r} is not a FACS term like '12', '5B' or 'R12A'.")
        side, number, letter = match.groups()
        code = _DRAWN_AS.get(f"AU{int(number):02d}", f"AU{int(number):02d}")
        level = FACS_LEVELS[letter] if letter else DEFAULT_LEVEL
        intensities[code + (f"_{side}" if side else "")] = level
        implied = _IMPLIED.get(code)
        if implied and implied not in intensities:
            intensities[implied] = level
    return intensities


@dataclass(frozen=True)
class Prototype:
    """One EMFACS prototype: the emotion word labelling the stimulus, its FACS formula, drawing levels."""

    name: str
    facs: str
    note: str = ""
    intensities: Mapping[str, float] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "intensities", MappingProxyType(parse_facs(self.facs)))

    @property
    def label(self) -> str:
        """Text for a button or legend, e.g. ``"happiness (6+12)"``."""
        return f"{self.name} ({self.facs})"


PROTOTYPES: Mapping[str, Prototype] = MappingProxyType(
    {
        p.name: p
        for p in (
            Prototype("happiness", "6+12"),
            Prototype("sadness", "1+4+15"),
            Prototype("surprise", "1+2+5B+26"),
            Prototype("fear", "1+2+4+5+7+20+26"),
            Prototype("anger", "4+5+7+23", note="AU23 is drawn as a lip press (AU24)."),
            Prototype("disgust", "9+15+16"),
            Prototype("contempt", "R12A+R14A", note="One-sided: the person's right lip corner."),
        )
    }
)
