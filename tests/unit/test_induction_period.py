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
from tests.unit.scheduling_fixtures import (
    START,
    Clock,
    ect_details,
    in_memory_app,
    provenance,
    session,
    view,
)


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
    # as the facts stood at the release, six weeks that ended there count for nothing (2.33)
    assert released.payload.terms_served == 0.0
    # but the claim continued the employment (no working day between Friday and Monday): one
    # run, which once it reaches a term counts from its first day
    clock.today = date(2025, 12, 19)
    assert view(app, ect_id)["terms_served"] == 1.0


def test_a_claim_cannot_start_on_the_last_day_in_the_released_post_one_post_at_a_time(app, clock):
    ect_id = register(app)
    clock.today = date(2025, 10, 10)
    app.release(ect_id, released_on=date(2025, 10, 10), reason="school changed AB",
                provenance=provenance())
    with pytest.raises(DateOutsideInductionError, match="last day in post"):
        app.register_ect(provenance=provenance(actor_id="ab-2"), received_on=date(2025, 10, 10),
                         **ect_details(appropriate_body_id="ab-2", induction_start_date=date(2025, 10, 10)))


# -- time served is counted only in post: statutory rules 1 and 2 (2.30, 2.33) ---------------


def claim_by_ab_2(app, clock, on: date) -> None:  # type: ignore[no-untyped-def]
    clock.today = on
    app.register_ect(provenance=provenance(actor_id="ab-2"), received_on=on,
                     **ect_details(appropriate_body_id="ab-2", induction_start_date=on))


def test_months_without_a_post_between_two_abs_count_for_nothing_statutory_rule_1_2_30(app, clock):
    ect_id = register(app)  # autumn 2025 with AB1: one term
    clock.today = date(2025, 12, 19)
    app.release(ect_id, released_on=date(2025, 12, 19), reason="left the school", provenance=provenance())
    claim_by_ab_2(app, clock, date(2026, 9, 1))  # spring and summer 2026 in no post
    clock.today = date(2026, 12, 18)  # autumn 2026 with AB2
    ect = view(app, ect_id)
    assert ect["terms_served"] == 2.0, "not 4.0: the gap is not induction"
    assert (ect["terms_remaining"], ect["induction_year"]) == (4.0, 1)
    assert ect["breakdown"]["gaps"] == [{"from": "2025-12-20", "to": "2026-08-31", "days": 255,
                                         "reason": "not in an induction post: counts for nothing"}]
    assert [p["terms"] for p in ect["breakdown"]["periods"]] == [1.0, 1.0]


def test_a_six_week_post_before_a_gap_does_not_count_statutory_rule_2_paragraph_2_33(app, clock):
    ect_id = register(app)
    clock.today = date(2025, 10, 10)
    app.release(ect_id, released_on=date(2025, 10, 10), reason="resigned", provenance=provenance())
    claim_by_ab_2(app, clock, date(2026, 1, 5))
    clock.today = date(2026, 4, 2)  # the end of the spring term: one term in the later post
    ect = view(app, ect_id)
    assert ect["terms_served"] == 1.0, "the six weeks of autumn count for nothing"
    first, later = ect["breakdown"]["periods"]
    assert (first["counts"], first["terms"], later["terms"]) == (False, 0.0, 1.0)
    assert "shorter than one term" in first["reason"]


def test_a_transfer_after_a_term_owes_an_interim_assessment_from_the_first_school_paragraph_2_62(
        app, clock):
    ect_id = register(app)
    clock.today = date(2026, 1, 19)
    app.transfer(ect_id, to_school_id="200002", effective_on=date(2026, 1, 19),
                 induction_tutor_id="tutor-9", provenance=provenance("hub_lead"))
    interims = [r for r in view(app, ect_id)["reports_due"] if r["kind"] == "interim_assessment"]
    # the last day in the first post is Sunday 18 Jan: the meeting is on the school day before
    assert [(r["held_on"], r["school_id"], r["appropriate_body_id"]) for r in interims] == [
        (date(2026, 1, 16), "100001", "ab-1")]


def test_a_transfer_within_the_first_term_owes_no_interim_assessment_paragraph_2_62(app, clock):
    ect_id = register(app)
    clock.today = date(2025, 11, 3)
    app.transfer(ect_id, to_school_id="200002", effective_on=date(2025, 11, 3),
                 induction_tutor_id="tutor-9", provenance=provenance("hub_lead"))
    assert "interim_assessment" not in [r["kind"] for r in view(app, ect_id)["reports_due"]]


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


def test_leaving_a_second_post_held_under_a_term_owes_no_interim_assessment_statutory_rule_7(
        app, clock):
    ect_id = register(app)
    app.transfer(ect_id, to_school_id="200002", effective_on=date(2026, 1, 19),
                 induction_tutor_id="tutor-9", provenance=provenance("hub_lead"))
    clock.today = date(2026, 2, 6)
    app.leave(ect_id, left_on=date(2026, 2, 6), reason="moved abroad", provenance=provenance("hub_lead"))
    left = events(app)[-1]
    # 2.62 asks for a term in the post being left; the first school's interim covered autumn
    assert (left.event_type, left.payload.interim_assessment_due) == ("EctLeft", False)
    assert left.payload.terms_served == pytest.approx(1.4)  # 1.2 at the first school, 0.2 here
    interims = [r["held_on"] for r in view(app, ect_id)["reports_due"] if r["kind"] == "interim_assessment"]
    assert interims == [date(2026, 1, 16)]  # the first post's last school day, Friday 16 Jan


def test_leaving_in_the_holidays_after_a_term_makes_an_interim_assessment_due_statutory_rule_7(
        app, clock):
    ect_id = register(app)
    clock.today = date(2025, 12, 31)
    app.leave(ect_id, left_on=date(2025, 12, 31), reason="moved abroad", provenance=provenance("hub_lead"))
    assert events(app)[-1].payload.interim_assessment_due is True
    interims = [r["held_on"] for r in view(app, ect_id)["reports_due"] if r["kind"] == "interim_assessment"]
    assert interims == [date(2025, 12, 19)], "held on the last day of term (2.62)"


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
    assert ect.served(app.calendars(), clock.today) == pytest.approx(1.5)  # autumn at 1.0, spring at 0.5
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


# -- the AB's extensions and reductions, learnt from reporting: statutory rule 10 --------------


def test_an_ab_reduction_learnt_once_shortens_the_induction_paragraphs_3_2_to_3_4(app, clock):
    import uuid

    ect_id = register(app)
    decision = uuid.uuid4()
    for _ in range(2):  # redelivered: the second changes nothing
        app.record_reduction(ect_id, decision_id=decision, reduction_terms=3.0,
                             decided_on=date(2025, 9, 10), provenance=provenance())
    clock.today = date(2025, 12, 19)
    ect = view(app, ect_id)
    assert (ect["terms_required"], ect["terms_remaining"]) == (3.0, 2.0)
    assert [r["kind"] for r in ect["reports_due"]][-1] == "formal_assessment"
    assert ect["reports_due"][-1]["final"] and ect["reports_due"][-1]["held_on"] == date(2026, 7, 17)


def test_an_ab_extension_learnt_once_adds_terms_and_a_final_assessment_paragraph_3_8(app, clock):
    import uuid

    ect_id = register(app)
    clock.today = date(2027, 7, 16)
    decision = uuid.uuid4()
    assert app.record_extension(ect_id, decision_id=decision, extension_terms=2.0,
                                decided_on=date(2027, 7, 16), provenance=provenance())
    assert not app.record_extension(ect_id, decision_id=decision, extension_terms=2.0,
                                    decided_on=date(2027, 7, 16), provenance=provenance())
    ect = view(app, ect_id)
    assert (ect["terms_served"], ect["terms_required"], ect["terms_remaining"]) == (6.0, 8.0, 2.0)
    assessments = [r for r in ect["reports_due"] if r["kind"] == "formal_assessment"]
    assert [a["final"] for a in assessments] == [False, False, True]
    assert ect["breakdown"]["required"][-1]["source"] == "appropriate_body"
