"""The benchmark's two loops measure the same work: every frame of the clip, once each."""

from __future__ import annotations

import av
import pytest

from microexp_widgets.assets import sample_path
from microexp_widgets.tools.bench import WEBCAM_FPS, WEBCAM_SIZE, bare_loop, full_pipeline, webcam_sized_clip

pytestmark = pytest.mark.slow


def test_bare_loop_and_full_pipeline_see_every_frame():
    clip = sample_path("single_face")
    bare_frames, bare_s = bare_loop(clip)
    full_frames, full_s = full_pipeline(clip)
    assert bare_frames == full_frames == 72
    assert bare_s > 0 and full_s > 0


def test_webcam_sized_clip_is_640x480_at_30_fps(tmp_path):
    path = webcam_sized_clip(tmp_path, 1.0)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        assert (stream.codec_context.width, stream.codec_context.height) == WEBCAM_SIZE
        assert float(stream.average_rate) == WEBCAM_FPS
    assert frames == WEBCAM_FPS
