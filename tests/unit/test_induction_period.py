"""The induction period: claims, the start window, release, re-claim, transfer, leaving, working pattern."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scheduling.domain.errors import (
    DateOutsideInductionError,
    InductionNotOpenError,
    InvalidTermDatesError,
    OpenInductionElsewhereError,
    StartDateOutsideWindowError,
    TrnAlreadyRegisteredError,
)
from scheduling.integration.outbound import to_integration_event
from tests.unit.scheduling_fixtures import START, Clock, ect_details, in_memory_app, provenance, session


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock):  # type: ignore[no-untyped-def]
    return in_memory_app(clock)


def events(app) -> list:  # type: ignore[no-untyped-def,type-arg]
    envelopes = [to_integration_event(app.mapper.to_domain_event(n))
                 for n in app.recorder.select_notifications(start=1, limit=10_000)]
    return [e for e in envelopes if e is not None]


def register(app, **overrides):  # type: ignore[no-untyped-def]
    return app.register_ect(provenance=provenance(), **ect_details(**overrides))


# -- the start window: statutory rule 4 ---------------------------------------------------


def test_a_start_backdated_before_the_claim_was_received_is_refused_statutory_rule_4(app, clock):
    clock.today = date(2025, 9, 10)
    with pytest.raises(StartDateOutsideWindowError, match=r"2\.16"):
        app.register_ect(provenance=provenance(), received_on=date(2025, 9, 10), **ect_details())
    assert events(app) == []


def test_a_start_beyond_the_current_term_is_refused_statutory_rule_4(app):
    with pytest.raises(StartDateOutsideWindowError, match="beyond the current term"):
        register(app, induction_start_date=date(2026, 1, 5))


def test_a_claim_received_in_the_summer_holiday_may_start_in_the_autumn_term_statutory_rule_4(app, clock):
    clock.today = date(2025, 8, 20)
    ect_id = app.register_ect(provenance=provenance(), received_on=date(2025, 8, 20), **ect_details())
    assert app.get_induction(ect_id).induction_start_date == START


def test_a_claim_cannot_be_received_in_the_future_nor_recorded_long_after_statutory_rule_4(app, clock):
    with pytest.raises(StartDateOutsideWindowError, match="future"):
        app.register_ect(provenance=provenance(), received_on=date(2025, 9, 2), **ect_details())
    clock.today = START + timedelta(days=31)
    with pytest.raises(StartDateOutsideWindowError, match="30 days"):
        app.register_ect(provenance=provenance(), received_on=START, **ect_details())


def test_a_claim_received_a_week_ago_may_start_on_the_day_it_was_received(app, clock):
    clock.today = START + timedelta(days=7)
    assert app.register_ect(provenance=provenance(), received_on=START, **ect_details())


# -- one open induction, one AB at a time ---------------------------------------------------


def test_another_ab_cannot_claim_an_ect_whose_induction_is_open_statutory_rule_4(app):
    register(app)
    with pytest.raises(OpenInductionElsewhereError, match="release them first"):
        register(app, appropriate_body_id="ab-2")


def test_the_same_ab_claiming_again_is_told_the_ect_is_already_registered(app):
    register(app)
    with pytest.raises(TrnAlreadyRegisteredError):
        register(app)


def test_after_a_release_another_ab_claims_the_ect_and_the_history_is_kept(app, clock):
    ect_id = register(app)
    clock.today = date(2025, 10, 10)
    session(app, ect_id, date(2025, 9, 8))
    app.release(ect_id, released_on=date(2025, 10, 10), reason="school changed AB",
                provenance=provenance())
    claimed = app.register_ect(provenance=provenance(actor_id="ab-2"), received_on=date(2025, 10, 10),
                               **ect_details(appropriate_body_id="ab-2",
                                             induction_start_date=date(2025, 10, 13)))
    clock.today = date(2025, 10, 20)
    ect = app.get_induction(claimed)
    assert claimed == ect_id
    assert ect.appropriate_body_id == "ab-2"
    assert ect.sessions_held == 1
    assert [p.appropriate_body_id for p in ect.periods] == ["ab-1", "ab-2"]
    assert [e.event_type for e in events(app)][-2:] == ["EctReleased", "EctClaimed"]
    released = next(e for e in events(app) if e.event_type == "EctReleased")
    assert released.payload.terms_served == pytest.approx(0.4)  # 40 of ~107 autumn days, full time


def test_a_released_ect_takes_no_new_sessions_until_claimed_again(app, clock):
    ect_id = register(app)
    clock.today = date(2025, 10, 10)
    app.release(ect_id, released_on=date(2025, 10, 1), reason="moved AB", provenance=provenance())
    with pytest.raises(InductionNotOpenError):
        session(app, ect_id, date(2025, 10, 8))


def test_a_transfer_moves_the_ect_keeps_the_history_and_unassigns_the_mentor(app, clock):
    from tests.unit.scheduling_fixtures import mentor_details

    ect_id = register(app)
    mentor_id = app.register_mentor(provenance=provenance("hub_lead"), **mentor_details())
    app.assign_mentor(ect_id, mentor_id, assigned_on=START, override_reason=None,
                      provenance=provenance("hub_lead"))
    clock.today = date(2025, 11, 3)
    session(app, ect_id, date(2025, 9, 8))
    app.transfer(ect_id, to_school_id="200002", effective_on=date(2025, 11, 3),
                 induction_tutor_id="tutor-9", provenance=provenance("hub_lead"))
    ect = app.get_induction(ect_id)
    assert (ect.school_id, ect.mentor_id, ect.sessions_held) == ("200002", None, 1)
    transferred = events(app)[-1]
    assert transferred.event_type == "EctTransferred"
    assert transferred.payload.previous_mentor_id == mentor_id


# -- leaving and the interim assessment: guidance 2.62 -----------------------------------------


def test_leaving_after_a_full_term_makes_an_interim_assessment_due_statutory_rule_7(app, clock):
    ect_id = register(app)
    clock.today = date(2026, 1, 20)
    app.leave(ect_id, left_on=date(2026, 1, 16), reason="moved abroad", provenance=provenance("hub_lead"))
    left = events(app)[-1]
    assert left.event_type == "EctLeft"
    assert left.payload.interim_assessment_due is True
    assert left.payload.terms_served == pytest.approx(1.1)


def test_leaving_within_the_first_term_makes_no_interim_assessment_due_statutory_rule_7(app, clock):
    ect_id = register(app)
    clock.today = date(2025, 11, 1)
    app.leave(ect_id, left_on=date(2025, 10, 31), reason="resigned", provenance=provenance("hub_lead"))
    assert events(app)[-1].payload.interim_assessment_due is False


def test_nothing_can_be_recorded_after_the_leaving_date(app, clock):
    ect_id = register(app)
    clock.today = date(2025, 11, 1)
    app.leave(ect_id, left_on=date(2025, 10, 31), reason="resigned", provenance=provenance("hub_lead"))
    with pytest.raises(InductionNotOpenError):
        session(app, ect_id, date(2025, 10, 30))


def test_a_session_cannot_be_recorded_before_it_happens(app, clock):
    ect_id = register(app)
    clock.today = date(2025, 9, 10)
    with pytest.raises(DateOutsideInductionError, match="future"):
        session(app, ect_id, date(2025, 9, 11))


# -- working pattern: statutory rule 1 --------------------------------------------------------


def test_terms_served_follow_the_working_pattern_statutory_rule_1(app, clock):
    ect_id = register(app)
    app.change_working_pattern(ect_id, fte=0.5, effective_from=date(2026, 1, 5),
                               provenance=provenance("hub_lead"))
    clock.today = date(2026, 4, 2)  # the last day of the default spring term
    ect = app.get_induction(ect_id)
    calendar = app.calendar_for(ect.school_id)
    assert ect.served(calendar, clock.today) == pytest.approx(1.5)  # autumn at 1.0, spring at 0.5
    assert events(app)[-1].event_type == "WorkingPatternChanged"


def test_the_working_pattern_history_cannot_be_rewritten_backwards(app):
    ect_id = register(app)
    app.change_working_pattern(ect_id, fte=0.8, effective_from=date(2026, 1, 5),
                               provenance=provenance("hub_lead"))
    with pytest.raises(DateOutsideInductionError, match="history is kept"):
        app.change_working_pattern(ect_id, fte=0.6, effective_from=date(2025, 12, 1),
                                   provenance=provenance("hub_lead"))


# -- school calendars ---------------------------------------------------------------------------


def test_a_school_sets_its_own_term_dates_and_they_drive_terms_served(app, clock):
    terms = [
        {"name": "autumn", "start": date(2025, 9, 3), "end": date(2025, 12, 19)},
        {"name": "spring", "start": date(2026, 1, 6), "end": date(2026, 3, 27)},
        {"name": "summer", "start": date(2026, 4, 13), "end": date(2026, 7, 21)},
    ]
    assert app.set_term_dates("100001", 2025, terms, provenance("hub_lead"))
    assert not app.set_term_dates("100001", 2025, terms, provenance("hub_lead")), "unchanged: no event"
    published = events(app)[-1]
    assert published.event_type == "TermDatesSet"
    assert published.payload.school_id == "100001"
    calendar = app.calendar_for("100001")
    assert calendar.year(2025).spring.end == date(2026, 3, 27)


def test_term_dates_out_of_order_are_refused(app):
    terms = [
        {"name": "autumn", "start": date(2025, 9, 3), "end": date(2025, 12, 19)},
        {"name": "spring", "start": date(2025, 12, 1), "end": date(2026, 3, 27)},
        {"name": "summer", "start": date(2026, 4, 13), "end": date(2026, 7, 21)},
    ]
    with pytest.raises(InvalidTermDatesError):
        app.set_term_dates("100001", 2025, terms, provenance("hub_lead"))
    assert events(app) == []


# -- one induction per teacher: statutory rule 4 ----------------------------------------------


def test_a_teacher_who_passed_cannot_be_claimed_again_statutory_rule_4(app, clock):
    from scheduling.domain.errors import InductionAlreadyCompletedError

    ect_id = register(app)
    clock.today = date(2027, 7, 20)
    assert app.record_outcome(ect_id, outcome="passed", decided_on=date(2027, 7, 20),
                              provenance=provenance())
    assert not app.record_outcome(ect_id, outcome="passed", decided_on=date(2027, 7, 20),
                                  provenance=provenance()), "a redelivered decision changes nothing"
    clock.today = date(2027, 9, 1)
    with pytest.raises(InductionAlreadyCompletedError, match="one induction per teacher"):
        app.register_ect(provenance=provenance(actor_id="ab-2"), received_on=date(2027, 9, 1),
                         **ect_details(appropriate_body_id="ab-2", induction_start_date=date(2027, 9, 1)))
    with pytest.raises(InductionNotOpenError):
        session(app, ect_id, date(2027, 9, 1))


def test_a_half_term_with_a_start_and_no_end_is_refused(app):
    terms = [
        {"name": "autumn", "start": date(2025, 9, 3), "end": date(2025, 12, 19),
         "half_term_start": date(2025, 10, 27), "half_term_end": None},
        {"name": "spring", "start": date(2026, 1, 6), "end": date(2026, 3, 27)},
        {"name": "summer", "start": date(2026, 4, 13), "end": date(2026, 7, 21)},
    ]
    with pytest.raises(InvalidTermDatesError, match="half-term needs both"):
        app.set_term_dates("100001", 2025, terms, provenance("hub_lead"))
    assert events(app) == []
