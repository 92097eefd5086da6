"""A term report written and signed in steps (reporting.domain.term_report_draft), without I/O:
the statutory checks at drafting, the signing dates and order, and every step's event translating
to its public contract (the private DraftSubmitted aside)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from reporting.application import ReportingApplication
from reporting.domain.errors import (
    AssessorNotAllowedError,
    DateNotAllowedError,
    RecommendationNotAllowedError,
    ReportNotDraftError,
    SignatureNotAllowedError,
    SigningOrderError,
    TermReportNotFoundError,
)
from reporting.domain.provenance import Provenance
from reporting.integration.outbound import PRIVATE_EVENTS, to_integration_event
from tests.unit.scheduling_fixtures import Clock

TUTOR = Provenance("tutor-1", "induction_tutor", uuid.uuid4())
HEAD = Provenance("head-1", "headteacher", uuid.uuid4())
ECT = uuid.uuid4()
BY_ECT = Provenance(str(ECT), "ect", uuid.uuid4())
TODAY = date(2026, 7, 20)
CONTENT: dict[str, Any] = {"on_track": True, "evidence_summary": "e", "targets": "t"}


def app() -> ReportingApplication:
    return ReportingApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=Clock(TODAY))


def draft(reporting: ReportingApplication, kind: str = "formal_assessment", **extra: Any) -> uuid.UUID:
    return reporting.draft_term_report(ECT, kind=kind, term_number=3, drafted_on=date(2026, 7, 17),
                                       provenance=TUTOR, **(CONTENT | extra))


def test_drafting_makes_the_checks_a_submission_makes_guidance_2_55_and_2_60():
    with pytest.raises(AssessorNotAllowedError, match=r"2\.55"):
        draft(app(), mentor_id="m-1", assessor_id="m-1")
    with pytest.raises(RecommendationNotAllowedError, match=r"2\.60"):
        draft(app(), recommendation="satisfactory")  # not the final assessment


def test_signatures_are_dated_between_the_draft_and_today_and_come_in_order():
    reporting = app()
    report = draft(reporting)
    sign = reporting.sign_term_report
    with pytest.raises(DateNotAllowedError, match="after today"):
        sign(ECT, report, as_role="ect", name="Ada", signed_on=date(2026, 7, 21), provenance=BY_ECT)
    with pytest.raises(DateNotAllowedError, match="before it was drafted"):
        sign(ECT, report, as_role="ect", name="Ada", signed_on=date(2026, 7, 16), provenance=BY_ECT)
    with pytest.raises(SigningOrderError):
        sign(ECT, report, as_role="headteacher", name="H", signed_on=TODAY, provenance=HEAD)
    assert sign(ECT, report, as_role="ect", name="Ada", signed_on=TODAY, provenance=BY_ECT) == \
        "headteacher_to_sign"
    assert sign(ECT, report, as_role="headteacher", name="H", signed_on=TODAY, provenance=HEAD) == \
        "tutor_to_submit"
    with pytest.raises(TermReportNotFoundError):  # under another ECT's id, no such report
        sign(uuid.uuid4(), report, as_role="ect", name="Bo", signed_on=TODAY, provenance=BY_ECT)


def test_a_review_is_not_the_headteachers_to_sign():
    reporting = app()
    report = draft(reporting, kind="progress_review")
    reporting.sign_term_report(ECT, report, as_role="ect", name="Ada", signed_on=TODAY, provenance=BY_ECT)
    with pytest.raises(SignatureNotAllowedError, match=r"2\.55"):
        reporting.sign_term_report(ECT, report, as_role="headteacher", name="H", signed_on=TODAY,
                                   provenance=HEAD)


def test_a_submitted_draft_becomes_the_report_and_every_step_translates_to_its_contract():
    reporting = app()
    report = draft(reporting, headteacher_id="head-9")
    reporting.correct_term_report(ECT, report, corrected_on=TODAY, provenance=TUTOR,
                                  **(CONTENT | {"targets": "better"}))
    reporting.sign_term_report(ECT, report, as_role="ect", name="Ada", signed_on=TODAY, provenance=BY_ECT,
                               comments="ok")
    reporting.sign_term_report(ECT, report, as_role="headteacher", name="H", signed_on=TODAY,
                               provenance=HEAD)
    submitted = reporting.submit_draft(ECT, report, submitted_on=TODAY, tutor_name="T",
                                       appropriate_body_id="ab-1", provenance=TUTOR)
    assert submitted == report
    made = reporting.get_term_report(report)
    assert (made.targets, made.ect_comments, made.fully_signed) == ("better", "ok", True)
    with pytest.raises(ReportNotDraftError):
        reporting.correct_term_report(ECT, report, corrected_on=TODAY, provenance=TUTOR, **CONTENT)
    published = []
    for notification in reporting.recorder.select_notifications(start=1, limit=100):
        event = reporting.mapper.to_domain_event(notification)
        envelope = to_integration_event(event)
        assert envelope is not None or type(event) in PRIVATE_EVENTS, type(event)
        if envelope is not None:
            published.append(envelope)
    assert [e.event_type for e in published] == ["TermReportDrafted", "TermReportCorrected",
                                                  "TermReportSignedByEct", "TermReportSignedByHeadteacher",
                                                  "TermReportSubmitted"]
    assert published[0].payload.headteacher_id == "head-9"
    assert all(e.ect_id == ECT for e in published)
    assert sorted(published[-1].payload.signed_off_by) == ["ect", "headteacher", "induction_tutor"]
