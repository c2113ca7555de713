"""FAULTS.md rows M1, M2 and M4 on real footage with the real model."""

from __future__ import annotations

import gc

import numpy as np
import psutil
import pytest
from footage import encode, read_frames

from microexp_widgets import analyze_video
from microexp_widgets.assets import sample_path, verified_model_path
from microexp_widgets.face import FaceTracker

pytestmark = pytest.mark.slow


def test_M1_clip_without_a_face_gives_nan_rows_a_warning_and_no_events():
    timeline = analyze_video(sample_path("no_face"))
    assert timeline.frames > 50
    assert timeline.face_frames == 0
    assert not timeline.frame["face"].any()
    assert timeline.frame[timeline.au_codes].isna().all().all()
    assert timeline.events == []
    assert any("No face" in w for w in timeline.warnings)


@pytest.mark.parametrize("name, face_first", [("face_noface", True), ("noface_face", False)])
def test_M1_face_that_leaves_or_arrives_is_measured_only_while_there(name, face_first):
    timeline = analyze_video(sample_path(name))
    face = timeline.frame["face"].to_numpy()
    assert 0 < timeline.face_frames < timeline.frames
    quarter = len(face) // 4
    assert (face[:quarter] == face_first).all()
    assert (face[-quarter:] != face_first).mean() > 0.8
    assert np.isnan(timeline.frame.loc[~face, "AU12"]).all()
    assert not np.isnan(timeline.frame.loc[face, "AU12"]).any()
    for event in timeline.events:  # no event invented where no face was seen
        inside = timeline.frame[
            (timeline.frame.time_s >= event.onset_s) & (timeline.frame.time_s < event.offset_s - 1e-3)
        ]
        assert inside["face"].all()
    assert any(f"found in {timeline.face_frames} of {timeline.frames}" in w for w in timeline.warnings)


def test_M1_face_that_leaves_and_returns_is_found_again_without_a_start_up_swing():
    frames = read_frames(sample_path("pexels"), 160, 200)
    hidden = [np.full_like(f, 128) for f in frames[:24]]  # the face leaves the picture for one second
    timeline = analyze_video(encode(frames[:20] + hidden + frames[20:], "mp4"))
    face = timeline.frame["face"].to_numpy()
    assert face[:20].all() and not face[20:44].any() and face[44:].all()
    assert timeline.events == []  # a neutral face coming back is not a movement
    assert any("found in 40 of 64 frames" in w for w in timeline.warnings)


def _all_face_areas(rgb: np.ndarray) -> list[float]:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(verified_model_path())), num_faces=10
    )
    with vision.FaceLandmarker.create_from_options(options) as landmarker:
        result = landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb))
    areas = []
    for face in result.face_landmarks:
        xs, ys = [p.x for p in face], [p.y for p in face]
        areas.append((max(xs) - min(xs)) * (max(ys) - min(ys)))
    return areas


def test_M2_with_several_faces_the_largest_is_followed_with_a_warning():
    from PIL import Image

    image = np.asarray(Image.open(sample_path("multi_face")).convert("RGB"))
    height, width = image.shape[0] // 2 * 2, image.shape[1] // 2 * 2
    image = np.ascontiguousarray(image[:height, :width])
    clip = encode([image] * 12, "mp4")
    timeline = analyze_video(clip)
    assert any("More than one face" in w for w in timeline.warnings)
    assert timeline.face_frames == 12
    areas = sorted(_all_face_areas(image), reverse=True)
    assert len(areas) >= 2
    followed = (timeline.frame["face_w"] * timeline.frame["face_h"]).to_numpy()
    assert np.allclose(followed, areas[0], rtol=0.15)  # every frame: the largest face, not the second
    assert areas[1] < 0.85 * areas[0]  # the check above can tell the two apart


# One more try: after a long run of other tests the heap is still settling and the first 12 clips can read high
# (67 MB once in three full runs on 2026-11-27); a second round in the same, warmer process measures the growth.
@pytest.mark.flaky(reruns=1)
def test_M4_many_clips_in_one_process_keep_memory_flat_and_close_every_landmarker():
    process = psutil.Process()
    clip = sample_path("single_face").read_bytes()
    for _ in range(3):  # warm-up: allocator pools and lazy imports settle
        analyze_video(clip)
    gc.collect()
    before = process.memory_info().rss
    for _ in range(12):
        analyze_video(clip)
    gc.collect()
    growth_mb = (process.memory_info().rss - before) / 2**20
    assert growth_mb < 40, f"memory grew by {growth_mb:.0f} MB over 12 clips"
    open_trackers = [o for o in gc.get_objects() if isinstance(o, FaceTracker) and o._landmarker is not None]
    assert open_trackers == []
