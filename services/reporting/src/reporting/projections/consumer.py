"""reporting's one consumer of both topics: facts in, every projection recomputed per ECT.

``ReportingProjections.file_batch`` files each new event as a fact and marks the ECTs it
touches (the ECT itself; every ECT of a mentor whose training changed; every ECT at a school
whose calendar changed) on the backlog, in the same transaction as the inbox, so a redelivered
event changes nothing and a crash loses nothing. ``drain`` then recomputes each marked ECT's
rows from its facts, once however many of its events came in (``ReportingConsumer`` says when).
Because every row is a pure function of the facts and the date, a rebuild from the topics
gives the same tables as the live consumer, whatever order the events came in.

Facts are filed sealed, as received, and opened only to be folded (``facts.load_many``), so a
row shows a person's name while their key exists and "(erased)" once it is gone. An erasure
(``PersonalDataErased``) is filed as a fact about the person, which marks their rows for the
recompute that shows them erased; a rebuild after it folds the same facts to the same rows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from contracts import EventEnvelope
from contracts.scheduling import v1
from ect_platform import audit_trail
from ect_platform.dead_letters import DeadLetters
from ect_platform.inbox import TRANSIENT, ProjectionConsumer
from ect_platform.keystore import MemoryKeystore
from ect_platform.sealing import EnvelopeSealer
from reporting.domain.entitlement_figures import per_term, to_date
from reporting.domain.entitlement_rules import Thresholds
from reporting.domain.history import EctHistory
from reporting.domain.induction_clock import InductionClock
from reporting.domain.periods import PeriodRow, period_rows
from reporting.domain.reports_owed import OutcomeDue, Submission, outcome_due, submissions
from reporting.projections import backlog, entitlement, facts, mentors, trn_index
from reporting.projections import submissions as submissions_store
from reporting.projections.history_fold import fold_calendar, fold_history, fold_mentor_training

log = logging.getLogger(__name__)
# the events that name a person or erase one: filed into the TRN index and the mentors' names
PEOPLE = frozenset({"EctRegistered", "MentorRegistered", "PersonalDataErased"})
IN_HAND_CAP = 5000
LONDON = ZoneInfo("Europe/London")


async def setup(conn: asyncpg.Connection) -> None:
    await audit_trail.setup(conn)
    await facts.setup(conn)
    await backlog.setup(conn)
    await entitlement.setup(conn)
    await submissions_store.setup(conn)
    await mentors.setup(conn)
    await trn_index.setup(conn)


@dataclass(frozen=True)
class Computed:
    history: EctHistory
    figures: dict[str, Any]
    terms: list[dict[str, Any]]
    items: list[Submission]
    outcome: OutcomeDue | None
    periods: list[PeriodRow]


class ReportingProjections:
    def __init__(self, clock: Callable[[], date], thresholds: Thresholds | None = None,
                 sealer: EnvelopeSealer | None = None) -> None:
        """``sealer``: opens the facts' personal fields, over the service's key store (bootstrap
        gives the application's); without one, a store of its own that opens nothing sealed
        elsewhere, so such fields read as erased."""
        self.clock = clock
        self.thresholds = thresholds or Thresholds()
        self.sealer = sealer or EnvelopeSealer(MemoryKeystore())

    async def apply(self, conn: asyncpg.Connection, envelope: EventEnvelope[Any]) -> None:
        """One event, as ``ProjectionConsumer`` applies events: filed, its ECTs marked; the
        rows follow at the next drain."""
        await self.file_batch(conn, [envelope])

    async def file_batch(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope[Any]]
                         ) -> set[UUID]:
        """File the events as facts and mark every ECT they touch as owing a recompute
        (``projection_backlog``), in the caller's transaction; the ECTs touched."""
        ects: set[UUID] = set()
        mentor_ids: set[UUID] = set()
        schools: set[str] = set()
        for subject in await facts.record_many(conn, envelopes):
            if subject is None:
                continue
            kind, key = subject
            if kind == facts.ECT:
                ects.add(UUID(key))
            elif kind == facts.MENTOR:
                mentor_ids.add(UUID(key))
            elif kind == facts.SCHOOL:
                schools.add(key)
            # a DIRECTORY name changes no figure: read when asked, nothing to recompute
        await self._file_people(conn, envelopes)
        if mentor_ids or schools:
            # An ECT still owing its first recompute has no row here yet, but it is in the
            # backlog already, and its recompute will read these facts too.
            rows = await conn.fetch(
                "SELECT ect_id FROM entitlement WHERE mentor_id = ANY($1::uuid[]) "
                "OR school_id = ANY($2::text[])", list(mentor_ids), list(schools))
            ects.update(row["ect_id"] for row in rows)
        await backlog.mark(conn, ects)
        return ects

    async def _file_people(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope[Any]]
                           ) -> None:
        """What a registration or an erasure changes at once: the TRN a person is found by, and
        a mentor's name as the directory shows it (the ECT's rows follow at the drain)."""
        people = [e for e in envelopes if e.event_type in PEOPLE]
        if not people:
            return
        registrations = [e for e in await facts.opened(self.sealer, people)
                         if isinstance(e.payload, v1.EctRegistered | v1.MentorRegistered)]
        await trn_index.file(conn, self.sealer.keystore, registrations)
        touched = {facts.subject_of(e) for e in people}
        await mentors.refresh(conn, sorted(UUID(key) for kind, key in filter(None, touched)
                                           if kind == facts.MENTOR), self.sealer)

    async def recompute(self, conn: asyncpg.Connection, ect_ids: Sequence[UUID],
                        known: facts.InHand | None = None) -> None:
        """Recompute the rows of ``ect_ids`` from their facts and take them off the backlog."""
        today = self.clock()
        await self._store_many(conn, ect_ids,
                               await self._compute_many(conn, ect_ids, today, known=known), today)
        await backlog.clear(conn, ect_ids)
        await backlog.release(conn, ect_ids)

    async def drain(self, pool: asyncpg.Pool, in_hand: Sequence[EventEnvelope[Any]] = (),
                    chunk: int = 500) -> int:
        """Recompute every ECT on the backlog, ``chunk`` at a time, each chunk in a transaction of
        its own; how many. Several processes may drain at once: each takes the ECTs no other
        holds (``SKIP LOCKED``), and an event filed meanwhile marks its ECT again."""
        done = 0
        known = facts.in_hand(in_hand) if in_hand else None  # indexed once for every chunk
        while True:
            try:
                async with pool.acquire() as conn, conn.transaction():
                    ect_ids = await backlog.take(conn, chunk)
                    if not ect_ids:
                        return done
                    await self.recompute(conn, ect_ids, known)
            except TRANSIENT:
                raise
            except Exception as exc:
                log.warning("recomputing a chunk of the backlog failed (%s); one ECT at a time", exc)
                done += await self._one_at_a_time(pool, chunk, known)
                continue
            done += len(ect_ids)

    async def _one_at_a_time(self, pool: asyncpg.Pool, chunk: int, known: facts.InHand | None) -> int:
        """The chunk again, each ECT in a savepoint: one that fails is quarantined, with its
        error, and the others are recomputed (one ECT's bug must not stall every other)."""
        done = 0
        async with pool.acquire() as conn, conn.transaction():
            for ect_id in await backlog.take(conn, chunk):
                try:
                    async with conn.transaction():
                        await self.recompute(conn, [ect_id], known)
                    done += 1
                except TRANSIENT:
                    raise
                except Exception as exc:
                    log.error("ECT %s quarantined: its recompute fails: %r", ect_id, exc)
                    await backlog.quarantine(conn, ect_id, f"{type(exc).__name__}: {exc}")
        return done

    async def _compute_many(self, conn: asyncpg.Connection, ect_ids: Sequence[UUID], today: date,
                            recorded_before: datetime | None = None,
                            known: facts.InHand | None = None) -> list[Computed | None]:
        """``_compute`` for several ECTs, their facts loaded with one query per kind of subject
        and each school's calendar folded once; ``known``, facts just filed, are not re-read."""
        sealer = self.sealer
        ect_facts = await facts.load_many(conn, facts.ECT, [str(e) for e in ect_ids], recorded_before,
                                          known, sealer=sealer)
        histories = [fold_history(ect_id, ect_facts[str(ect_id)]) for ect_id in ect_ids]
        registered = [h for h in histories if h.registered]
        # every school an ECT was in post at: each post is counted on its own calendar
        school_facts = await facts.load_many(
            conn, facts.SCHOOL, {school for h in registered for school in h.school_ids},
            recorded_before, known, sealer=sealer)
        mentor_facts = await facts.load_many(
            conn, facts.MENTOR, {str(h.mentor_id) for h in registered if h.mentor_id},
            recorded_before, known, sealer=sealer)
        calendars = {school: fold_calendar(found) for school, found in school_facts.items()}
        trainings = {mentor: fold_mentor_training(found) for mentor, found in mentor_facts.items()}
        computed: list[Computed | None] = []
        for history in histories:
            if not history.registered:
                computed.append(None)
                continue
            assert history.school_id is not None
            training = trainings[str(history.mentor_id)] if history.mentor_id else {}
            clock = InductionClock(history, {school: calendars[school] for school in history.school_ids},
                                   today)
            items = submissions(history, clock)
            computed.append(Computed(history, to_date(clock, items, training, self.thresholds),
                                     per_term(clock, items, self.thresholds), items,
                                     outcome_due(history, today, clock.final_assessment()),
                                     period_rows(history, clock)))
        return computed

    async def _compute(self, conn: asyncpg.Connection, ect_id: UUID, today: date,
                       recorded_before: datetime | None = None) -> Computed | None:
        return (await self._compute_many(conn, [ect_id], today, recorded_before))[0]

    async def refresh(self, conn: asyncpg.Connection, ect_id: UUID, today: date) -> None:
        """Recompute every row about one ECT from its facts, as of ``today``."""
        await self._store_many(conn, [ect_id], [await self._compute(conn, ect_id, today)], today)

    async def _store_many(self, conn: asyncpg.Connection, ect_ids: Sequence[UUID],
                          computed: Sequence[Computed | None], today: date) -> None:
        done = [c for c in computed if c is not None]
        # an ECT with nothing to show (e.g. a report relayed before the registration it
        # follows) loses any rows it had; the others' rows are replaced
        gone = [ect_id for ect_id, c in zip(ect_ids, computed, strict=True) if c is None]
        if gone:
            await entitlement.forget_many(conn, gone)
            await submissions_store.forget_many(conn, gone)
        await entitlement.write_many(conn, [(c.history, c.figures, c.terms) for c in done], today)
        await submissions_store.write_many(conn, [(c.history, c.items, c.outcome, c.periods)
                                                  for c in done])

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
    """The platform's idempotent consumer (inbox, retries, dead letters) with recomputes deferred
    while it catches up.

    Each batch's new events are filed as facts, and the ECTs they touch marked on the backlog,
    in the inbox's transaction. The backlog is then drained (every ECT on it recomputed once)
    as soon as a batch comes in short of ``catch_up_batch``, which means the consumer has caught
    up, or when ``max_lag_seconds`` have passed since the last drain (by the next batch, or a
    timer if none comes). An ECT touched by every
    batch of a long backlog is then recomputed once a second, not once a batch, and a consumer
    that is up to date still shows each event as soon as its batch is in. The backlog is a table,
    so a crash between filing and draining loses nothing: the next drain finds it.
    ``auto_drain=False`` leaves draining to the caller (a rebuild drains once, at the end).
    """

    def __init__(self, pool: asyncpg.Pool, projections: ReportingProjections, name: str,
                 dead_letters: DeadLetters | None = None, *, catch_up_batch: int = 500,
                 max_lag_seconds: float = 1.0, auto_drain: bool = True) -> None:
        super().__init__(pool, projections.apply, name, dead_letters)
        self.projections = projections
        self._catch_up_batch = catch_up_batch
        self._max_lag = max_lag_seconds
        self._auto_drain = auto_drain
        self._drained_at = monotonic()
        # facts this process filed and committed since the last drain, folded from memory rather
        # than read back; a bounded convenience (past the cap they are simply read back)
        self._in_hand: list[EventEnvelope[Any]] = []
        self._filing: list[EventEnvelope[Any]] = []
        self._timer: asyncio.Task[None] | None = None
        # ``applied`` (the ect_consumer_events_applied metric): the events this process took
        # off its partitions and filed, each counted once by it alone (the inbox claims an id
        # once across every member), at its first drain after the filing, when the backlog
        # they were marked on has been drained, by this process or another. So the members'
        # counts add up to the events, each lagging by at most a drain (``max_lag_seconds``).
        self.filed = 0  # events filed by this process and not yet counted in ``applied``
        self._draining = asyncio.Lock()

    async def apply_new(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        await audit_trail.apply_many(conn, envelopes)  # the auditor's trail: every event, any type
        await self.projections.file_batch(conn, envelopes)
        self._filing = list(envelopes)

    async def _apply_in_one_transaction(self, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        self._filing = []
        shown = self.applied
        await super()._apply_in_one_transaction(envelopes)
        # ``applied`` counts events the read model shows: filed ones wait for the next drain
        self.filed += self.applied - shown
        self.applied = shown
        if len(self._in_hand) + len(self._filing) <= IN_HAND_CAP:  # committed: safe to fold
            self._in_hand.extend(self._filing)

    async def handle(self, records: Sequence[Any]) -> None:
        await super().handle(records)
        if not self._auto_drain:
            return
        caught_up = len(records) < self._catch_up_batch
        if caught_up or monotonic() - self._drained_at >= self._max_lag:
            await self.drain()
        elif self._timer is None or self._timer.done():
            # a full batch may also be the last of a burst: drain within max_lag regardless
            self._timer = asyncio.create_task(self._drain_when_due())

    async def _drain_when_due(self) -> None:
        """Until nothing this process filed is left undrained: wait for max_lag after the last
        drain, whoever made it, then drain. (Waiting once from when it was armed lost a batch
        filed after a drain that came in between: that drain made it skip, nobody re-armed it.)"""
        while self.filed and not self._pool.is_closing():  # closing: shutting down
            due = self._drained_at + self._max_lag - monotonic()
            if due > 0:
                await asyncio.sleep(due)
                continue
            try:
                await self.drain()
            except Exception as exc:  # the backlog is kept; try again after the lag
                log.warning("%s: draining the backlog failed: %s", self.name, exc)
                self._drained_at = monotonic()

    async def drain(self) -> int:
        """Recompute every ECT owing it; how many (see ``ReportingProjections.drain``)."""
        async with self._draining:
            in_hand, self._in_hand = self._in_hand, []
            filed, self.filed = self.filed, 0  # all on the backlog now, so shown once drained
            try:
                done = await self.projections.drain(self._pool, in_hand)
            except BaseException:
                self.filed += filed
                raise
            self.applied += filed
            self._drained_at = monotonic()
            return done
