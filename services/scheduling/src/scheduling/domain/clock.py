"""The facts of one induction, as the kernel's clock needs them, and the AB's decisions.

Scheduling keeps no statutory rule: it keeps the facts (the posts, the working pattern, the
absences, the statutory-leave extensions and the AB's extensions, reductions and outcome
learnt from reporting) and asks ``statutory.timeline`` for every figure. Each fact is
assigned by the ``@event`` method that records it, so a replay rebuilds the same facts, and
the events map to facts exactly as reporting and notifications map theirs, so the three
services' clocks agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from scheduling.domain.provenance import Provenance
from statutory.absence import AbsenceFact
from statutory.calendar import SchoolCalendar
from statutory.service import PostChange, service_periods
from statutory.terms_served import FteChange
from statutory.timeline import InductionFacts, LeaveExtension, TermsDecision, Timeline, induction_timeline

CalendarFor = Callable[[str], SchoolCalendar]
"""A school's calendar by its id: the application's lookup (the aggregate does no I/O)."""


class InductionClock(Aggregate):
    if TYPE_CHECKING:
        absences: dict[UUID, AbsenceFact]
        leave_extensions: list[LeaveExtension]

    def start_clock(self) -> None:
        """Called by the creating event, before it records the first post."""
        self.posts: list[PostChange] = []
        self.fte_history: list[FteChange] = []
        self.extensions: list[TermsDecision] = []
        self.reductions: list[TermsDecision] = []
        self.completed_on: date | None = None
        self.decisions_learnt: set[UUID] = set()  # reporting's event ids: a redelivery is a no-op

    def facts(self, calendar_for: CalendarFor, *,
              then: PostChange | AbsenceFact | None = None) -> InductionFacts:
        """The induction's facts; ``then``: a change being decided, as if already recorded."""
        posts = [*self.posts, then] if isinstance(then, PostChange) else self.posts
        absences = [*self.absences.values(), *([then] if isinstance(then, AbsenceFact) else [])]
        return InductionFacts(
            periods=service_periods(posts, calendar_for),
            fte_history=tuple(self.fte_history),
            absences=tuple(absences),
            leave_extensions=tuple(self.leave_extensions),
            extensions=tuple(self.extensions),
            reductions=tuple(self.reductions),
            completed_on=self.completed_on,
        )

    def timeline(self, calendar_for: CalendarFor, as_of: date, *,
                 then: PostChange | AbsenceFact | None = None) -> Timeline:
        """The clock's answer for this induction on ``as_of``."""
        return induction_timeline(self.facts(calendar_for, then=then), as_of)

    # -- the AB's decisions, learnt from reporting's topic ------------------------------------

    def record_extension(self, decision_id: UUID, extension_terms: float, decided_on: date,
                         provenance: Provenance) -> bool:
        """An extension in FTE terms (3.8); False when this decision was already learnt."""
        if decision_id in self.decisions_learnt:
            return False
        TermsDecision(Decimal(str(extension_terms)), decided_on)  # refuses a length of nothing
        self._extended(decision_id=decision_id, extension_terms=extension_terms,
                       decided_on=decided_on, provenance=provenance)
        return True

    @event("InductionExtended")
    def _extended(self, decision_id: UUID, extension_terms: float, decided_on: date,
                  provenance: Provenance) -> None:
        self.decisions_learnt.add(decision_id)
        self.extensions.append(TermsDecision(Decimal(str(extension_terms)), decided_on))

    def record_reduction(self, decision_id: UUID, reduction_terms: float, decided_on: date,
                         provenance: Provenance) -> bool:
        """A reduction for previous experience in FTE terms (3.2-3.4); False when already learnt."""
        if decision_id in self.decisions_learnt:
            return False
        TermsDecision(Decimal(str(reduction_terms)), decided_on)
        self._reduced(decision_id=decision_id, reduction_terms=reduction_terms,
                      decided_on=decided_on, provenance=provenance)
        return True

    @event("InductionReduced")
    def _reduced(self, decision_id: UUID, reduction_terms: float, decided_on: date,
                 provenance: Provenance) -> None:
        self.decisions_learnt.add(decision_id)
        self.reductions.append(TermsDecision(Decimal(str(reduction_terms)), decided_on))
