"""reporting's aggregates decide: term reports, support plans, the AB's decisions (rules 5, 6, 8)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from reporting.application import ReportingApplication
from reporting.domain.errors import (
    AssessorNotAllowedError,
    DateNotAllowedError,
    NoFinalRecommendationError,
    OutcomeAlreadyRecordedError,
    RecommendationNotAllowedError,
    RecommendationRequiredError,
    SupportPlanNotNeededError,
    TermReportAlreadySubmittedError,
)
from reporting.domain.provenance import Provenance
from reporting.integration.outbound import PRIVATE_EVENTS, to_integration_event
from tests.unit.scheduling_fixtures import Clock

TUTOR = Provenance("tutor-1", "induction_tutor", uuid.uuid4())
AB = Provenance("ab-1", "appropriate_body", uuid.uuid4())
ECT = uuid.uuid4()
TODAY = date(2026, 7, 20)


def app() -> ReportingApplication:
    return ReportingApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=Clock(TODAY))


def report(reporting: ReportingApplication, **overrides):  # type: ignore[no-untyped-def]
    fields = {"kind": "progress_review", "term_number": 1, "on_track": True, "evidence_summary": "e",
              "targets": "t", "submitted_on": date(2025, 12, 19), "appropriate_body_id": "ab-1",
              "recommendation": None, "provenance": TUTOR} | overrides
    return reporting.submit_term_report(ECT, **fields)


def test_the_mentor_never_assesses_the_ect_guidance_2_55():
    with pytest.raises(AssessorNotAllowedError, match=r"2\.55"):
        report(app(), kind="formal_assessment", term_number=3, mentor_id="m-1", assessor_id="m-1")
    with pytest.raises(AssessorNotAllowedError, match=r"2\.55"):
        report(app(), kind="formal_assessment", term_number=3, assessor_role="mentor")


def test_only_the_final_formal_assessment_recommends_and_it_must_guidance_2_60():
    with pytest.raises(RecommendationNotAllowedError):
        report(app(), kind="formal_assessment", term_number=3, recommendation="satisfactory")
    with pytest.raises(RecommendationNotAllowedError):
        report(app(), kind="progress_review", recommendation="extension", final=True)
    with pytest.raises(RecommendationRequiredError):
        report(app(), kind="formal_assessment", term_number=6, final=True)
    assert report(app(), kind="formal_assessment", term_number=6, final=True,
                  recommendation="extension")


def test_a_report_cannot_be_sent_in_the_future_nor_before_its_meeting():
    with pytest.raises(DateNotAllowedError):
        report(app(), submitted_on=date(2026, 7, 21))
    with pytest.raises(DateNotAllowedError):
        report(app(), kind="formal_assessment", term_number=3, submitted_on=date(2026, 7, 10),
               assessment_meeting_on=date(2026, 7, 13))


def test_an_assessment_needs_the_tutor_headteacher_and_ect_signatures():
    reporting = app()
    signed = [{"role": r, "name": r, "signed_on": date(2026, 7, 17)} for r in ("induction_tutor", "ect")]
    report_id = report(reporting, kind="formal_assessment", term_number=3, sign_offs=signed,
                       submitted_on=date(2026, 7, 17))
    assert reporting.get_term_report(report_id).fully_signed is False
    (event,) = [to_integration_event(reporting.mapper.to_domain_event(n))
                for n in reporting.recorder.select_notifications(start=1, limit=10)]
    assert event is not None
    assert (event.payload.signed_off_by, event.payload.fully_signed) == (["ect", "induction_tutor"], False)


def test_the_same_report_twice_is_refused():
    reporting = app()
    report(reporting)
    with pytest.raises(TermReportAlreadySubmittedError):
        report(reporting, evidence_summary="again")


def test_a_support_plan_answers_a_review_that_found_the_ect_not_on_track_guidance_4_1():
    reporting = app()
    on_track = report(reporting)
    with pytest.raises(SupportPlanNotNeededError, match=r"4\.1"):
        reporting.share_support_plan(ECT, report=on_track, request_id=None, shared_on=TODAY, summary="s",
                                     review_on=None, appropriate_body_id="ab-1", provenance=TUTOR)
    off_track = report(reporting, term_number=2, on_track=False, submitted_on=date(2026, 4, 1))
    plan, created = reporting.share_support_plan(
        ECT, report=off_track, request_id=None, shared_on=date(2026, 4, 2), summary="s",
        review_on=None, appropriate_body_id="ab-1", provenance=TUTOR)
    again, created_again = reporting.share_support_plan(
        ECT, report=off_track, request_id=None, shared_on=date(2026, 4, 2), summary="s",
        review_on=None, appropriate_body_id="ab-1", provenance=TUTOR)
    assert (created, created_again, again) == (True, False, plan)


def test_a_pass_or_fail_is_decided_on_the_final_recommendation_once_guidance_2_67():
    reporting = app()
    decide = {"outcome": "passed", "decided_on": TODAY, "appropriate_body_id": "ab-1",
              "terms_served": 6.0, "recommendation": "satisfactory", "provenance": AB}
    with pytest.raises(NoFinalRecommendationError):
        reporting.record_outcome(ECT, recommendation_received_on=None, **decide)
    with pytest.raises(DateNotAllowedError):
        reporting.record_outcome(ECT, recommendation_received_on=date(2026, 7, 21), **decide)
    reporting.record_outcome(ECT, recommendation_received_on=date(2026, 7, 10), **decide)
    with pytest.raises(OutcomeAlreadyRecordedError):
        reporting.record_outcome(ECT, recommendation_received_on=date(2026, 7, 10), **decide)
    with pytest.raises(OutcomeAlreadyRecordedError):
        reporting.extend_induction(ECT, extension_terms=Decimal(1), reason="r", decided_on=TODAY,
                                   appropriate_body_id="ab-1", recommendation_received_on=None,
                                   provenance=AB)


def test_the_decision_events_carry_the_statutory_clocks_statutory_rule_13():
    reporting = app()
    reporting.extend_induction(ECT, extension_terms=Decimal("1.5"), reason="absence in year 2",
                               decided_on=date(2026, 7, 17), appropriate_body_id="ab-1",
                               recommendation_received_on=date(2026, 7, 10), provenance=AB)
    envelopes = [to_integration_event(reporting.mapper.to_domain_event(n))
                 for n in reporting.recorder.select_notifications(start=1, limit=10)]
    (extended,) = [e for e in envelopes if e is not None]
    # Fri 10 Jul 2026 + 20 working days = Fri 7 Aug; Fri 17 Jul + 3 = Wed 22 Jul
    assert (extended.payload.extension_terms, extended.payload.decision_due_by,
            extended.payload.notice_due_by, extended.ect_id) == (
        1.5, date(2026, 8, 7), date(2026, 7, 22), ECT)


def test_every_stored_reporting_event_is_published_or_private_for_a_stated_reason():
    reporting = app()
    off_track = report(reporting, on_track=False)
    reporting.share_support_plan(ECT, report=off_track, request_id=None, shared_on=TODAY, summary="s",
                                 review_on=None, appropriate_body_id="ab-1", provenance=TUTOR)
    reporting.record_outcome(ECT, outcome="failed", decided_on=TODAY, appropriate_body_id="ab-1",
                             terms_served=6.0, recommendation="unsatisfactory",
                             recommendation_received_on=date(2026, 7, 10), provenance=AB)
    for notification in reporting.recorder.select_notifications(start=1, limit=100):
        event = reporting.mapper.to_domain_event(notification)
        assert to_integration_event(event) is not None or type(event) in PRIVATE_EVENTS, type(event)
