"""What notifications knows of the steps around the AB's latest decision: the ECT's
representations (regulation 11(4)), who has written notice of it (2.69), the appeal window and the
appeal (regulation 14). Facts only, folded from reporting's events; the reminders ask
``statutory.end_of_induction`` what they mean (``notifications.end_of_induction``).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from contracts.reporting import v1 as reporting


class DecisionSteps(BaseModel):
    model_config = ConfigDict(extra="ignore")

    decision: str | None = None  # passed / failed / extended: the latest decision's kind
    representations_on: list[date] = Field(default_factory=list)  # recommendations answered
    noticed: list[str] = Field(default_factory=list)  # told of the latest decision
    appeal_due_by: date | None = None  # from the ECT's notice of a fail or an extension
    appeal_lodged_on: date | None = None

    def decided(self, decision: str | None) -> None:
        """A new decision: its own notice and appeal window."""
        self.decision, self.noticed, self.appeal_due_by, self.appeal_lodged_on = decision, [], None, None

    def representations_made(self, p: reporting.EctRepresentationsMade) -> None:
        if p.recommendation_received_on is not None:
            self.representations_on = sorted({*self.representations_on, p.recommendation_received_on})

    def notice_recorded(self, p: reporting.DecisionNoticeRecorded, latest_decided_on: date | None) -> None:
        if p.decided_on != latest_decided_on:
            return  # notice of a decision since superseded: nothing is owed of it any more
        self.noticed = sorted({*self.noticed, *(r.value for r in p.recipients)})
        self.appeal_due_by = p.appeal_due_by or self.appeal_due_by

    def appeal_lodged(self, p: reporting.AppealLodged) -> None:
        self.appeal_lodged_on = p.lodged_on
