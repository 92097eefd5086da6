"""reporting's one consumer of both topics: facts in, every projection recomputed per ECT.

``ReportingProjections.apply_batch`` files each new event as a fact, works out which ECTs it
touches (the ECT itself; every ECT of a mentor whose training changed; every ECT at a school
whose calendar changed) and recomputes their rows once per batch, in the same transaction as
the inbox, so a redelivered event changes nothing and a crash loses nothing. Because every
row is a pure function of the facts and the date, a rebuild from the topics gives the same
tables as the live consumer, whatever order the events came in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from contracts import EventEnvelope
from ect_platform import audit_trail
from ect_platform.dead_letters import DeadLetters
from ect_platform.inbox import ProjectionConsumer
from reporting.domain.entitlement import per_term, to_date
from reporting.domain.entitlement_rules import Thresholds
from reporting.domain.history import EctHistory
from reporting.domain.induction_clock import InductionClock
from reporting.domain.periods import PeriodRow, period_rows
from reporting.domain.submissions import OutcomeDue, Submission, outcome_due, submissions
from reporting.projections import entitlement, facts
from reporting.projections import submissions as submissions_store
from reporting.projections.history_fold import fold_calendar, fold_history, fold_mentor_training

log = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")


async def setup(conn: asyncpg.Connection) -> None:
    await audit_trail.setup(conn)
    await facts.setup(conn)
    await entitlement.setup(conn)
    await submissions_store.setup(conn)


@dataclass(frozen=True)
class Computed:
    history: EctHistory
    figures: dict[str, Any]
    terms: list[dict[str, Any]]
    items: list[Submission]
    outcome: OutcomeDue | None
    periods: list[PeriodRow]


class ReportingProjections:
    def __init__(self, clock: Callable[[], date], thresholds: Thresholds | None = None) -> None:
        self.clock = clock
        self.thresholds = thresholds or Thresholds()

    async def apply(self, conn: asyncpg.Connection, envelope: EventEnvelope[Any]) -> None:
        await self.apply_batch(conn, [envelope])

    async def apply_batch(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        ects: set[UUID] = set()
        for envelope in envelopes:
            subject = await facts.record(conn, envelope)
            if subject is None:
                continue
            kind, key = subject
            if kind == facts.ECT:
                ects.add(UUID(key))
            else:
                column = "mentor_id" if kind == facts.MENTOR else "school_id"
                value: Any = UUID(key) if kind == facts.MENTOR else key
                rows = await conn.fetch(f"SELECT ect_id FROM entitlement WHERE {column} = $1",  # noqa: S608
                                        value)
                ects.update(row["ect_id"] for row in rows)
        today = self.clock()
        for ect_id in sorted(ects):
            await self.refresh(conn, ect_id, today)

    async def _compute(self, conn: asyncpg.Connection, ect_id: UUID, today: date,
                       recorded_before: datetime | None = None) -> Computed | None:
        history = fold_history(ect_id, await facts.load(conn, facts.ECT, str(ect_id), recorded_before))
        if not history.registered:
            return None
        assert history.school_id is not None
        calendar = fold_calendar(await facts.load(conn, facts.SCHOOL, history.school_id, recorded_before))
        training = (fold_mentor_training(await facts.load(conn, facts.MENTOR, str(history.mentor_id),
                                                          recorded_before))
                    if history.mentor_id else {})
        clock = InductionClock(history, calendar, today)
        items = submissions(history, clock)
        return Computed(history, to_date(clock, items, training, self.thresholds),
                        per_term(clock, items, self.thresholds), items, outcome_due(history, today),
                        period_rows(history, clock))

    async def refresh(self, conn: asyncpg.Connection, ect_id: UUID, today: date) -> None:
        """Recompute every row about one ECT from its facts, as of ``today``."""
        computed = await self._compute(conn, ect_id, today)
        if computed is None:
            # e.g. a report relayed before the registration it follows: nothing to show yet
            await entitlement.forget(conn, ect_id)
            await submissions_store.forget(conn, ect_id)
            return
        await entitlement.write(conn, computed.history, computed.figures, computed.terms, today)
        await submissions_store.write(conn, computed.history, computed.items, computed.outcome,
                                      computed.periods)

    async def as_it_was(self, pool: asyncpg.Pool, ect_id: UUID, day: date) -> dict[str, Any] | None:
        """What the entitlement projection said at the end of ``day``: only the facts recorded by
        then, computed as of that day. For auditors; nothing is stored."""
        before = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON)
        async with pool.acquire() as conn:
            computed = await self._compute(conn, ect_id, day, before)
        if computed is None:
            return None
        h = computed.history
        return {"ect_id": ect_id, "trn": h.trn, "name": h.name, "school_id": h.school_id,
                "appropriate_body_id": h.appropriate_body_id, "mentor_id": h.mentor_id,
                "computed_on": day, "facts_recorded_before": before, **computed.figures,
                "terms": computed.terms}

    async def refresh_stale(self, pool: asyncpg.Pool) -> int:
        """Recompute the rows computed before today (statuses move with the date); how many."""
        today = self.clock()
        async with pool.acquire() as conn:
            stale = await conn.fetch("SELECT ect_id FROM entitlement WHERE computed_on < $1", today)
        for row in stale:
            async with pool.acquire() as conn, conn.transaction():
                await self.refresh(conn, row["ect_id"], today)
        return len(stale)


class ReportingConsumer(ProjectionConsumer):
    """The platform's idempotent consumer (inbox, retries, dead letters), applying each batch's
    new events together so an ECT touched many times in a batch is recomputed once."""

    def __init__(self, pool: asyncpg.Pool, projections: ReportingProjections, name: str,
                 dead_letters: DeadLetters | None = None) -> None:
        super().__init__(pool, projections.apply, name, dead_letters)
        self.projections = projections

    async def apply_new(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        for envelope in envelopes:  # the auditor's trail keeps every event, whatever its type
            await audit_trail.apply(conn, envelope)
        await self.projections.apply_batch(conn, envelopes)
