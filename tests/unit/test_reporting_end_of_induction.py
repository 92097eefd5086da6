"""The decision record's steps around the decision refuse what the Regulations do not allow
and record nothing then: representations answer a recommendation not yet decided on
(regulation 11(4)), notice follows a decision and goes to those owed it once (2.69), an appeal
follows the ECT's notice of a fail or an extension, once (regulation 14)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from reporting.application import ReportingApplication
from reporting.domain.errors import (
    AppealNotAllowedError,
    DateNotAllowedError,
    NoAppealError,
    NoDecisionYetError,
    NoFinalRecommendationError,
    NoticeNotAllowedError,
)
from reporting.domain.outcome import decision_id
from reporting.domain.provenance import Provenance
from tests.unit.scheduling_fixtures import Clock

AB = Provenance("ab-1", "appropriate_body", uuid.uuid4())
RECEIVED = date(2027, 7, 13)


def app(today: date = date(2027, 7, 21)) -> ReportingApplication:
    return ReportingApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=Clock(today))


def versions(reporting: ReportingApplication, ect: uuid.UUID) -> int:
    return len(reporting.recorder.select_events(decision_id(ect)))


def fail(reporting: ReportingApplication, ect: uuid.UUID) -> None:
    reporting.record_outcome(ect, outcome="failed", decided_on=date(2027, 7, 21), appropriate_body_id="ab-1",
                             terms_served=6.0, recommendation="unsatisfactory",
                             recommendation_received_on=RECEIVED, provenance=AB)


def notice(reporting: ReportingApplication, ect: uuid.UUID, *recipients: str,
           given_on: date = date(2027, 7, 21)) -> None:
    reporting.record_notice(ect, recipients=list(recipients), given_on=given_on, method="email",
                            appropriate_body_id="ab-1", provenance=AB)


def test_representations_need_a_recommendation_and_a_date_on_or_after_it_regulation_11_4():
    reporting, ect = app(), uuid.uuid4()
    details = {"summary": "s", "recorded_on_behalf": True, "appropriate_body_id": "ab-1",
               "recommendation": "unsatisfactory"}
    with pytest.raises(NoFinalRecommendationError, match=r"regulation 11\(4\)"):
        reporting.make_representations(ect, received_on=RECEIVED, recommendation_received_on=None,
                                       provenance=AB, **details)
    with pytest.raises(DateNotAllowedError, match="cannot precede"):
        reporting.make_representations(ect, received_on=date(2027, 7, 12),
                                       recommendation_received_on=RECEIVED, provenance=AB, **details)
    with pytest.raises(DateNotAllowedError, match="after today"):
        reporting.make_representations(ect, received_on=date(2027, 7, 22),
                                       recommendation_received_on=RECEIVED, provenance=AB, **details)
    assert versions(reporting, ect) == 0


def test_notice_follows_the_decision_never_precedes_it_and_goes_to_each_recipient_once_guidance_2_69():
    reporting, ect = app(), uuid.uuid4()
    with pytest.raises(NoDecisionYetError):
        notice(reporting, ect, "ect")
    fail(reporting, ect)
    before = versions(reporting, ect)
    with pytest.raises(DateNotAllowedError, match="cannot precede the decision"):
        notice(reporting, ect, "ect", given_on=date(2027, 7, 20))
    notice(reporting, ect, "ect", "tra")
    with pytest.raises(NoticeNotAllowedError, match="already recorded for tra"):
        notice(reporting, ect, "tra", "employer")
    assert versions(reporting, ect) == before + 1


def test_an_appeal_follows_the_ects_notice_once_and_its_outcome_follows_it_regulation_14():
    reporting, ect = app(), uuid.uuid4()
    appeal = {"grounds": "g", "appropriate_body_id": "ab-1", "provenance": AB}
    fail(reporting, ect)
    notice(reporting, ect, "tra")
    with pytest.raises(AppealNotAllowedError, match="notice first"):
        reporting.lodge_appeal(ect, lodged_on=date(2027, 7, 21), **appeal)
    with pytest.raises(NoAppealError):
        reporting.decide_appeal(ect, appeal_outcome="dismissed", decided_on=date(2027, 7, 21),
                                appropriate_body_id="ab-1", extension_terms=None, reason=None, provenance=AB)
    notice(reporting, ect, "ect")
    reporting.lodge_appeal(ect, lodged_on=date(2027, 7, 21), **appeal)
    with pytest.raises(AppealNotAllowedError, match="already lodged"):
        reporting.lodge_appeal(ect, lodged_on=date(2027, 7, 21), **appeal)
    reporting.decide_appeal(ect, appeal_outcome="extended", decided_on=date(2027, 7, 21),
                            appropriate_body_id="ab-1", extension_terms=Decimal("1.5"), reason="r",
                            provenance=AB)
    record = reporting.repository.get(decision_id(ect))
    assert (record.outcome, record.extension_terms, record.last_extended_on) == (
        None, Decimal("1.5"), date(2027, 7, 21))
    with pytest.raises(NoAppealError, match="was extended"):
        reporting.decide_appeal(ect, appeal_outcome="allowed", decided_on=date(2027, 7, 21),
                                appropriate_body_id="ab-1", extension_terms=None, reason=None, provenance=AB)
