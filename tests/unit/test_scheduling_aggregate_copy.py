"""The repository hands every command a deep copy of the cached ECT: the copy must hold the same
state and share nothing mutable with the original."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from tests.unit.scheduling_fixtures import START, Clock, ect_details, in_memory_app, provenance, session


def _state(aggregate):  # type: ignore[no-untyped-def]
    return {name: value for name, value in vars(aggregate).items()}


def test_a_copied_ect_has_the_same_state_and_shares_no_mutable_part():
    app = in_memory_app(Clock(START))
    ect_id = app.register_ect(provenance=provenance(), **ect_details(trn="3500001"))
    app.today = Clock(date(2026, 1, 30))
    for week in range(5):
        session(app, ect_id, date(2025, 9, 8) + timedelta(weeks=week))
    original = app.get_induction(ect_id)

    clone = copy.deepcopy(original)

    assert type(clone) is type(original)
    assert _state(clone) == _state(original)
    for name, value in vars(original).items():
        if isinstance(value, (set, list, dict)):
            assert vars(clone)[name] is not value, name
    clone.session_ids.add(next(iter(original.session_ids)).__class__(int=1))
    clone.posts.append(clone.posts[0])  # the facts the clock reads (the periods derive from them)
    clone.fte_history.append(clone.fte_history[0])
    assert len(original.session_ids) == 5 and len(original.posts) == len(original.fte_history) == 1
