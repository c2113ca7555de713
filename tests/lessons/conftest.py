"""Every lesson test writes the learner's file into its own temporary folder, never the real user folder."""

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(autouse=True)
def learner_folder(tmp_path, monkeypatch):
    folder = tmp_path / "learner-data"
    monkeypatch.setenv("MICROEXP_DATA", str(folder))
    return folder


@pytest.fixture
def make_frame():
    """Build a small per-frame AU table: constant AU values, optional frames with no face."""

    def build(n=30, fps=30.0, no_face=0, **au_values):
        times = np.arange(n) / fps
        face = np.ones(n, dtype=bool)
        face[:no_face] = False
        table = {"time_s": times, "face": face}
        for au in ("AU01", "AU02", "AU04", "AU06", "AU07", "AU12", "AU24"):
            column = np.full(n, float(au_values.get(au, 0.0)))
            column[~face] = np.nan
            table[au] = column
        return pd.DataFrame(table)

    return build
