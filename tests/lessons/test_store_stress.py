"""Three kernels writing and one deleting everything, again and again, for about 20 s (docs/faults.md L7).

Checked: no write that was reported saved is missing (where no delete could have removed it), no write reported failed
is ever present, no backup changes once it is written, and every file in the data folder stays 0600.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

RUN_S = 20.0

WRITER = """
import json, sys, time
from microexp_widgets.lessons import practice_log, store

me, until, log = sys.argv[1], float(sys.argv[2]), open(sys.argv[3], "w")
i = 0
while time.time() < until:
    began = time.time()
    try:
        practice_log.add_entry("04", "stress", f"{me}-{i}", {"i": i})
        outcome = "saved"
    except store.StoreError as error:
        outcome = str(error)
    log.write(json.dumps([f"{me}-{i}", began, time.time(), outcome]) + "\\n")
    log.flush()
    i += 1
"""

DELETER = """
import json, random, sqlite3, sys, time
from microexp_widgets.lessons import delete_my_data, store

until, log = float(sys.argv[1]), open(sys.argv[2], "w")
rng = random.Random(17)


def snapshot():
    began = time.time()
    summaries = [row["summary"] for row in store.load()["practice"]]
    log.write(json.dumps(["snapshot", began, time.time(), summaries]) + "\\n")


def hand_edit():
    # A row nobody can read (as if edited by hand), so the next read sets it aside in a backup.
    db = sqlite3.connect(store.store_path(), timeout=30)
    with db:
        db.execute("INSERT INTO practice (entry) VALUES (cast(x'7b22ff22' as text))")
    db.close()


while time.time() < until:
    time.sleep(rng.uniform(0.2, 0.6))
    if rng.random() < 0.3 and store.store_path().exists():
        hand_edit()
    snapshot()
    began = time.time()
    delete_my_data({})
    log.write(json.dumps(["delete", began, time.time(), None]) + "\\n")
    log.flush()
time.sleep(0.5)
snapshot()
log.flush()
"""


def _watch(folder, stop: threading.Event, seen: dict, problems: list) -> None:
    """Look at every file in the folder every few milliseconds: its mode, and a backup's bytes while it exists.

    A backup deleted by "delete everything" may be followed within the same second by a new one of the same name
    (names count seconds): a name gone from a look is forgotten, so only a change of one file counts.
    """
    present: dict[str, str] = {}
    while not stop.is_set():
        try:
            names = set(os.listdir(folder))
        except FileNotFoundError:
            names = set()
        for gone in set(present) - names:
            del present[gone]
        for name in names:
            path = os.path.join(folder, name)
            try:
                mode = stat.S_IMODE(os.stat(path).st_mode)
                content = Path(path).read_bytes() if name.startswith("learner-backup-") else None
            except (FileNotFoundError, IsADirectoryError):
                present.pop(name, None)
                continue
            if mode != 0o600:
                problems.append(f"{name} is {oct(mode)}")
            if content is not None:
                digest = hashlib.sha256(content).hexdigest()
                seen[(name, digest)] = True
                if present.setdefault(name, digest) != digest:
                    problems.append(f"{name} changed after it was written")
        time.sleep(0.005)


def _lines(path) -> list:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.slow
def test_L7_three_writers_and_a_deleter_for_20_s_keep_every_save_and_report_none_falsely(learner_folder, tmp_path):
    """Before the fix, saves were lost or reported failed ("disk I/O error") by kernels that still held the deleted
    file (the probe's run: 140 of 366 reported failed). Seen failing here on that code: in 20 s, 22 of 16,366 saves
    were reported failed and 33 reported saved were missing; and the deleter's read raised on the hand-edited row."""
    env = {**os.environ, "MICROEXP_DATA": str(learner_folder)}
    learner_folder.mkdir(mode=0o700)
    until = time.time() + RUN_S
    logs = [tmp_path / f"writer-{n}.log" for n in range(3)]
    deletes = tmp_path / "deleter.log"
    stop, seen, problems = threading.Event(), {}, []
    watcher = threading.Thread(target=_watch, args=(learner_folder, stop, seen, problems), daemon=True)
    watcher.start()
    procs = [
        subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER), f"w{n}", str(until), str(log)], env=env)
        for n, log in enumerate(logs)
    ]
    procs.append(subprocess.Popen([sys.executable, "-c", textwrap.dedent(DELETER), str(until), str(deletes)], env=env))
    try:
        for proc in procs:
            assert proc.wait(timeout=RUN_S + 120) == 0
    finally:
        stop.set()
        watcher.join()
        for proc in procs:
            proc.kill()
    writes = [entry for log in logs for entry in _lines(log)]
    events = _lines(deletes)
    snapshots = [(began, ended, set(summaries)) for kind, began, ended, summaries in events if kind == "snapshot"]
    delete_spans = [(began, ended) for kind, began, ended, _ in events if kind == "delete"]
    saved = [w for w in writes if w[3] == "saved"]
    failed = [w for w in writes if w[3] != "saved"]
    ever_present = set().union(*(summaries for _, _, summaries in snapshots))

    checked = missing = 0
    for name, began, ended, _ in saved:
        later = [s for s in snapshots if s[0] > ended]
        if not later:
            continue
        look, _, summaries = later[0]
        if any(d_began <= look and d_ended >= began for d_began, d_ended in delete_spans):
            continue  # a delete may have removed it before this look
        checked += 1
        missing += name not in summaries
    falsely_failed = [w for w in failed if w[0] in ever_present]
    print(
        f"stress: {len(writes)} writes ({len(saved)} saved, {len(failed)} reported failed), {len(delete_spans)} "
        f"deletes, {len(snapshots)} looks; {checked} saves checked, {missing} missing; {len(seen)} backups watched"
    )
    assert len(delete_spans) >= 15 and len(saved) >= 300 and checked >= 100
    assert missing == 0
    assert falsely_failed == [] and failed == [], failed[:3]
    assert problems == [], problems[:5]
    assert seen, "no backup was made, so none was watched"
