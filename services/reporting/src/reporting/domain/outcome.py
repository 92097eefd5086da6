"""The appropriate body's decision on an induction: pass, fail, or extension (2.67-2.69, 3.8).

One aggregate per ECT (its id derives from the ECT's), so every decision about an induction
is in one ordered history. The statutory clocks, in working days in England:

- the decision is due within 20 working days of receiving the final recommendation (2.67);
- written notice within 3 working days of the decision, to the ECT, the headteacher, the
  employer and the TRA (2.69).

Both are recorded on the event so every subscriber (notifications, the TRA return) reads the
same deadlines. A pass or a fail is final: one induction per teacher (rule 4).

Every decision event repeats the ECT's id, so the translator can key it without state.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from reporting.domain.end_of_induction import EndOfInduction
from reporting.domain.errors import (
    DateNotAllowedError,
    NoCurrentFinalAssessmentError,
    NoFinalRecommendationError,
    OutcomeAlreadyRecordedError,
    ReasonRequiredError,
    ReductionNotAllowedError,
)
from reporting.domain.provenance import Provenance
from statutory.end_of_induction import decision_due_by as _decision_due_by
from statutory.end_of_induction import notice_due_by, representations_due_by
from statutory.errors import StatutoryRuleError
from statutory.terms_served import reduced_length

OUTCOMES = ("passed", "failed")
# the recommendation each outcome follows; deciding otherwise needs a recorded reason (2.67)
AS_RECOMMENDED = {"passed": "satisfactory", "failed": "unsatisfactory"}


def decision_due_by(recommendation_received_on: date | None) -> date | None:
    return _decision_due_by(recommendation_received_on) if recommendation_received_on else None


class InductionDecision(EndOfInduction):
    @staticmethod
    def create_id(ect_id: UUID) -> UUID:
        return decision_id(ect_id)

    @classmethod
    def open(cls, *, ect_id: UUID, provenance: Provenance) -> InductionDecision:
        return cls(ect_id=ect_id, provenance=provenance)

    @event("Opened")
    def __init__(self, *, ect_id: UUID, provenance: Provenance) -> None:
        self.ect_id = ect_id
        self.outcome: str | None = None
        self.extension_terms = Decimal(0)
        self.last_extended_on: date | None = None
        self.reductions: list[Decimal] = []
        self.start_end_of_induction()

    def _check_dates(self, decided_on: date, received_on: date | None, today: date) -> None:
        if decided_on > today:
            raise DateNotAllowedError(f"a decision cannot be dated {decided_on}, after today ({today})")
        if received_on is not None and decided_on < received_on:
            raise DateNotAllowedError(
                f"the decision on {decided_on} cannot precede the recommendation received on {received_on}")

    def _check_open(self) -> None:
        if self.outcome is not None:
            raise OutcomeAlreadyRecordedError(
                f"the ECT has {self.outcome} induction; one induction per teacher, nothing more is "
                "decided (statutory rule 4)")

    def record_outcome(self, *, outcome: str, decided_on: date, appropriate_body_id: str,
                       terms_served: float | None, recommendation: str | None,
                       recommendation_received_on: date | None, today: date,
                       provenance: Provenance, recommendation_term: int | None = None,
                       final_term: int | None = None, reason: str | None = None) -> None:
        """``recommendation_term``: the induction term of the assessment that recommended;
        ``final_term``: the term the induction clock now places the final assessment in."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        self._check_open()
        if recommendation_received_on is None:
            raise NoFinalRecommendationError(
                "the appropriate body decides pass or fail on the final assessment's recommendation, "
                "and none has been received (statutory guidance 2.67)")
        if self.last_extended_on is not None and recommendation_received_on <= self.last_extended_on:
            raise NoCurrentFinalAssessmentError(
                f"the induction was extended on {self.last_extended_on}: a new final assessment at the "
                "end of the extension comes before any pass or fail (statutory guidance 3.8, 2.67)")
        if final_term is not None and recommendation_term is not None and recommendation_term != final_term:
            raise NoCurrentFinalAssessmentError(
                f"the recommendation came with the assessment for term {recommendation_term}, but the "
                f"induction's final assessment is now in term {final_term} (statutory guidance 2.60, 2.67)")
        if recommendation is not None and AS_RECOMMENDED[outcome] != recommendation and not reason:
            raise ReasonRequiredError(
                f"the final assessment recommended {recommendation}; recording '{outcome}' against the "
                "headteacher's recommendation needs the reason, recorded with the decision "
                "(statutory guidance 2.67)")
        self._check_dates(decided_on, recommendation_received_on, today)
        self._outcome_recorded(
            ect_id=self.ect_id, outcome=outcome, decided_on=decided_on,
            appropriate_body_id=appropriate_body_id,
            terms_served=terms_served, recommendation=recommendation,
            recommendation_received_on=recommendation_received_on,
            decision_due_by=decision_due_by(recommendation_received_on),
            notice_due_by=notice_due_by(decided_on), provenance=provenance, reason=reason,
            **self._representations_considered(recommendation_received_on))

    def _representations_considered(self, received_on: date | None) -> dict[str, date | None]:
        """What the decision records of the ECT's representations on its recommendation."""
        if received_on is None:
            return {}
        made = self.representations_on(received_on)
        return {"representations_received_on": max(made) if made else None,
                "representations_due_by": representations_due_by(received_on)}

    @event("InductionOutcomeRecorded")
    def _outcome_recorded(self, *, ect_id: UUID, outcome: str, decided_on: date, appropriate_body_id: str,
                          terms_served: float | None, recommendation: str | None,
                          recommendation_received_on: date | None, decision_due_by: date | None,
                          notice_due_by: date, provenance: Provenance, reason: str | None = None,
                          representations_received_on: date | None = None,
                          representations_due_by: date | None = None) -> None:
        # the fields after ``reason`` default so the events stored before them still read
        self.outcome = outcome
        self._decided(outcome, decided_on, recommendation_received_on)

    def extend(self, *, extension_terms: Decimal, reason: str, decided_on: date,
               appropriate_body_id: str, recommendation_received_on: date | None, today: date,
               provenance: Provenance) -> None:
        """An extension in FTE terms with its reason (3.8); after a recommendation, on its clock."""
        self._check_open()
        if extension_terms <= 0:
            raise ValueError("an extension is a positive number of FTE terms")
        self._check_dates(decided_on, recommendation_received_on, today)
        self._extended(
            ect_id=self.ect_id, extension_terms=str(extension_terms), reason=reason, decided_on=decided_on,
            appropriate_body_id=appropriate_body_id,
            recommendation_received_on=recommendation_received_on,
            decision_due_by=decision_due_by(recommendation_received_on),
            notice_due_by=notice_due_by(decided_on), provenance=provenance,
            **self._representations_considered(recommendation_received_on))

    @event("InductionExtended")
    def _extended(self, *, ect_id: UUID, extension_terms: str, reason: str, decided_on: date,
                  appropriate_body_id: str, recommendation_received_on: date | None,
                  decision_due_by: date | None, notice_due_by: date, provenance: Provenance,
                  representations_received_on: date | None = None,
                  representations_due_by: date | None = None) -> None:
        self.extension_terms += Decimal(extension_terms)
        self.last_extended_on = max(filter(None, [self.last_extended_on, decided_on]))
        self._decided("extended", decided_on, recommendation_received_on)

    def reduce(self, *, reduction_terms: Decimal, reason: str, ect_consented_on: date, decided_on: date,
               appropriate_body_id: str, terms_required: Decimal, today: date,
               provenance: Provenance) -> None:
        """A reduction for previous experience, with the ECT's consent, never below one term in
        all (3.2-3.4). ``terms_required``: what the induction clock says is then to serve."""
        self._check_open()
        if decided_on > today:
            raise DateNotAllowedError(f"a decision cannot be dated {decided_on}, after today ({today})")
        if ect_consented_on > decided_on:
            raise ReductionNotAllowedError(
                f"the ECT's consent on {ect_consented_on} must come before the reduction decided on "
                f"{decided_on} (statutory guidance 3.3)")
        try:
            reduced_length([*self.reductions, reduction_terms])
        except StatutoryRuleError as refused:
            raise ReductionNotAllowedError(str(refused)) from None
        self._reduced(ect_id=self.ect_id, reduction_terms=str(reduction_terms), reason=reason,
                      ect_consented_on=ect_consented_on, decided_on=decided_on,
                      appropriate_body_id=appropriate_body_id, terms_required=str(terms_required),
                      provenance=provenance)

    @event("InductionReduced")
    def _reduced(self, *, ect_id: UUID, reduction_terms: str, reason: str, ect_consented_on: date,
                 decided_on: date, appropriate_body_id: str, terms_required: str,
                 provenance: Provenance) -> None:
        self.reductions.append(Decimal(reduction_terms))


def decision_id(ect_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"ect-platform:induction-decision:{ect_id}")
