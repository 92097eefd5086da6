"""The facts ``notifications.induction.InductionState`` keeps about one ECT, one model each:
its posts, working pattern, absences, leave extensions, the AB's decisions and the reports
drafted and submitted. Plain data (JSON in the projection); the fold that fills them is
``notifications.induction.evolve``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from statutory import signing


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True)


class PostEntry(_Fact):
    """A change of post (``statutory.service.PostChange``) and the tutor it brings."""

    kind: str  # start, transfer, end
    on: date
    appropriate_body_id: str = ""
    school_id: str = ""
    induction_tutor_id: str | None = None
    recorded_terms: Decimal | None = None  # an end: the AB's figure for the period (2.31)
    seq: int = 0  # the ECT record's version at scheduling: the order the changes happened in


class FteEntry(_Fact):
    effective_from: date
    fte: float
    seq: int = 0


class AbsenceEntry(_Fact):
    first_day: date
    days: float
    reason: str


class LeaveExtension(_Fact):
    """Days the ECT chose to extend by after statutory leave (3.7), and when they asked."""

    requested_on: date
    days: float


class Decision(_Fact):
    """An AB's extension (3.8) or reduction (3.2-3.4): FTE terms, and when it was decided."""

    terms: Decimal
    decided_on: date


class SubmittedReport(_Fact):
    kind: str  # progress_review, formal_assessment, interim_assessment
    term_number: int
    submitted_on: date


class DraftReport(_Fact):
    """A report the school is writing and signing (reporting's draft), until it is submitted:
    who has signed decides whose step it is (``statutory.signing``)."""

    report_id: UUID
    kind: str
    term_number: int
    drafted_on: date
    headteacher_id: str | None = None  # who is to sign an assessment, when the school named them
    signed: tuple[str, ...] = ()  # ect, headteacher: sorted, so the stored JSON is stable

    @property
    def step(self) -> str:
        return signing.next_step(self.kind, self.signed)
