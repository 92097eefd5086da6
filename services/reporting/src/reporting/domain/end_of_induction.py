"""The steps around the AB's decision, kept on the ECT's decision record (``InductionDecision``,
which mixes this in) so every step of the end of induction is in one ordered history:

- the ECT's written representations on the final recommendation, within 10 working days of
  it (regulation 11(4)): a late one is received, and marked late; none once the AB has decided on
  that recommendation (the remedy then is an appeal);
- written notice of the decision within 3 working days, to the ECT, the headteacher, the
  employer, and the TRA for a fail or an extension (2.69): to whom, when and how, with who is
  still owed it; never before the decision;
- an appeal to the TRA against a fail or an extension within 20 working days of the ECT's
  notice (regulation 14), and its outcome: allowed (the decision is set aside and the induction
  record is open again), dismissed, or extended (an extension, as the AB's would be).

The clocks are ``statutory.end_of_induction``'s; this module only decides what may be recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from reporting.domain.errors import (
    AppealNotAllowedError,
    DateNotAllowedError,
    NoAppealError,
    NoDecisionYetError,
    NoFinalRecommendationError,
    NoticeNotAllowedError,
    RepresentationsClosedError,
)
from reporting.domain.provenance import Provenance
from statutory.end_of_induction import (
    APPEAL_OUTCOMES,
    ECT,
    appeal_due_by,
    appealable,
    is_late,
    notice_due_by,
    notice_recipients,
    recipients_owed,
    representations_due_by,
)


@dataclass(frozen=True)
class Appeal:
    appeal_id: UUID
    lodged_on: date
    outcome: str | None = None  # allowed, dismissed, extended: the TRA's decision


class EndOfInduction(Aggregate):
    """State and commands of the steps around the decision; ``_decided`` is called by the
    decision events (``InductionOutcomeRecorded``, ``InductionExtended``) as they apply."""

    if TYPE_CHECKING:  # the decision record's own state (annotations here would be fields)
        ect_id: UUID
        outcome: str | None
        extension_terms: Decimal
        last_extended_on: date | None

    def start_end_of_induction(self) -> None:
        """Called by the record's creating event (so every stored record replays into it)."""
        # representations on each recommendation, by the day the recommendation was received
        self.representations: dict[date, list[date]] = {}
        self.decision: tuple[str, date] | None = None  # (passed/failed/extended, decided_on)
        self.decided_recommendation: date | None = None  # the recommendation it decided on
        self.notices: dict[str, date] = {}  # who has notice of the current decision, and when
        self.appeal: Appeal | None = None

    def _decided(self, decision: str, decided_on: date, on_recommendation: date | None) -> None:
        self.decision = (decision, decided_on)
        self.decided_recommendation = on_recommendation
        self.notices = {}
        self.appeal = None

    def representations_on(self, recommendation_received_on: date | None) -> list[date]:
        if recommendation_received_on is None:
            return []
        return list(self.representations.get(recommendation_received_on, []))

    @staticmethod
    def _not_after_today(day: date, today: date, what: str) -> None:
        if day > today:
            raise DateNotAllowedError(f"{what} cannot be dated {day}, after today ({today})")

    # -- the ECT's representations (regulation 11(4)) ---------------------------------------------

    def make_representations(self, *, representations_id: UUID, received_on: date, summary: str,
                             recorded_on_behalf: bool, appropriate_body_id: str,
                             recommendation: str | None, recommendation_received_on: date | None,
                             today: date, provenance: Provenance) -> None:
        if recommendation_received_on is None:
            raise NoFinalRecommendationError(
                "the ECT's representations answer the final assessment's recommendation, and none "
                "has reached the appropriate body (the Induction Regulations, regulation 11(4))")
        if self.decision is not None and self.decided_recommendation == recommendation_received_on:
            raise RepresentationsClosedError(
                f"the appropriate body decided ({self.decision[0]}) on {self.decision[1]} on the "
                f"recommendation received on {recommendation_received_on}; representations can no "
                "longer be considered, and a fail or an extension may be appealed to the TRA "
                "(regulation 14)")
        self._not_after_today(received_on, today, "representations")
        if received_on < recommendation_received_on:
            raise DateNotAllowedError(
                f"representations received on {received_on} cannot precede the recommendation they "
                f"answer, received on {recommendation_received_on}")
        due = representations_due_by(recommendation_received_on)
        self._representations_made(
            ect_id=self.ect_id, representations_id=representations_id, received_on=received_on,
            summary=summary, recorded_on_behalf=recorded_on_behalf,
            appropriate_body_id=appropriate_body_id, recommendation=recommendation,
            recommendation_received_on=recommendation_received_on, representations_due_by=due,
            late=is_late(received_on, due), provenance=provenance)

    @event("EctRepresentationsMade")
    def _representations_made(self, *, ect_id: UUID, representations_id: UUID, received_on: date,
                              summary: str, recorded_on_behalf: bool, appropriate_body_id: str,
                              recommendation: str | None, recommendation_received_on: date,
                              representations_due_by: date, late: bool,
                              provenance: Provenance) -> None:
        self.representations.setdefault(recommendation_received_on, []).append(received_on)

    # -- written notice of the decision (2.69) ----------------------------------------------

    def record_notice(self, *, notice_id: UUID, recipients: list[str], given_on: date, method: str,
                      appropriate_body_id: str, today: date, provenance: Provenance) -> None:
        if self.decision is None:
            raise NoDecisionYetError(
                "written notice is of the appropriate body's decision, and none has been recorded "
                "(statutory guidance 2.69)")
        decision, decided_on = self.decision
        owed_to = notice_recipients(decision)
        wrong = [r for r in recipients if r not in owed_to]
        if wrong:
            raise NoticeNotAllowedError(
                f"notice of a {decision} decision goes to {', '.join(owed_to)}, not {', '.join(wrong)}: "
                "the TRA learns of a pass from the termly return (statutory guidance 2.69)")
        again = [r for r in recipients if r in self.notices]
        if again:
            raise NoticeNotAllowedError(
                f"notice of this decision was already recorded for {', '.join(again)} "
                f"(on {', '.join(str(self.notices[r]) for r in again)})")
        self._not_after_today(given_on, today, "a notice")
        if given_on < decided_on:
            raise DateNotAllowedError(
                f"notice given on {given_on} cannot precede the decision on {decided_on}")
        due = notice_due_by(decided_on)
        owed = recipients_owed(decision, set(self.notices) | set(recipients))
        ect_notice = self.notices.get(ECT) or (given_on if ECT in recipients else None)
        appeal_by = appeal_due_by(ect_notice) if ect_notice and appealable(decision) else None
        self._notice_recorded(
            ect_id=self.ect_id, notice_id=notice_id, decision=decision, decided_on=decided_on,
            recipients=[r for r in owed_to if r in recipients], given_on=given_on, method=method,
            appropriate_body_id=appropriate_body_id, notice_due_by=due, late=is_late(given_on, due),
            recipients_owed=list(owed), appeal_due_by=appeal_by, provenance=provenance)

    @event("DecisionNoticeRecorded")
    def _notice_recorded(self, *, ect_id: UUID, notice_id: UUID, decision: str, decided_on: date,
                         recipients: list[str], given_on: date, method: str, appropriate_body_id: str,
                         notice_due_by: date, late: bool, recipients_owed: list[str],
                         appeal_due_by: date | None, provenance: Provenance) -> None:
        for recipient in recipients:
            self.notices[recipient] = given_on

    # -- the appeal to the TRA (regulation 14) ----------------------------------------------

    def lodge_appeal(self, *, appeal_id: UUID, lodged_on: date, grounds: str,
                     appropriate_body_id: str, today: date, provenance: Provenance) -> None:
        if self.decision is None or not appealable(self.decision[0]):
            raise AppealNotAllowedError(
                "only a fail or an extension may be appealed to the TRA (regulation 14); "
                + ("no decision has been recorded" if self.decision is None
                   else f"the decision was {self.decision[0]}"))
        decision, _ = self.decision
        if self.appeal is not None:
            raise AppealNotAllowedError(
                f"an appeal against this {decision} decision was already lodged on "
                f"{self.appeal.lodged_on}")
        notified = self.notices.get(ECT)
        if notified is None:
            raise AppealNotAllowedError(
                "the appeal window runs from the ECT's written notice of the decision, and none is "
                "recorded: record the notice first (regulation 14, guidance 2.69)")
        self._not_after_today(lodged_on, today, "an appeal")
        if lodged_on < notified:
            raise DateNotAllowedError(
                f"an appeal lodged on {lodged_on} cannot precede the ECT's notice on {notified}")
        due = appeal_due_by(notified)
        self._appeal_lodged(
            ect_id=self.ect_id, appeal_id=appeal_id, decision=decision, lodged_on=lodged_on,
            grounds=grounds, appropriate_body_id=appropriate_body_id, appeal_due_by=due,
            late=is_late(lodged_on, due), provenance=provenance)

    @event("AppealLodged")
    def _appeal_lodged(self, *, ect_id: UUID, appeal_id: UUID, decision: str, lodged_on: date,
                       grounds: str, appropriate_body_id: str, appeal_due_by: date, late: bool,
                       provenance: Provenance) -> None:
        self.appeal = Appeal(appeal_id, lodged_on)

    def decide_appeal(self, *, appeal_outcome: str, decided_on: date, appropriate_body_id: str,
                      extension_terms: Decimal | None, reason: str | None, today: date,
                      provenance: Provenance) -> None:
        if appeal_outcome not in APPEAL_OUTCOMES:
            raise ValueError(f"unknown appeal outcome {appeal_outcome!r}")
        appeal = self.appeal
        if appeal is None or appeal.outcome is not None or self.decision is None:
            raise NoAppealError(
                "no appeal is waiting for the TRA's decision"
                + (f" (the appeal was {appeal.outcome})" if appeal else "")
                + " (regulation 14)")
        if (appeal_outcome == "extended") != (extension_terms is not None):
            raise ValueError("an extended appeal outcome needs its length in FTE terms, and only it")
        if extension_terms is not None and extension_terms <= 0:
            raise ValueError("an extension is a positive number of FTE terms")
        self._not_after_today(decided_on, today, "an appeal outcome")
        if decided_on < appeal.lodged_on:
            raise DateNotAllowedError(f"the appeal outcome on {decided_on} cannot precede the appeal "
                                      f"lodged on {appeal.lodged_on}")
        self._appeal_decided(
            ect_id=self.ect_id, appeal_id=appeal.appeal_id, appeal_outcome=appeal_outcome,
            decided_on=decided_on, decision=self.decision[0], appropriate_body_id=appropriate_body_id,
            extension_terms=str(extension_terms) if extension_terms is not None else None,
            reason=reason, provenance=provenance)

    @event("AppealDecided")
    def _appeal_decided(self, *, ect_id: UUID, appeal_id: UUID, appeal_outcome: str, decided_on: date,
                        decision: str, appropriate_body_id: str, extension_terms: str | None,
                        reason: str | None, provenance: Provenance) -> None:
        if self.appeal is not None:
            self.appeal = Appeal(self.appeal.appeal_id, self.appeal.lodged_on, appeal_outcome)
        if appeal_outcome == "dismissed":
            return
        # allowed or extended: the decision appealed no longer stands, so the induction is open
        self.outcome = None
        if appeal_outcome == "extended" and extension_terms is not None:
            self.extension_terms += Decimal(extension_terms)
            self.last_extended_on = max(filter(None, [self.last_extended_on, decided_on]))
