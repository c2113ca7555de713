"""Replay: a take's picture stays in the page (browser route) or travels as a message (kernel route), never as state."""

from __future__ import annotations

import json
from types import SimpleNamespace

from microexp_widgets.widgets.replay import Replay, clip_mime

WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 64


def recording(replay: Replay) -> list[tuple[dict, list]]:
    sent: list[tuple[dict, list]] = []
    replay.send = lambda message, buffers=None: sent.append((message, list(buffers or [])))
    return sent


def test_a_take_analysed_in_the_page_is_replayed_from_the_page_by_name_only():
    replay = Replay()
    sent = recording(replay)
    timeline = SimpleNamespace(page_stills="token:3", duration_s=4.2, clip_bytes=lambda: None)
    assert replay.show(timeline) == "page"
    ((message, buffers),) = sent
    assert message == {"kind": "frames", "source": "token:3", "duration_s": 4.2} and buffers == []


def test_a_clip_the_kernel_holds_travels_as_a_message_and_never_enters_the_widget_state():
    replay = Replay()
    sent = recording(replay)
    timeline = SimpleNamespace(duration_s=2.0, clip_bytes=lambda: WEBM)
    assert replay.show(timeline, label="the sample clip (not you)") == "kernel"
    ((message, buffers),) = sent
    assert message["kind"] == "clip" and message["mime"] == "video/webm" and buffers == [WEBM]
    state = replay.get_state()
    assert WEBM not in json.dumps(state, default=repr).encode() and "_timeline" not in state
    assert state["label"] == "the sample clip (not you)"


def test_a_view_drawn_later_asks_and_gets_the_current_take_again_until_it_is_cleared():
    replay = Replay()
    sent = recording(replay)
    clip = {"bytes": WEBM}
    replay.show(SimpleNamespace(duration_s=2.0, clip_bytes=lambda: clip["bytes"]))
    replay._on_page_message(replay, {"kind": "ready"}, [])
    assert sent[-1][0]["kind"] == "clip" and sent[-1][1] == [WEBM]
    clip["bytes"] = None  # the recorder forgot the clip (a newer take): a reload finds nothing to replay
    replay._on_page_message(replay, {"kind": "ready"}, [])
    assert sent[-1][0]["kind"] == "none"
    assert replay.clear() is True and sent[-1][0] == {"kind": "none", "text": ""}
    assert replay.clear() is False


def test_nothing_to_replay_says_so():
    replay = Replay()
    sent = recording(replay)
    assert replay.show(SimpleNamespace(duration_s=1.0)) == "none"
    assert "no picture to replay" in sent[-1][0]["text"]


def test_seek_sends_the_time():
    replay = Replay()
    sent = recording(replay)
    replay.seek(1.25)
    assert sent == [({"kind": "seek", "time_s": 1.25}, [])]


def test_the_clip_type_is_read_from_its_first_bytes():
    assert clip_mime(WEBM) == "video/webm"
    assert clip_mime(b"\x00\x00\x00\x18ftypmp42") == "video/mp4"
    assert clip_mime(b"random") == "video/*"
