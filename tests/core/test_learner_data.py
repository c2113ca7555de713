"""The one registry of learner-data holders: "delete everything" reaches exactly what registered, and nothing else."""

import gc

import pytest

from microexp_widgets import _learner_data


class Holder:
    def __init__(self):
        self.data = "a take"

    def forget(self):
        self.data = None


def test_delete_reaches_registered_holders_only():
    kept, stranger = Holder(), Holder()
    _learner_data.register(kept, Holder.forget)
    assert kept in _learner_data.holders("widget", of_type=Holder)
    assert stranger not in _learner_data.holders()
    said = dict((id(h), s) for h, s in _learner_data.forget_all("widget"))
    assert kept.data is None and stranger.data == "a take"
    assert id(kept) in said and id(stranger) not in said


def test_a_holder_that_is_gone_drops_out_and_is_never_kept_alive():
    holder = _learner_data.register(Holder(), Holder.forget)
    before = len(_learner_data.holders(of_type=Holder))
    del holder
    gc.collect()
    assert len(_learner_data.holders(of_type=Holder)) == before - 1


def test_unregister_and_kinds():
    timeline, widget = Holder(), Holder()
    _learner_data.register(timeline, Holder.forget, kind="timeline")
    _learner_data.register(widget, Holder.forget)
    assert timeline in _learner_data.holders("timeline") and timeline not in _learner_data.holders("widget")
    _learner_data.unregister(widget)
    _learner_data.forget_all("widget")
    assert widget.data == "a take"
    with pytest.raises(ValueError, match="kind must be one of"):
        _learner_data.register(Holder(), Holder.forget, kind="video")
