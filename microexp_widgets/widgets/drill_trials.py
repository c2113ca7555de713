"""The flash drill's plan: which target is flashed for how long, in a balanced random order, part by part."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..aus import au_info
from .face_drawing import face_svg, normalize_code
from .prototypes import PROTOTYPES

BLANK = ""  # the target of a blank trial: the neutral face is "flashed", so nothing moves
_AU_LEVEL = 0.9  # a single-AU target is drawn strong: the drill tests seeing, not telling faint from absent


@dataclass(frozen=True)
class Trial:
    """One planned flash: which target (``BLANK`` for none), for how long, in which part of the drill."""

    index: int
    mode: str
    target: str
    exposure_ms: int

    @property
    def moved(self) -> bool:
        """True when something was flashed, False for a blank trial."""
        return self.target != BLANK


def _au_name(code: str) -> str:
    try:
        return au_info(code).name
    except KeyError:
        return ""


def resolve_targets(targets: Sequence[str] | Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Target label -> drawing intensities. Strings are AU codes (``"AU04"``, ``"AU01+AU02"``) or prototype names."""
    if isinstance(targets, Mapping):
        resolved = {str(label): dict(levels) for label, levels in targets.items()}
    else:
        resolved = {}
        for spec in targets:
            if spec in PROTOTYPES:
                resolved[PROTOTYPES[spec].name] = dict(PROTOTYPES[spec].intensities)
                continue
            codes = [normalize_code(part) for part in str(spec).split("+")]
            if not codes or any(code is None for code in codes):
                raise ValueError(
                    f"Target {spec!r} is neither an AU code (like 'AU04' or 'AU01+AU02') nor one of the "
                    f"prototypes ({', '.join(PROTOTYPES)})."
                )
            names = " + ".join(filter(None, (_au_name(code) for code in codes)))
            resolved[f"{'+'.join(codes)} {names}".strip()] = {code: _AU_LEVEL for code in codes}
    if not resolved:
        raise ValueError("Give the drill at least one target to flash.")
    for label, levels in resolved.items():
        if face_svg(levels) == face_svg({}):
            raise ValueError(f"Target {label!r} draws the neutral face, so there would be nothing to see.")
    return resolved


def plan_trials(
    targets: Sequence[str],
    exposures_ms: Sequence[int],
    per_exposure: Mapping[str, int],
    blanks: Mapping[str, int],
    seed: int | None,
) -> list[Trial]:
    """Plan the drill in a balanced random order, part by part.

    In each part (``per_exposure``'s keys, in order) every exposure comes up ``per_exposure[mode]`` times.
    The order is built from rounds that hold each exposure once, shuffled within the round, so an exposure
    never bunches at the start or end of a part (where a learner is fresh or tired). Within an exposure the
    targets are dealt as evenly as the count allows. ``blanks[mode]`` blank trials (nothing moves) are
    spread over the part, never first, so that "did anything move?" has a true "no".
    """
    rng = random.Random(seed)
    trials: list[Trial] = []
    for mode, rounds in per_exposure.items():
        dealt = {}
        for exposure in exposures_ms:
            pool: list[str] = []
            while len(pool) < rounds:
                shuffled = list(targets)
                rng.shuffle(shuffled)
                pool.extend(shuffled)
            dealt[exposure] = pool[:rounds]
            rng.shuffle(dealt[exposure])
        order: list[tuple[str, int]] = []
        for k in range(rounds):
            round_ = list(exposures_ms)
            rng.shuffle(round_)
            order.extend((dealt[exposure][k], exposure) for exposure in round_)
        for _ in range(blanks.get(mode, 0)):
            order.insert(rng.randint(1, len(order)), (BLANK, rng.choice(list(exposures_ms))))
        first = len(trials)
        trials.extend(Trial(first + k, mode, target, exposure) for k, (target, exposure) in enumerate(order))
    return trials


def per_mode(value: int | Mapping[str, int], modes: Sequence[str], name: str, minimum: int) -> dict[str, int]:
    counts = dict(value) if isinstance(value, Mapping) else {mode: int(value) for mode in modes}
    if set(counts) != set(modes) or any(int(n) < minimum for n in counts.values()):
        raise ValueError(f"{name} must be a whole number of at least {minimum}, or one for each of {', '.join(modes)}.")
    return {mode: int(counts[mode]) for mode in modes}
