"""What the induction clock (``statutory.timeline``) takes and gives: plain, hashable values.

In: ``InductionFacts`` (posts, working pattern, absences, the ECT's opt-in after statutory
leave, the AB's extensions and reductions, the completion). Out: the induction's terms, the
changes to its length, its assessment points and every report due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from statutory.absence import AbsenceFact
from statutory.calendar import TermName
from statutory.errors import StatutoryRuleError
from statutory.service import ServicePeriod
from statutory.terms_served import FteChange

INTERIM_ASSESSMENT = "interim_assessment"


class InvalidDecisionError(StatutoryRuleError):
    """An extension or reduction of no length."""


@dataclass(frozen=True)
class LeaveExtension:
    """Days the ECT chose to extend by after statutory leave (3.7), and when they asked."""

    requested_on: date
    days: float


@dataclass(frozen=True)
class TermsDecision:
    """An AB's extension (3.8) or reduction (3.2-3.4), in FTE terms, and when it was decided."""

    terms: Decimal
    decided_on: date
    reason: str = ""

    def __post_init__(self) -> None:
        if self.terms <= 0:
            raise InvalidDecisionError(f"an extension or reduction is a positive length, not {self.terms}")


@dataclass(frozen=True)
class InductionFacts:
    """Everything the clock needs to know about one induction. Hashable, so a plan is kept."""

    periods: tuple[ServicePeriod, ...]
    fte_history: tuple[FteChange, ...]
    absences: tuple[AbsenceFact, ...] = ()
    leave_extensions: tuple[LeaveExtension, ...] = ()
    extensions: tuple[TermsDecision, ...] = ()
    reductions: tuple[TermsDecision, ...] = ()
    completed_on: date | None = None  # passed or failed: nothing is served or due after


@dataclass(frozen=True)
class InductionTerm:
    """A school term the ECT was in post in, numbered from 1 across every post."""

    number: int
    name: TermName
    academic_year: int
    start: date
    end: date

    @property
    def label(self) -> str:
        """``2025-autumn``, ``2026-spring``: the term by the calendar year it falls in."""
        return f"{self.start.year}-{self.name.value}"


@dataclass(frozen=True)
class ExtensionLine:
    """One source of a change to the terms required."""

    source: str  # absence (3.6), statutory_leave (3.7), appropriate_body (3.8), reduction (3.2)
    terms: Decimal  # negative for a reduction
    induction_year: int | None = None
    days: float | None = None
    decided_on: date | None = None


@dataclass(frozen=True)
class AssessmentPoint:
    terms: Decimal  # FTE terms served at the point
    on: date | None  # the day it is reached as the facts stand (None: the post ends first)
    final: bool


@dataclass(frozen=True)
class ReportDue:
    """A review or assessment the AB is owed: when it is held and when it is due."""

    kind: str  # progress_review, formal_assessment, interim_assessment
    term_number: int
    term_label: str
    term_start: date
    term_end: date
    held_on: date  # the review or assessment meeting, as planned
    due_on: date  # at the AB (after any postponement)
    appropriate_body_id: str
    school_id: str
    final: bool = False
    postponed_until: date | None = None  # absent on ``held_on``: held on return instead (2.56)
    terms_served: Decimal | None = None  # interim assessments: induction served (2.63)
    days_absent: float | None = None  # interim: days absent since the last assessment (2.63)
