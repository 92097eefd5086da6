"""A support plan for an ECT who is not on track, shared with the appropriate body (guidance 4.1).

One plan per review that found the ECT not on track (its id derives from the review's), so
sharing it again is refused rather than doubled. A plan may also be shared without a review,
when the school acts before the next one.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from reporting.domain.errors import DateNotAllowedError, SupportPlanNotNeededError
from reporting.domain.provenance import Provenance
from reporting.domain.term_report import TermReport


class SupportPlan(Aggregate):
    @staticmethod
    def create_id(ect_id: UUID, key: str) -> UUID:
        return plan_id(ect_id, key)

    @classmethod
    def share(cls, *, ect_id: UUID, key: str, report: TermReport | None, shared_on: date,
              summary: str, review_on: date | None, appropriate_body_id: str | None,
              provenance: Provenance, today: date) -> SupportPlan:
        if report is not None:
            if report.ect_id != ect_id:
                raise SupportPlanNotNeededError(f"report {report.id} is about another ECT")
            if report.on_track:
                raise SupportPlanNotNeededError(
                    f"the {report.kind.replace('_', ' ')} for term {report.term_number} found the ECT "
                    "on track; a support plan answers one that did not (statutory guidance 4.1)")
            if shared_on < report.submitted_on:
                raise DateNotAllowedError(
                    f"the plan cannot be shared on {shared_on}, before the review of {report.submitted_on}")
        if shared_on > today:
            raise DateNotAllowedError(f"a plan cannot be shared on {shared_on}, after today ({today})")
        if review_on is not None and review_on < shared_on:
            raise DateNotAllowedError(f"the plan's review on {review_on} precedes its sharing on {shared_on}")
        return cls(ect_id=ect_id, key=key, report_id=report.id if report else None, shared_on=shared_on,
                   summary=summary, review_on=review_on, appropriate_body_id=appropriate_body_id,
                   provenance=provenance)

    @event("SupportPlanShared")
    def __init__(self, *, ect_id: UUID, key: str, report_id: UUID | None, shared_on: date, summary: str,
                 review_on: date | None, appropriate_body_id: str | None,
                 provenance: Provenance) -> None:
        self.ect_id = ect_id
        self.report_id = report_id
        self.shared_on = shared_on


def plan_id(ect_id: UUID, key: str) -> UUID:
    """``key``: the review's id, or the client's request id for a plan without a review."""
    return uuid5(NAMESPACE_URL, f"ect-platform:support-plan:{ect_id}:{key}")
