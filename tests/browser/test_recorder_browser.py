"""The Recorder in real Chromium inside JupyterLab, its fake camera playing a real face clip.

One take is recorded with the buttons (module fixture ``take``) on the browser route (the face model runs in the
page); several tests check it: its numbers reach the kernel and draw a timeline with faces and events (and how long
that takes after Stop), the apex picture comes from the page, every camera track ended (P2), no request left
localhost (P4), and a saved notebook holds no video (B8). Camera failures B1-B3 are simulated by
overriding ``navigator.mediaDevices`` in an init script; B5 is a take stopped at once.
"""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from page_checks import TIMELINE_DRAWN

pytestmark = pytest.mark.browser

TAKE_SECONDS = 5.0
STOP_TO_TIMELINE_TARGET_S = 2.5
# The target is for a quiet machine; the assertion leaves room for a busy shared CI machine, and the measured
# figure is printed and recorded (``record_property``) either way.
STOP_TO_TIMELINE_LIMIT_S = 3 * STOP_TO_TIMELINE_TARGET_S

# Keeps every track getUserMedia hands out, so the test can check that all of them ended (P2).
TRACK_SPY = """
(() => {
  window.__microexpTracks = [];
  window.__microexpConstraints = [];
  const devices = navigator.mediaDevices;
  if (!devices || !devices.getUserMedia) return;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    window.__microexpConstraints.push(JSON.stringify(constraints));
    const stream = await original(constraints);
    for (const track of stream.getTracks()) window.__microexpTracks.push(track);
    return stream;
  };
})();
"""

# Lets a test switch camera faults on and off: window.__microexpFault = "B1" | "B2" | "B3" | "" (none).
FAULTS = """
(() => {
  window.__microexpFault = "";
  const realDevices = navigator.mediaDevices;
  const realGetUserMedia = realDevices.getUserMedia.bind(realDevices);
  const errors = {
    B2: ["Permission denied", "NotAllowedError"],
    B3: ["Requested device not found", "NotFoundError"],
  };
  realDevices.getUserMedia = (constraints) => {
    const fault = errors[window.__microexpFault];
    if (fault) return Promise.reject(new DOMException(fault[0], fault[1]));
    return realGetUserMedia(constraints);
  };
  // B1: a page that is neither HTTPS nor localhost has no navigator.mediaDevices at all.
  Object.defineProperty(Navigator.prototype, "mediaDevices", {
    configurable: true,
    get() { return window.__microexpFault === "B1" ? undefined : realDevices; },
  });
})();
"""

SETUP = (
    "from microexp_widgets import Recorder, TimelineView\n"
    "view = TimelineView()\n"
    "rec = Recorder(max_seconds=10, countdown=1, view=view)\n"
    "rec"
)
WEBM_MAGIC = b"\x1a\x45\xdf\xa3"


@dataclass
class Take:
    nb: object
    stop_to_timeline_s: float
    status: str
    event_rows: int
    tracks_after_stop: list[dict]
    constraints: list[str]


def button(page, name: str):
    """A visible button by its text (an icon's CSS glyph is part of the accessible name, so match on text)."""
    return page.locator("button:visible").filter(has_text=re.compile(rf"^\s*{re.escape(name)}\s*$")).first


# Clicks Stop as soon as the recorder's status says "REC"; returns true once it has clicked.
STOP_AT_REC = """
() => {
  const recorder = document.querySelector('.microexp-recorder');
  const status = recorder && recorder.querySelector('.microexp-status .widget-html-content');
  if (!status || !/REC/.test(status.textContent)) return false;
  const stop = [...recorder.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Stop' && !b.disabled);
  if (!stop) return false;
  stop.click();
  return true;
}
"""


def status_text(page) -> str:
    # textContent, not innerText: JupyterLab stops rendering cells scrolled out of view, and innerText is then empty.
    return page.locator(".microexp-recorder .microexp-status .widget-html-content").first.text_content() or ""


def wait_for_status(page, pattern: str, timeout_s: float = 30) -> str:
    page.wait_for_function(
        "(pattern) => { const el = document.querySelector('.microexp-recorder .microexp-status .widget-html-content');"
        " return el && new RegExp(pattern).test(el.textContent); }",
        arg=pattern,
        timeout=timeout_s * 1000,
        polling=50,
    )
    return status_text(page)


@pytest.fixture(scope="module")
def take(module_notebook) -> Take:
    nb = module_notebook([SETUP, "view"], init_script=TRACK_SPY)  # a fresh kernel, also on a retry
    nb.run_all()
    page = nb.page
    assert page.evaluate("() => window.__microexpTracks.length") == 0, "the camera started before any click"
    # The face model reaches the page first (a few MB from the kernel); then the take is made as a learner would.
    nb.wait_for_kernel_value("rec.model_state", "ready", timeout_s=180, interval_s=1.0)
    button(page, "Record").click()
    button(page, "I understand, start the camera").click()
    wait_for_status(page, "REC", timeout_s=60)
    time.sleep(TAKE_SECONDS)
    started = time.monotonic()
    button(page, "Stop").click()
    page.wait_for_function(TIMELINE_DRAWN, timeout=60_000, polling="raf")
    stop_to_timeline = time.monotonic() - started
    tracks = page.evaluate(
        "() => window.__microexpTracks.map(t => ({kind: t.kind, state: t.readyState, label: t.label}))"
    )
    return Take(
        nb=nb,
        stop_to_timeline_s=stop_to_timeline,
        status=status_text(page),
        event_rows=page.locator(".microexp-events select option").count(),
        tracks_after_stop=tracks,
        constraints=page.evaluate("() => window.__microexpConstraints"),
    )


def test_a_take_recorded_with_the_buttons_reaches_the_kernel_and_draws_a_timeline(take):
    found = re.search(r"a face in (\d+) of (\d+) frames", take.status)
    assert found, take.status
    faces, frames = map(int, found.groups())
    # At least 5 analysed frames per second even on a crowded machine (the speed test is in test_live_browser).
    assert frames >= TAKE_SECONDS * 5 and faces >= 0.9 * frames, take.status
    assert take.event_rows >= 1
    kernel = take.nb.execute(
        "tl = rec.timeline\n"
        "print(tl.face_frames, tl.frames, round(tl.duration_s, 1), len(tl.events), len(view.event_rows),"
        " view.timeline is tl, rec.camera_on)"
    ).split()
    face_frames, n_frames, duration, n_events, rows, same, camera_on = kernel
    assert int(face_frames) == faces and int(n_frames) == frames
    # The page times the take from its own start until Stop reaches it: both messages' delays count.
    assert TAKE_SECONDS - 0.5 < float(duration) < TAKE_SECONDS + 2.0
    assert int(n_events) == int(rows) == take.event_rows
    assert same == "True" and camera_on == "False"


def test_stop_to_drawn_timeline_time(take, record_property):
    print(f"\nstop -> drawn timeline for a {TAKE_SECONDS:g} s take: {take.stop_to_timeline_s:.2f} s")
    steps = take.nb.execute(
        "t = rec._timings\n"
        "print(*(f'{k}={t[k] - t[\"stop\"]:.3f}' for k in t), f'frames={rec.timeline.frames}', 'kernel-side steps')"
    )
    print(steps)
    record_property("stop_to_timeline_s", round(take.stop_to_timeline_s, 3))
    assert take.stop_to_timeline_s < STOP_TO_TIMELINE_LIMIT_S


def test_p2_every_camera_track_ended_after_stop(take):
    tracks = take.tracks_after_stop
    assert len(tracks) >= 2, f"expected the probe's and the camera's tracks, got {tracks}"
    assert all(t["state"] == "ended" for t in tracks), tracks
    assert all(t["kind"] == "video" for t in tracks), "a microphone track was opened"
    assert all('"audio":false' in c for c in take.constraints), take.constraints


def test_p4_no_request_leaves_localhost(take):
    assert take.nb.requests, "no requests were seen at all"
    outside = [
        url
        for url in take.nb.requests
        if not url.startswith(("data:", "blob:")) and urlparse(url).hostname not in ("127.0.0.1", "localhost")
    ]
    assert outside == []


def test_picking_a_movement_shows_the_learners_own_frame(take):
    page = take.nb.page
    page.locator(".microexp-events select").select_option(index=0)
    page.wait_for_function(
        "() => { const img = document.querySelector('.microexp-timeline-view img[alt^=\"your own frame\"]');"
        " return img && img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:'); }",
        timeout=20_000,
    )
    caption = page.locator(".microexp-timeline-view .widget-html-content", has_text="Your own frame").inner_text()
    assert "Your own frame" in caption and "this take only" in caption


def _widget_states(saved: dict) -> dict:
    return saved["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]


def test_b8_a_notebook_saved_after_a_take_holds_no_video(take):
    saved_text_before = take.nb.path.read_text()
    saved = take.nb.save()
    text = take.nb.path.read_text()
    assert text != saved_text_before, "the notebook was not saved"
    states = _widget_states(saved)
    # The timeline view's figure lives in an Output widget's state: that it is there shows state was saved.
    drawn = [e for e in states.values() if e["model_name"] == "OutputModel" and e["state"].get("outputs")]
    assert drawn, "widget state was not saved at all"
    assert base64.b64encode(WEBM_MAGIC)[:5].decode() not in text  # "GkXfo": a base64 webm header
    for model_id, entry in states.items():
        for buffer in entry.get("buffers", []):
            raw = base64.b64decode(buffer["data"]) if buffer.get("encoding") == "base64" else b""
            assert WEBM_MAGIC not in raw[:64], f"video bytes saved in widget {model_id}"
            assert len(raw) < 256_000, f"a {len(raw)}-byte binary saved in widget {model_id}"
        if entry["model_name"] == "VideoModel":
            assert not entry["state"].get("value"), f"a Video widget kept a value: {model_id}"
        state_without_code = {k: v for k, v in entry["state"].items() if k not in ("_esm", "_css")}
        assert len(json.dumps(state_without_code)) < 2_000_000, f"widget {model_id} saved a large state"
    for cell in saved["cells"]:
        for output in cell.get("outputs", []):
            for mime, data in output.get("data", {}).items():
                if mime.startswith(("video/", "image/")):
                    pytest.fail(f"a {mime} output was saved in the notebook")
                assert WEBM_MAGIC.decode("latin-1") not in str(data)


def test_b1_b2_b3_and_b5_camera_faults_give_plain_messages(notebook):
    nb = notebook([SETUP], init_script=FAULTS + TRACK_SPY, name="recorder_faults")
    nb.run_all()
    page = nb.page
    expected = {"B1": "HTTPS or", "B2": "allow the camera", "B3": "No camera was found"}
    button(page, "Record").click()
    page.evaluate("() => { window.__microexpFault = 'B1'; }")
    button(page, "I understand, start the camera").click()
    for fault, words in expected.items():
        page.evaluate("(fault) => { window.__microexpFault = fault; }", fault)
        if fault != "B1":
            button(page, "Record").click()
        shown = wait_for_status(page, re.escape(words), timeout_s=20)
        assert "sample clip" in shown, shown
        retry = button(page, "Try again")
        assert retry.is_visible() is (fault != "B1"), f"{fault}: retry button visibility"
        assert nb.execute("print(rec.camera_on, rec.state)").split() == ["False", "idle"]
    # Try again after the learner fixed the permission (B2's advice) brings the camera up.
    page.evaluate("() => { window.__microexpFault = ''; }")
    button(page, "Record").click()
    # B5: Stop the moment "REC" shows, from inside the page, so the take is well under half a second long;
    # a click sent from the test arrives about a second later.
    page.wait_for_function(STOP_AT_REC, timeout=120_000, polling=10)
    shown = wait_for_status(page, "too short, try again", timeout_s=20)
    assert nb.execute("print(rec.timeline)").strip() == "None", shown
    tracks = page.evaluate("() => window.__microexpTracks.map(t => t.readyState)")
    assert tracks and all(state == "ended" for state in tracks), tracks


def test_b7_a_rerun_cell_or_a_restarted_kernel_turns_the_camera_off(notebook):
    nb = notebook([SETUP], init_script=TRACK_SPY, name="recorder_b7")
    nb.run_all()
    page = nb.page
    live = "() => window.__microexpTracks.filter(t => t.readyState === 'live').length"
    button(page, "Turn camera on").click()
    button(page, "I understand, start the camera").click()
    wait_for_status(page, "Camera on")
    page.wait_for_function(f"() => ({live})() === 1", timeout=10_000)
    nb.run_cell(0)  # the learner runs the cell again while the camera is on
    page.wait_for_function(f"() => ({live})() === 0", timeout=10_000)
    button(page, "Turn camera on").click()  # consent was given in this kernel: no second note
    wait_for_status(page, "Camera on")
    page.wait_for_function(f"() => ({live})() === 1", timeout=10_000)
    page.evaluate("async () => { await window.__microexpPanel.sessionContext.session.kernel.restart(); }")
    page.wait_for_function(f"() => ({live})() === 0", timeout=10_000)
