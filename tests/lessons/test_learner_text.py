"""Text the kernel is handed from outside: a reflection that cannot be written as UTF-8 or is far too long, and a
time-zone name from the browser (docs/faults.md T1, T3).

Each test names its row and says how it failed on the code before the fix.
"""

from __future__ import annotations

import pytest

from microexp_widgets.lessons import practice_log
from microexp_widgets.lessons.my_data import Downloads
from microexp_widgets.lessons.practice_log import PracticeLog
from microexp_widgets.lessons.reflection import MAX_REFLECTION_CHARS, Reflection

#: The most a Jupyter server takes in one message by default (tornado's websocket_max_message_size, 10 MiB).
SERVER_MESSAGE_LIMIT = 10 * 1024 * 1024


def test_T1_a_reflection_with_a_lone_surrogate_is_saved_with_the_character_replaced():
    """Before the fix ``Reflection.save`` raised ``UnicodeEncodeError`` out of the Save button (seen failing)."""
    box = Reflection("What did you notice?", lesson="07_big_picture")
    box.text = "before \ud800 after \U0001f642"
    entry = box.save()
    assert entry is not None and entry["summary"] == "before \ufffd after \U0001f642"
    assert [row["summary"] for row in practice_log.entries()] == ["before \ufffd after \U0001f642"]
    assert "Saved" in box.echo.value


def test_T1_a_lone_surrogate_anywhere_in_an_entry_is_replaced_not_raised():
    """Before the fix any entry holding a lone surrogate raised ``UnicodeEncodeError`` (seen failing)."""
    practice_log.add_entry("04", "mirror take", "ok", {"note \udfff": "x\ud834"})
    (entry,) = practice_log.entries()
    assert entry["values"] == {"note \ufffd": "x\ufffd"}


def test_T1_a_reflection_over_the_length_limit_is_refused_and_kept_in_the_box():
    """Before the fix any length was saved: twelve 1 MiB reflections made one 12 MiB download message, over what the
    server takes (seen failing: the 1 MiB reflection was saved)."""
    box = Reflection("What did you notice?", lesson="07_big_picture")
    box.text = "x" * (1024 * 1024)
    assert box.save() is None
    assert f"{MAX_REFLECTION_CHARS:,}" in box.echo.value and box.text == "x" * (1024 * 1024)
    assert practice_log.entries() == []


def test_T1_the_longest_reflections_still_download_in_one_message():
    """What the limit is for: a long course of the longest reflections fits the server's message limit."""
    box = Reflection("What did you notice?", lesson="07_big_picture")
    for _ in range(100):
        box.text = "\U0001f642" * MAX_REFLECTION_CHARS  # four bytes each in UTF-8: the worst case
        assert box.save() is not None
    downloads = Downloads()
    sent = []
    downloads.send = sent.append
    for kind in ("csv", "html"):
        downloads._on_message(downloads, {"want": kind}, [])
    assert all(len(message["text"].encode("utf-8")) < SERVER_MESSAGE_LIMIT for message in sent)


@pytest.mark.parametrize(
    "name", ["America", "Etc", "x" * 5000, "../../../etc/passwd", "Europe/Paris\x00", "/etc/localtime", "", "UTC/"]
)
def test_T3_an_odd_time_zone_name_from_the_browser_is_ignored(name, monkeypatch):
    """Before the fix "America" or "Etc" raised ``IsADirectoryError`` and a 5000-character name ``OSError`` out of the
    widget's observer (seen failing); the other names were refused already and guard the new check."""
    monkeypatch.setattr(practice_log, "_learner_zone", None)
    log = PracticeLog()
    log._zone.set_state({"zone": "Europe/Paris"})
    log._zone.set_state({"zone": name})
    assert str(practice_log.learner_zone()) == "Europe/Paris"
    assert practice_log.set_learner_zone(name) is False
