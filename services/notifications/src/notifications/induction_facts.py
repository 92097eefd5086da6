"""The facts ``notifications.induction.InductionState`` keeps, each a frozen value (moved
out of that module as it grew; it re-exports them)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


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
