"""FAULTS.md rows D1-D7: bad or unusual input is refused in one plain sentence, or decoded correctly."""

from __future__ import annotations

import numpy as np
import pytest
from footage import audio_only, encode, read_frames

from microexp_widgets import VideoDecodeError, analyze_video
from microexp_widgets.assets import sample_path
from microexp_widgets.video import Decoder, VideoLimits


def _plain(error: Exception) -> str:
    message = str(error)
    assert message.count(". ") == 0 and message.endswith("."), message  # one sentence
    assert "Traceback" not in message
    return message


@pytest.mark.parametrize(
    "data",
    [b"", np.random.default_rng(0).bytes(50_000), b"This is a lesson note, not a video.\n" * 40],
    ids=["empty", "random", "text"],
)
def test_D1_empty_random_and_text_bytes_are_refused_plainly(data):
    with pytest.raises(VideoDecodeError) as caught:
        analyze_video(data)
    _plain(caught.value)


def test_D2_truncated_file_analyses_what_decodes_with_a_warning():
    whole = sample_path("pexels").read_bytes()
    timeline = analyze_video(whole[: len(whole) // 5])
    assert 0 < timeline.frames < 472
    assert timeline.face_frames > 0
    assert any("cut off" in w for w in timeline.warnings)


def test_D2_bit_flipped_file_is_survived():
    data = bytearray(sample_path("single_face").read_bytes())
    rng = np.random.default_rng(1)
    for position in rng.integers(len(data) // 3, len(data), 40):
        data[position] ^= 0xFF
    try:
        timeline = analyze_video(bytes(data))
    except VideoDecodeError as error:
        _plain(error)
    else:
        assert timeline.frames > 0


def test_D2_truncated_before_any_frame_is_a_plain_error():
    with pytest.raises(VideoDecodeError) as caught:
        analyze_video(sample_path("pexels").read_bytes()[:2000])
    _plain(caught.value)


@pytest.mark.parametrize("fmt", ["webm", "webm-vp9"], ids=["vp8", "vp9"])
def test_D3_browser_style_webm_without_duration_decodes_to_the_end_on_true_times(fmt):
    frames = read_frames(sample_path("pexels"), 160, 190)
    # The uneven timing a browser's MediaRecorder produces (FACTS.md: 0, 44, 93, 143 ms ...).
    times_ms = np.cumsum([0] + [44, 49, 50, 38, 52, 47] * 5)[: len(frames)]
    data = encode(frames, fmt, times_ms=times_ms, streamable=True)
    with Decoder(data) as decoder:
        assert decoder.container.duration is None  # really no duration in the container
        decoded = [f.time_s for f in decoder.frames()]
    assert len(decoded) == len(frames)
    assert np.allclose(decoded, times_ms / 1000, atol=0.0015)
    timeline = analyze_video(data)
    assert np.allclose(timeline.frame["time_s"], times_ms / 1000, atol=0.0015)


def test_D4_real_gaps_stay_visible():
    frames = read_frames(sample_path("pexels"), 160, 180)
    times_ms = [i * 40 for i in range(10)] + [1000 + i * 40 for i in range(10)]  # a 640 ms hole
    timeline = analyze_video(encode(frames, "webm", times_ms=times_ms))
    steps = np.diff(timeline.frame["time_s"])
    assert steps.max() == pytest.approx(0.64, abs=0.002)
    assert timeline.frames == 20  # nothing filled in


def test_D4_repeated_and_backwards_timestamps_are_made_strictly_increasing():
    from microexp_widgets.video import StrictClock

    clock = StrictClock(fallback_step=1 / 30)
    stamped = [clock.stamp(t) for t in (5.0, 5.04, 5.04, 5.02, None, 5.2)]
    assert all(b > a for a, b in zip(stamped, stamped[1:], strict=False))
    assert stamped[0] == 0.0 and stamped[1] == pytest.approx(0.04) and stamped[-1] == pytest.approx(0.2)
    assert clock.repaired == 2


@pytest.mark.parametrize("fmt", ["webm", "mp4"])
def test_D5_audio_only_is_refused_plainly(fmt):
    with pytest.raises(VideoDecodeError, match="no video track") as caught:
        analyze_video(audio_only(fmt))
    _plain(caught.value)


def test_D6_huge_frames_are_downscaled_before_detection():
    frame = read_frames(sample_path("pexels"), 300, 301)[0]
    huge = np.repeat(np.repeat(frame, 6, axis=0), 6, axis=1)  # 3840 x 2160
    data = encode([huge] * 6, "mp4")
    with Decoder(data) as decoder:
        shapes = {f.rgb.shape for f in decoder.frames()}
    assert shapes == {(360, 640, 3)}
    assert analyze_video(data).face_frames == 6


def test_D6_long_clips_are_capped_with_a_warning():
    timeline = analyze_video(sample_path("pexels"), limits=VideoLimits(max_seconds=2.0))
    assert timeline.frame["time_s"].max() <= 2.0
    assert any("first 2 s" in w for w in timeline.warnings)


def test_D6_oversized_input_is_refused_before_decoding():
    with pytest.raises(VideoDecodeError, match="MiB") as caught:
        analyze_video(sample_path("pexels"), limits=VideoLimits(max_bytes=1_000_000))
    _plain(caught.value)


@pytest.mark.parametrize("turn, rotation", [(1, -90), (-1, 90)])
def test_D7_rotated_phone_video_is_turned_upright(turn, rotation):
    frames = read_frames(sample_path("pexels"), 252, 264)
    sideways = [np.rot90(f, turn) for f in frames]
    data = encode(sideways, "mp4", rotation=rotation)
    with Decoder(data) as decoder:
        first = next(decoder.frames()).rgb
    assert first.shape == frames[0].shape
    assert np.abs(first.astype(int) - frames[0]).mean() < 5
    timeline = analyze_video(data)
    assert timeline.face_frames == len(frames)
    assert timeline.frame["AU12"].mean() > 0.5  # the smile is read as a smile, not a sideways face
