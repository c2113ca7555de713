"""The figures an engine test measures: printed per engine, recorded as test properties, and, when
``MICROEXP_ENGINE_FIGURES`` names a file, added to it as one JSON line each (``measure_engines.py`` reads them)."""

from __future__ import annotations

import json
import os
import time


def report(engine: str, what: str, figures: dict, record_property=None) -> None:
    shown = ", ".join(
        f"{key} {value:.3g}" if isinstance(value, float) else f"{key} {value}" for key, value in figures.items()
    )
    print(f"\n[{engine}] {what}: {shown}")
    if record_property is not None:
        for key, value in figures.items():
            record_property(f"{engine}.{what}.{key}", round(value, 4) if isinstance(value, float) else value)
    target = os.environ.get("MICROEXP_ENGINE_FIGURES")
    if target:
        line = {"engine": engine, "what": what, "at": time.time(), "load": os.getloadavg()[0], **figures}
        with open(target, "a") as out:
            out.write(json.dumps(line) + "\n")
