"""The programme an ECT receives: missed sessions, hub training and catch-ups, absence, mentor training."""

from __future__ import annotations

from datetime import date

import pytest

from scheduling.domain.errors import CatchUpNotFoundError, NoStatutoryLeaveError
from scheduling.integration.outbound import to_integration_event
from tests.unit.scheduling_fixtures import (
    Clock,
    ect_details,
    in_memory_app,
    mentor_details,
    provenance,
    view,
)

LEAD = provenance("hub_lead", "lead-1")


@pytest.fixture
def clock() -> Clock:
    return Clock(date(2026, 7, 1))


@pytest.fixture
def app(clock):  # type: ignore[no-untyped-def]
    # the ECT was claimed on the first day of term, recorded the same day
    clock.today = date(2025, 9, 1)
    application = in_memory_app(clock)
    application.ect_id = application.register_ect(provenance=provenance(), **ect_details())
    clock.today = date(2026, 7, 1)
    return application


def published(app) -> list:  # type: ignore[no-untyped-def,type-arg]
    envelopes = [to_integration_event(app.mapper.to_domain_event(n))
                 for n in app.recorder.select_notifications(start=1, limit=10_000)]
    return [e for e in envelopes if e is not None]


def absence(app, first_day: date, days: float, reason: str = "sickness", request_id: str | None = None):  # type: ignore[no-untyped-def]
    return app.record_absence(app.ect_id, request_id=request_id, first_day=first_day, days=days,
                              reason=reason, provenance=LEAD)


def test_a_missed_session_records_who_missed_it_and_why_once_per_request(app):
    kwargs = {"request_id": "wk-3", "due_on": date(2025, 9, 15), "reason": "mentor_absent",
              "note": "mentor on a trip", "provenance": LEAD}
    first = app.record_missed_session(app.ect_id, **kwargs)
    again = app.record_missed_session(app.ect_id, **kwargs)
    assert first[1] is True and again == (first[0], False)
    missed = published(app)[-1]
    assert (missed.event_type, missed.payload.reason.value) == ("SessionMissed", "mentor_absent")
    assert app.get_induction(app.ect_id).sessions_missed == 1


def test_a_missed_clinic_assigns_catch_up_work_that_can_then_be_completed(app):
    _, catch_up_id, created = app.record_ect_training(
        app.ect_id, request_id="clinic-1", kind="clinic", held_on=date(2025, 10, 8), attended=False,
        provenance=LEAD)
    assert created and catch_up_id is not None
    assert [e.event_type for e in published(app)[-2:]] == ["EctTrainingRecorded", "CatchUpAssigned"]
    assert published(app)[-1].payload.due_by == date(2025, 11, 5)
    assert app.complete_catch_up(app.ect_id, catch_up_id, completed_on=date(2025, 10, 20),
                                 provenance=LEAD)
    assert not app.complete_catch_up(app.ect_id, catch_up_id, completed_on=date(2025, 10, 20),
                                     provenance=LEAD), "completing twice records nothing"
    assert app.get_induction(app.ect_id).open_catch_ups == {}


def test_an_attended_clinic_or_a_missed_conference_assigns_no_catch_up(app):
    _, catch_up, _ = app.record_ect_training(app.ect_id, request_id="c1", kind="clinic",
                                             held_on=date(2025, 10, 8), attended=True, provenance=LEAD)
    _, catch_up_2, _ = app.record_ect_training(app.ect_id, request_id="c2", kind="conference",
                                               held_on=date(2025, 11, 8), attended=False, provenance=LEAD)
    assert catch_up is None and catch_up_2 is None
    assert "CatchUpAssigned" not in [e.event_type for e in published(app)]


def test_completing_catch_up_work_that_was_never_assigned_is_refused(app):
    import uuid

    with pytest.raises(CatchUpNotFoundError):
        app.complete_catch_up(app.ect_id, uuid.uuid4(), completed_on=date(2025, 10, 20),
                              provenance=LEAD)


def test_thirty_days_absence_in_a_year_is_reported_once_and_extends_that_year_statutory_rule_9(app):
    absence(app, date(2025, 10, 6), 10)
    absence(app, date(2025, 11, 10), 15)
    assert "AbsenceThresholdReached" not in [e.event_type for e in published(app)]
    absence(app, date(2026, 1, 12), 5)
    reached = [e for e in published(app) if e.event_type == "AbsenceThresholdReached"]
    assert len(reached) == 1
    assert (reached[0].payload.induction_year, reached[0].payload.extension_days) == (1, 30)
    absence(app, date(2026, 2, 2), 4)
    assert len([e for e in published(app) if e.event_type == "AbsenceThresholdReached"]) == 1
    assert view(app, app.ect_id)["absence_extension_days"] == 34, "extended by all days absent"


def test_absences_after_the_threshold_extend_the_year_further_paragraph_3_6(app):
    absence(app, date(2025, 10, 6), 30)
    assert view(app, app.ect_id)["terms_required"] == 6.5  # 30 days at 65 a term, rounded up
    later = view(app, app.ect_id)["year_two_starts"]
    absence(app, date(2026, 2, 2), 4)
    ect = view(app, app.ect_id)
    assert ect["terms_required"] == 6.6, "34 days: every absence in the year adds (3.6)"
    assert ect["year_two_starts"] > later, "and year 2 starts later"
    assert ect["breakdown"]["required"][1] == {
        "source": "absence", "terms": 0.6, "induction_year": 1, "days": 34.0, "decided_on": None,
        "reason": "34 days' absence in year 1 reached 30: the year is extended by the days absent (3.6)"}


def test_an_absence_inside_an_extended_year_one_is_filed_in_year_one_paragraph_3_6(app, clock):
    absence(app, date(2025, 10, 6), 30)  # year 1 now ends in the autumn of 2026, not in July
    clock.today = date(2026, 9, 20)
    absence(app, date(2026, 9, 14), 5)
    recorded = [e.payload for e in published(app) if e.event_type == "AbsenceRecorded"][-1]
    assert (recorded.induction_year, recorded.days_counted_in_year) == (1, 35)
    assert [e.event_type for e in published(app)].count("AbsenceThresholdReached") == 1
    ect = view(app, app.ect_id)
    assert (ect["induction_year"], ect["absence_days_counted_this_year"]) == (1, 35)
    assert ect["year_two_starts"] > date(2026, 9, 14)
    assert [a["induction_year"] for a in ect["absences"]] == [1, 1]


def test_coaching_stays_weekly_in_a_year_one_extended_by_absence_paragraph_3_6(clock):
    clock.today = date(2025, 9, 1)
    app = in_memory_app(clock)
    extended = app.register_ect(provenance=provenance(), **ect_details())
    other = app.register_ect(provenance=provenance(), **ect_details(trn="7777777"))
    clock.today = date(2026, 7, 1)
    app.record_absence(extended, request_id=None, first_day=date(2025, 10, 6), days=30,
                       reason="sickness", provenance=LEAD)

    def autumn_2026_sessions(ect_id) -> int:  # type: ignore[no-untyped-def]
        clock.today = date(2026, 7, 17)
        before = view(app, ect_id)["sessions_expected"]
        clock.today = date(2026, 10, 23)  # eight teaching weeks into the autumn term
        return int(view(app, ect_id)["sessions_expected"]) - before

    assert autumn_2026_sessions(other) == 4, "year 2: fortnightly"
    assert autumn_2026_sessions(extended) == 8, "still year 1: weekly"


def test_statutory_leave_never_counts_towards_the_threshold_statutory_rule_9(app):
    absence(app, date(2025, 10, 6), 45, reason="maternity")
    absence(app, date(2026, 1, 12), 10)
    recorded = [e for e in published(app) if e.event_type == "AbsenceRecorded"]
    assert [r.payload.statutory_leave for r in recorded] == [True, False]
    assert recorded[-1].payload.days_counted_in_year == 10
    assert "AbsenceThresholdReached" not in [e.event_type for e in published(app)]


def test_recording_the_same_absence_twice_counts_it_once(app):
    absence(app, date(2025, 10, 6), 20, request_id="a-1")
    absence(app, date(2025, 10, 6), 20, request_id="a-1")
    absence(app, date(2025, 11, 6), 9)
    assert "AbsenceThresholdReached" not in [e.event_type for e in published(app)]


def test_an_ect_back_from_statutory_leave_may_extend_and_is_always_granted_statutory_rule_9(app):
    with pytest.raises(NoStatutoryLeaveError, match=r"3\.7"):
        app.opt_to_extend(app.ect_id, extension_days=10, provenance=LEAD)
    absence(app, date(2025, 10, 6), 60, reason="shared_parental")
    app.opt_to_extend(app.ect_id, extension_days=60, provenance=LEAD)
    granted = published(app)[-1]
    assert (granted.event_type, granted.payload.extension_days) == ("StatutoryLeaveExtensionGranted", 60)
    with pytest.raises(NoStatutoryLeaveError):
        app.opt_to_extend(app.ect_id, extension_days=1, provenance=LEAD)


def test_a_mentors_training_is_recorded_once_and_tallied_by_kind(app):
    mentor_id = app.register_mentor(provenance=LEAD, **mentor_details())
    app.record_mentor_training(mentor_id, request_id="conf-1", kind="conference",
                               held_on=date(2025, 10, 1), attended=True, provenance=LEAD)
    app.record_mentor_training(mentor_id, request_id="conf-1", kind="conference",
                               held_on=date(2025, 10, 1), attended=True, provenance=LEAD)
    app.record_mentor_training(mentor_id, request_id="clinic-1", kind="clinic",
                               held_on=date(2025, 11, 1), attended=False, provenance=LEAD)
    assert app.get_mentor(mentor_id).training_progress() == {
        "conference": {"attended": 1, "missed": 0}, "clinic": {"attended": 0, "missed": 1}}
    attended = [e for e in published(app) if e.event_type == "MentorTrainingAttended"]
    assert len(attended) == 2 and attended[0].ect_id is None
    assert attended[0].payload.mentor_id == mentor_id
