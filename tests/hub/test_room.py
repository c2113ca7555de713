"""A room on one server: three learners on a real JupyterHub record a take at the same moment.

Each learner logs in through the hub's login page in a headless Chromium context of their own, opens lesson 01 in
their own single-user server and runs its cells up to the recorder. The face model then starts in each learner's
page (the browser route: the page analyses the camera's frames and sends only numbers to the kernel); once every
page's model runs, the learners press Record together. They press Stop one after another, so each take is finished
while the others are still recording. The test then checks that every learner got their own timeline from the
browser route, that no learner can read another's files, and prints the figures the sizing table in
``deploy/README.md`` is built from (set ``MICROEXP_ROOM_FIGURES=path.json`` to also write them to a file).

It drives the recorder through what the lesson shows and reads the kernel's side through the public API
(``Recorder.timeline``, ``on_timeline``, ``take_figures``) and the recorder's ``model_state``, the value the
page sets once its face model runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from browser.conftest import _OPENED_JS, LabNotebook
from browser.page_checks import TIMELINE_TITLE_DRAWN
from hub import room as room_module
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.hub

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "01_blink_and_you_miss_it.ipynb"
# Seconds after a learner's page shows REC at which they press Stop: the first take is finished while the other two
# are still recording. Lesson 01's recorder stops by itself at 5 s by the page's clock, and a Stop reaches the page
# through the kernel: on this busy machine a take lasted 2-2.5 s longer than the page's REC had been seen before
# Stop was pressed, so later Stops would meet the limit.
STOP_AFTER_S = (0.5, 1.0, 1.5)
RECORDING_START_TIMEOUT_S = 60
# Three pages start the wasm face model at once on a shared 2-core machine; a laptop starts its own in seconds.
MODEL_READY_TIMEOUT_S = 180
# Generous bounds for a busy shared 2-core machine running three browsers and three kernels; the figures are
# printed whatever they are.
OPEN_TIMEOUT_S = 150
STOP_TO_TIMELINE_LIMIT_S = 60
MAX_REQUESTS_PER_LEARNER = 1500


STATUS = ".microexp-recorder .microexp-status .widget-html-content"
# The page's own clock beside the preview says "REC" while the take records: the page keeps the take's time (its
# limit too), and the kernel's status says so only after a round trip. textContent, not innerText: JupyterLab
# leaves cells scrolled out of view unrendered, and their innerText is empty.
IS_RECORDING_JS = """
() => [...document.querySelectorAll('.microexp-live-clock')].some(el => /\\bREC\\b/.test(el.textContent))
"""
STOP_CLICK_TIMEOUT_MS = 5_000

RECORD = "Record"
CONSENT = re.compile(r"start the camera", re.IGNORECASE)
STOP = "Stop"


def button(page, name):
    pattern = name if isinstance(name, re.Pattern) else re.compile(rf"^\s*{re.escape(name)}\s*$")
    return page.locator("button:visible").filter(has_text=pattern).first


@dataclass
class LearnerRun:
    name: str
    uid: int
    home: Path
    nb: LabNotebook
    requests: list[str] = field(default_factory=list)
    recorder_shown_at: float = 0.0  # wall clock, when the lesson's recorder cell had run
    model_ready_at: float | None = None  # wall clock, when the page told the kernel its face model runs
    websocket_bytes: int = 0  # what reached the page over its kernel connection (the face model's files among it)
    websocket_bytes_at_model_ready: int = 0
    stop_clicked_at: float = 0.0  # wall clock (time.time()), the same clock the kernel's callback reads
    timeline_at: float | None = None
    kernel: dict = field(default_factory=dict)
    take_figures: dict = field(default_factory=dict)  # the recorder's own figures of a browser-route take
    status: str = ""  # what the recorder said to the learner when the take was done
    cpu_before_take: float = 0.0
    cpu_after_take: float = 0.0
    stopped_itself: bool = False  # the take reached the lesson's length limit before its Stop


def _log_in_and_open_lesson(browser, hub, learner) -> LearnerRun:
    lesson = learner.home / LESSON.name
    shutil.copy(LESSON, lesson)
    os.chown(lesson, learner.uid, learner.uid)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.grant_permissions(["camera"], origin=hub.url)
    page = context.new_page()
    nb = LabNotebook(page=page, path=lesson, server=SimpleNamespace(root=learner.home), context=context)
    run = LearnerRun(name=learner.name, uid=learner.uid, home=learner.home, nb=nb)
    page.on("request", lambda request: run.requests.append(request.url))
    page.on("console", lambda message: nb.console.append(f"{message.type}: {message.text}"))
    page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: _count_bytes(run, payload)))
    page.goto(f"{hub.url}/hub/login")
    page.fill("input[name=username]", learner.name)
    page.fill("input[name=password]", room_module.PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/user/{learner.name}/"), timeout=OPEN_TIMEOUT_S * 1000)
    page.goto(f"{hub.url}/user/{learner.name}/lab/tree/{LESSON.name}?reset")
    return run


def _count_bytes(run: LearnerRun, payload: str | bytes) -> None:
    run.websocket_bytes += len(payload.encode() if isinstance(payload, str) else payload)


def _wait_open(run: LearnerRun, hub) -> None:
    try:
        run.nb.page.wait_for_function(_OPENED_JS, arg=LESSON.name, timeout=OPEN_TIMEOUT_S * 1000, polling=500)
    except Exception as error:
        raise AssertionError(
            f"{run.name}: lesson 01 did not open with an idle kernel ({error})\n"
            f"console: {run.nb.console[-10:]}\nhub log: {hub.log_tail(1500)}"
        ) from error


def _lesson_cells_up_to_the_recorder() -> tuple[list[int], int]:
    """Indices of lesson 01's code cells before its no-camera fallback (set-up, drill, recorder, its view), and
    the index of the cell that makes the recorder."""
    import nbformat

    cells = nbformat.read(LESSON, as_version=4).cells
    fallback = next(i for i, cell in enumerate(cells) if "use_sample" in cell.source)
    code = [i for i, cell in enumerate(cells[:fallback]) if cell.cell_type == "code"]
    return code, next(i for i in code if "Recorder(" in cells[i].source)


# Run in a learner's kernel right after the recorder cell: note when the page's face model starts, by the kernel's
# clock (the page sets the trait; a model already running is noted now).
_NOTE_MODEL_READY = """
import time
_model_ready = []
def _note_model_ready(change):
    if change.new == "ready" and not _model_ready:
        _model_ready.append(time.time())
recorder._live.observe(_note_model_ready, "model_state")
if recorder.model_state == "ready":
    _model_ready.append(time.time())
"""


def _wait_for_every_page_model(runs: list[LearnerRun]) -> None:
    """Wait until each learner's page runs the face model, asking each kernel in turn every two seconds.

    A page whose model failed would send its takes to the kernel route, which this test is not about: it fails.
    """
    deadline = time.monotonic() + MODEL_READY_TIMEOUT_S
    waiting = list(runs)
    while waiting:
        for run in list(waiting):
            state = json.loads(
                run.nb.execute(
                    "import json\nprint(json.dumps([recorder.model_state, recorder._live.failure, _model_ready]))"
                )
            )
            model_state, failure, ready_at = state
            if model_state == "failed":
                raise AssertionError(f"{run.name}'s page could not run the face model: {failure}")
            if model_state == "ready":
                run.model_ready_at = ready_at[0] if ready_at else time.time()
                run.websocket_bytes_at_model_ready = run.websocket_bytes
                waiting.remove(run)
        if waiting and time.monotonic() > deadline:
            raise AssertionError(
                f"the face model did not start in the pages of {[r.name for r in waiting]} within "
                f"{MODEL_READY_TIMEOUT_S} s; console: {waiting[0].nb.console[-10:]}"
            )
        if waiting:
            time.sleep(2.0)


def _stop_each_take_while_the_others_record(runs: list[LearnerRun]) -> None:
    """Press Stop on each learner's take ``STOP_AFTER_S`` after their own recording began.

    One loop watches every page, so a slow page never delays another learner's Stop. A take that ended by itself
    at the lesson's length limit (a very slow machine) is noted, not clicked.
    """
    recording_since: dict[str, float] = {}
    deadline = time.monotonic() + RECORDING_START_TIMEOUT_S + max(STOP_AFTER_S)
    waiting = list(zip(runs, STOP_AFTER_S, strict=True))
    while waiting:
        if time.monotonic() > deadline:
            raise AssertionError(f"takes of {[run.name for run, _ in waiting]} did not start and stop in time")
        for run, after in list(waiting):
            now = time.monotonic()
            if run.name not in recording_since:
                if run.nb.page.evaluate(IS_RECORDING_JS):
                    recording_since[run.name] = now
                continue
            if now >= recording_since[run.name] + after:
                stop = button(run.nb.page, STOP)
                run.stop_clicked_at = time.time()
                try:
                    stop.click(timeout=STOP_CLICK_TIMEOUT_MS)
                except PlaywrightTimeout:
                    if stop.is_enabled():
                        raise
                    run.stopped_itself = True  # the take reached its limit just before the click
                waiting.remove((run, after))
        time.sleep(0.05)


def _learner_cpu(run: LearnerRun) -> float:
    return room_module.cpu_seconds(room_module.processes_of(run.uid))


def _wait_for_timelines(runs: list[LearnerRun], deadline: float) -> None:
    """Ask each kernel, in turn, whether its take's timeline has arrived and when (its own clock, so asking
    only once a second costs no precision and leaves the kernels to their analysis)."""
    waiting = list(runs)
    while waiting:
        if time.monotonic() > deadline:
            raise AssertionError(f"no timeline for {[r.name for r in waiting]} within {STOP_TO_TIMELINE_LIMIT_S} s")
        for run in list(waiting):
            arrived = run.nb.execute("print(_arrivals[-1] if _arrivals else '')", timeout_s=60).strip()
            if arrived:
                run.timeline_at = float(arrived)
                waiting.remove(run)
        time.sleep(1.0)


@pytest.fixture(scope="module")
def takes(room, room_browser, tmp_path_factory) -> dict:
    hub = room.hub
    runs = [_log_in_and_open_lesson(room_browser, hub, learner) for learner in room.learners]
    for run in runs:
        _wait_open(run, hub)
    cells, recorder_cell = _lesson_cells_up_to_the_recorder()
    for index in cells:
        for run in runs:
            run.nb.run_cell(index, timeout_s=180)
            if index == recorder_cell:
                run.recorder_shown_at = time.time()
                run.nb.execute(_NOTE_MODEL_READY)
    # A learner sees no sign of the model before pressing Record (the recorder would wait for it and say so); the
    # room presses Record together once every page runs it, so the takes overlap as they would in a room.
    _wait_for_every_page_model(runs)
    for run in runs:
        run.nb.execute(
            "import time\n_arrivals = []\nrecorder.on_timeline(lambda timeline: _arrivals.append(time.time()))"
        )
        run.cpu_before_take = _learner_cpu(run)
    hub_cpu_before = room_module.cpu_seconds(hub.processes())
    load_before_takes = os.getloadavg()[0]

    # Everyone presses Record together and gives consent; the recorders count down, then record.
    for run in runs:
        button(run.nb.page, RECORD).click()
    for run in runs:
        button(run.nb.page, CONSENT).click()
    _stop_each_take_while_the_others_record(runs)
    _wait_for_timelines(runs, time.monotonic() + STOP_TO_TIMELINE_LIMIT_S)
    hub_cpu = room_module.cpu_seconds(hub.processes()) - hub_cpu_before
    screens = tmp_path_factory.mktemp("room-screens")
    for run in runs:
        run.nb.page.wait_for_function(TIMELINE_TITLE_DRAWN, timeout=60_000, polling=250)
        run.nb.page.locator(".microexp-timeline-view").first.scroll_into_view_if_needed()
        run.nb.page.screenshot(path=str(screens / f"{run.name}.png"))
    print(f"\nscreenshots of each learner's page: {screens}")
    for run in runs:
        run.cpu_after_take = _learner_cpu(run)
        run.status = run.nb.page.locator(STATUS).first.text_content() or ""
        run.kernel = json.loads(
            run.nb.execute(
                "import json, os\n"
                "tl = recorder.timeline\n"
                "print(json.dumps({'frames': tl.frames, 'face_frames': tl.face_frames, 'events': len(tl.events),"
                " 'duration_s': tl.duration_s, 'uid': os.getuid(), 'pid': os.getpid(),"
                " 'model_state': recorder.model_state}))"
            )
        )
        run.take_figures = json.loads(run.nb.execute("import json\nprint(json.dumps(recorder.take_figures))"))

    peak_mib = {run.name: sum(room_module.peak_rss_mib(p) for p in room_module.processes_of(run.uid)) for run in runs}
    figures = {
        "learners": len(runs),
        "hub_start_s": round(hub.started_in_s, 2),
        "spawn_s": {name: round(s, 2) for name, s in hub.spawn_seconds.items()},
        "take_s": {r.name: round(r.kernel["duration_s"], 2) for r in runs},
        "takes_that_reached_the_limit": [r.name for r in runs if r.stopped_itself],
        "stop_to_timeline_s": {r.name: round(r.timeline_at - r.stop_clicked_at, 2) for r in runs},
        "page_model_ready_s": {r.name: round(r.model_ready_at - r.recorder_shown_at, 2) for r in runs},
        "page_mb_from_server_until_model_ready": {
            r.name: round(r.websocket_bytes_at_model_ready / 1e6, 1) for r in runs
        },
        "server_cpu_s_per_take": {r.name: round(r.cpu_after_take - r.cpu_before_take, 2) for r in runs},
        "kernel_cpu_s_per_take": {r.name: round(r.take_figures.get("kernel_cpu_s", 0.0), 2) for r in runs},
        "page_analysed_fps": {r.name: round(r.take_figures.get("analysed_fps", 0.0), 1) for r in runs},
        "page_ms_per_frame": {r.name: round(r.take_figures.get("page_ms_per_frame", 0.0), 1) for r in runs},
        "bytes_per_s_to_server": {
            r.name: round(r.take_figures.get("bytes_received", 0.0) / max(r.take_figures.get("seconds", 0.0), 1e-9))
            for r in runs
        },
        "hub_and_proxy_cpu_s_during_takes": round(hub_cpu, 2),
        "hub_and_proxy_peak_mib": round(sum(room_module.peak_rss_mib(p) for p in hub.processes()), 1),
        "peak_mib_per_learner": {name: round(mib, 1) for name, mib in peak_mib.items()},
        "frames": {r.name: r.kernel["frames"] for r in runs},
        "page_requests": {r.name: len(r.requests) for r in runs},
        "hub_api_requests": hub.requests_made,
        "cores": os.cpu_count(),
        "load_average_1min_before_takes": round(load_before_takes, 1),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }
    print("\nROOM FIGURES " + json.dumps(figures, indent=1))
    if os.environ.get("MICROEXP_ROOM_FIGURES"):
        Path(os.environ["MICROEXP_ROOM_FIGURES"]).write_text(json.dumps(figures, indent=1) + "\n")
    return {"runs": runs, "figures": figures, "room": room}


def test_every_learner_gets_their_own_timeline_while_the_others_record(takes):
    for run in takes["runs"]:
        kernel = run.kernel
        assert kernel["uid"] == run.uid, f"{run.name}'s kernel does not run as {run.name}"
        # No frame rate is asked for: three headless pages share two cores here, so each analyses few frames/s.
        assert kernel["frames"] > 0 and kernel["face_frames"] >= 0.8 * kernel["frames"], kernel
        assert re.search(r"Done: your take, a face in \d+ of \d+ frames", run.status), run.status
        assert takes["figures"]["stop_to_timeline_s"][run.name] < STOP_TO_TIMELINE_LIMIT_S
    pids = {run.kernel["pid"] for run in takes["runs"]}
    assert len(pids) == len(takes["runs"]), "two learners share a kernel"


def test_every_take_went_through_the_browser_route(takes):
    """The page analysed the frames and sent numbers: the kernel received every frame of the timeline as a batch
    of numbers, and far fewer bytes than a video of the take would be."""
    for run in takes["runs"]:
        figures = run.take_figures
        assert run.kernel["model_state"] == "ready", run.kernel
        assert figures, f"{run.name}'s take has no browser-route figures, so it went through the kernel route"
        assert figures["analysed_frames"] == run.kernel["frames"], (figures, run.kernel)
        # A 640x360 camera at even a low bit rate sends about 100 kB/s of video; the page sends numbers only.
        assert 0 < figures["bytes_received"] / figures["seconds"] < 100_000, figures


def test_the_room_is_bounded_and_stays_on_this_machine(takes):
    assert not takes["room"].aborted.is_set(), "the room ran past its time budget"
    for run in takes["runs"]:
        assert 0 < len(run.requests) <= MAX_REQUESTS_PER_LEARNER, (run.name, len(run.requests))
        outside = [
            url
            for url in run.requests
            if not url.startswith(("data:", "blob:")) and urlparse(url).hostname not in ("127.0.0.1", "localhost")
        ]
        assert outside == [], f"{run.name}'s page asked outside the machine: {outside[:5]}"


# Run in each learner's kernel: save progress and a practice-log entry through the lesson API, then list every file
# and folder of the data folder and the Jupyter runtime folder (where the kernel's connection file and its key are).
_SAVE_AND_LIST = """
import json, os
from pathlib import Path
from microexp_widgets.lessons import data_dir, practice_log
from microexp_widgets.lessons.progress import mark_done
practice_log.add_entry("01_blink_and_you_miss_it", "take", "room test take")
mark_done("01_blink_and_you_miss_it")
from jupyter_core.paths import jupyter_runtime_dir
private = []
for top in (data_dir(), Path(jupyter_runtime_dir())):
    private.append(str(top))
    private += [str(p) for p in sorted(top.rglob("*"))]
print(json.dumps({"data_dir": str(data_dir()), "paths": private}))
"""

# Run in another learner's kernel: try to list each folder and read each file; report what succeeded.
_TRY_TO_READ = """
import json, os
readable = []
for path in {paths!r}:
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            with open(path, "rb") as handle:
                handle.read(1)
        readable.append(path)
    except OSError:
        pass
print(json.dumps(readable))
"""


@pytest.fixture(scope="module")
def private_paths(takes) -> dict[str, dict]:
    listed = {}
    for run in takes["runs"]:
        listed[run.name] = json.loads(run.nb.execute(_SAVE_AND_LIST))
    return listed


def test_each_learner_data_lives_in_their_own_home(takes, private_paths):
    for run in takes["runs"]:
        listed = private_paths[run.name]
        data = Path(listed["data_dir"])
        assert run.home in data.parents, f"{run.name}'s data folder {data} is outside their home"
        files = [Path(p) for p in listed["paths"] if Path(p).is_file()]
        assert any(p.parent == data for p in files), f"nothing was saved in {data}: {listed['paths']}"
        owners = {Path(p).stat().st_uid for p in listed["paths"]}
        assert owners == {run.uid}, f"{run.name}'s files are owned by {owners}"


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder every learner may write in (pytest's own temporary folders are closed to them)."""
    folder = Path(tempfile.mkdtemp(prefix="microexp-room-"))
    os.chmod(folder, 0o1777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_no_learner_can_read_another_learners_files(takes, private_paths, shared_folder):
    runs = takes["runs"]
    # The probe must be able to see a readable file: the first learner leaves one open in a shared folder.
    control = shared_folder / "left-open.txt"
    runs[0].nb.execute(f"p = {str(control)!r}\nopen(p, 'w').write('open')\nimport os; os.chmod(p, 0o644)")
    for reader in runs:
        others = [p for run in runs if run is not reader for p in private_paths[run.name]["paths"]]
        readable = json.loads(reader.nb.execute(_TRY_TO_READ.format(paths=[*others, str(control)])))
        assert readable == [str(control)], f"{reader.name} can read: {readable}"
    for run in runs:
        home, data = run.home, Path(private_paths[run.name]["data_dir"])
        modes = {str(q): oct(q.stat().st_mode & 0o777) for q in [home, data, *sorted(data.rglob("*"))]}
        print(f"\n{run.name}: modes {modes}")
