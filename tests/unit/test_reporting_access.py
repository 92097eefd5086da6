"""Who reads an ECT in reporting: a mentor only the ECTs assigned to them."""

from __future__ import annotations

import uuid

import pytest

from contracts import Actor, Role
from ect_platform.identity import Principal
from reporting.access import Forbidden, check_may_read
from reporting.domain.history import EctHistory


def mentor(sub: str) -> Principal:
    return Principal(Actor(id=sub, role=Role.MENTOR))


def test_a_mentor_token_whose_sub_is_none_reads_no_ect_without_a_mentor():
    unmentored = EctHistory(uuid.uuid4(), school_id="100001")
    with pytest.raises(Forbidden):
        check_may_read(mentor("None"), unmentored)


def test_a_mentor_reads_their_own_ect_and_no_other():
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    check_may_read(mentor(str(mine)), EctHistory(uuid.uuid4(), mentor_id=mine))
    with pytest.raises(Forbidden):
        check_may_read(mentor(str(mine)), EctHistory(uuid.uuid4(), mentor_id=theirs))
