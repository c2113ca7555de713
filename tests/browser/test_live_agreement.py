"""The face model in the page agrees with the one in Python on the same decoded frames (the Pexels sample).

The page decodes the clip itself from a file the server serves (a <video> element, seeked frame by frame) and feeds
each frame through the very function the live route uses; Python follows the same frames with ``FaceTracker`` in one
pass. Per Action Unit, the mean absolute difference must be at most 0.01 and the 99th percentile at most 0.05.

On a spliced ground-truth clip (three smiling frames at a known place in neutral footage, as in the core tests), the
events spotted from the page's numbers and from Python's agree to one frame. "Agree" is checked for every movement that
clears the spotting threshold by the models' allowed per-frame difference (``P99_LIMIT``): a movement whose rise sits
within that band of the threshold is spotted by one model and not the other by chance, so it is printed, not required.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MEAN_LIMIT = 0.01
P99_LIMIT = 0.05

# Seeks the page's <video> to the middle of each frame and runs the page's own follow() on it.
PAGE_PASS = """
async ({url, times, period}) => {
  const page = globalThis.__microexpFaceModelPage;
  const landmarker = await [...page.landmarkers.values()][0];
  const video = document.createElement("video");
  video.muted = true;
  video.src = url;
  await new Promise((ok, fail) => {
    video.onloadeddata = ok;
    video.onerror = () => fail(String(video.error?.message));
  });
  const rows = [];
  for (const t of times) {
    const seeked = new Promise((ok) => { video.onseeked = ok; });
    video.currentTime = t + period / 2;
    await seeked;
    const found = page.follow(landmarker, video, t * 1000);
    rows.push(found ? Array.from(found.scores) : null);
  }
  return rows;
}
"""


def _python_pass(path):
    from microexp_widgets.face import FaceTracker
    from microexp_widgets.video import Decoder

    times, rows = [], []
    with FaceTracker(max_faces=1) as tracker, Decoder(path) as decoder:
        for frame in decoder.frames():
            result = tracker.detect(frame.rgb, frame.time_s)
            times.append(frame.time_s)
            rows.append(None if result is None else result.blendshapes.astype(float))
    return times, rows


def _aus(rows: list) -> dict[str, np.ndarray]:
    from microexp_widgets.aus import aus_from_blendshapes
    from microexp_widgets.face import BLENDSHAPES

    table = np.array([row if row is not None else [np.nan] * 52 for row in rows], dtype=float)
    return aus_from_blendshapes({name: table[:, i] for i, name in enumerate(BLENDSHAPES)})


def test_page_and_python_models_agree_on_the_same_frames(notebook, lab_server, record_property):
    from microexp_widgets.assets import sample_path

    shutil.copy(sample_path("pexels"), lab_server.root / "pexels.mp4")
    nb = notebook(["from microexp_widgets.browser.live import LiveFaceModel\nlive = LiveFaceModel()\nlive"])
    nb.run_all()
    nb.wait_for_kernel_value("live.model_state", "ready", timeout_s=180, interval_s=1.0)
    playable = nb.page.evaluate(
        "() => document.createElement('video').canPlayType('video/mp4; codecs=\"avc1.64001E\"')"
    )
    if not playable:
        pytest.skip("this Chromium cannot decode H.264, so it cannot decode the sample in the page")
    times, python_rows = _python_pass(sample_path("pexels"))
    period = float(np.median(np.diff(times)))
    nb.page.set_default_timeout(600_000)
    page_rows = nb.page.evaluate(
        PAGE_PASS, {"url": f"{lab_server.url}/files/pexels.mp4", "times": times, "period": period}
    )
    assert len(page_rows) == len(python_rows)
    both = np.array([p is not None and q is not None for p, q in zip(page_rows, python_rows, strict=True)])
    assert both.mean() > 0.95, "the two models did not find the face in the same frames"
    page_aus, python_aus = _aus(page_rows), _aus(python_rows)
    worst = {}
    for code, python_values in python_aus.items():
        difference = np.abs(page_aus[code] - python_values)[both]
        worst[code] = (float(difference.mean()), float(np.percentile(difference, 99)))
    print("\nper-AU mean / 99th percentile of |page - Python|:")
    for code, (mean, p99) in worst.items():
        print(f"  {code}: {mean:.4f} / {p99:.4f}")
    record_property("largest_mean_abs_difference", round(max(m for m, _ in worst.values()), 5))
    record_property("largest_p99_abs_difference", round(max(p for _, p in worst.values()), 5))
    assert all(mean <= MEAN_LIMIT for mean, _ in worst.values()), worst
    assert all(p99 <= P99_LIMIT for _, p99 in worst.values()), worst
    # The spotted movements, as a figure: how many of Python's events the page's numbers give within one frame.
    page_events, python_events = _events(times, page_rows), _events(times, python_rows)
    matched = sum(
        any(
            p.au == q.au
            and abs(p.onset_s - q.onset_s) <= period * 1.01
            and abs(p.offset_s - q.offset_s) <= period * 1.01
            for p in page_events
        )
        for q in python_events
    )
    print(f"events: Python {len(python_events)}, page {len(page_events)}, matched within one frame {matched}")
    record_property("events_matched_within_one_frame", f"{matched} of {len(python_events)}")


def _events(times, rows, settings=None):
    from microexp_widgets.face import BLENDSHAPES
    from microexp_widgets.spotting import DEFAULT_SETTINGS
    from microexp_widgets.timeline import AUTimeline

    table = np.array([row if row is not None else [np.nan] * 52 for row in rows], dtype=float)
    return AUTimeline.from_blendshapes(
        np.asarray(times), table, BLENDSHAPES, settings=settings or DEFAULT_SETTINGS
    ).events


def _same_within_one_frame(a, b, period: float) -> bool:
    return (
        a.au == b.au
        and a.kind == b.kind
        and abs(a.onset_s - b.onset_s) <= period * 1.01
        and abs(a.offset_s - b.offset_s) <= period * 1.01
    )


def _unmatched_clear_events(times, rows, own_events, other_events, period: float) -> list:
    """This side's movements that clear the threshold by the allowed model difference and the other side misses."""
    from dataclasses import replace

    from microexp_widgets.spotting import DEFAULT_SETTINGS

    strict = replace(DEFAULT_SETTINGS, min_rise=DEFAULT_SETTINGS.min_rise + P99_LIMIT)
    clear = _events(times, rows, strict)
    assert clear, "no movement clears the threshold, so the comparison would check nothing"
    missed = []
    for movement in clear:
        # The same movement as spotted with the usual threshold: its onset and offset are the ones to compare.
        (whole,) = [e for e in own_events if e.au == movement.au and e.onset_s <= movement.apex_s <= e.offset_s]
        if not any(_same_within_one_frame(whole, other, period) for other in other_events):
            missed.append(whole)
    return missed


def test_page_and_python_spot_the_same_events_on_a_spliced_ground_truth_clip(notebook, lab_server):
    from footage import PEXELS_NEUTRAL, PEXELS_SMILE, SPLICE_FPS, encode, micro_smile_frames, read_frames

    from microexp_widgets.assets import sample_path

    pexels = sample_path("pexels")
    frames, at, length = micro_smile_frames(read_frames(pexels, *PEXELS_NEUTRAL), read_frames(pexels, *PEXELS_SMILE))
    clip = lab_server.root / "micro_smile.mp4"
    clip.write_bytes(encode(frames, "mp4", fps=SPLICE_FPS))
    nb = notebook(["from microexp_widgets.browser.live import LiveFaceModel\nlive = LiveFaceModel()\nlive"])
    nb.run_all()
    nb.wait_for_kernel_value("live.model_state", "ready", timeout_s=180, interval_s=1.0)
    times, python_rows = _python_pass(clip)
    period = float(np.median(np.diff(times)))
    nb.page.set_default_timeout(300_000)
    page_rows = nb.page.evaluate(
        PAGE_PASS, {"url": f"{lab_server.url}/files/{clip.name}", "times": times, "period": period}
    )
    page_events, python_events = _events(times, page_rows), _events(times, python_rows)
    truth_onset, truth_offset = at / SPLICE_FPS, (at + length) / SPLICE_FPS
    (python_smile,) = [e for e in python_events if e.au == "AU12"]
    assert python_smile.kind == "micro" and abs(python_smile.onset_s - truth_onset) <= period * 1.01
    assert abs(python_smile.offset_s - truth_offset) <= period * 1.01
    print(f"\nPython: {[(e.au, e.onset_s, e.offset_s, e.kind) for e in python_events]}")
    print(f"page:   {[(e.au, e.onset_s, e.offset_s, e.kind) for e in page_events]}")
    (page_smile,) = [e for e in page_events if e.au == "AU12"]
    assert _same_within_one_frame(page_smile, python_smile, period), (page_smile, python_smile)
    missed_by_page = _unmatched_clear_events(times, python_rows, python_events, page_events, period)
    assert missed_by_page == [], (python_events, page_events)
    missed_by_python = _unmatched_clear_events(times, page_rows, page_events, python_events, period)
    assert missed_by_python == [], (page_events, python_events)
