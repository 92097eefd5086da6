"""The facts the projections are computed from: every integration event reporting reads, kept.

One row per event id, filed under its subject (the ECT, the mentor, or the school), so an
ECT's history, a mentor's training and a school's calendar can each be folded again from
scratch. Inserting is idempotent (the event id is the key), and nothing is updated in place:
the folds decide which fact wins, so delivery order never matters.

A fact is kept exactly as it was received: its personal fields sealed with the person's key
(``contracts.sealed``), so erasing the key erases them here too. ``load`` and ``load_many``
give the facts opened (in clear while the key exists, erased after), the keys of a whole
batch fetched in one look-up; nothing opened is ever written back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from contracts import EventEnvelope, decode, encode
from contracts.scheduling import privacy, v1
from ect_platform.sealing import EnvelopeSealer
from reporting.domain.history import EctHistory
from reporting.projections.history_fold import HANDLED_TYPES, fold_calendar, fold_history
from statutory.calendar import SchoolCalendar

DDL = """
CREATE TABLE IF NOT EXISTS facts (
    event_id          uuid PRIMARY KEY,
    subject_kind      text NOT NULL,
    subject           text NOT NULL,
    event_type        text NOT NULL,
    recorded_at       timestamptz NOT NULL,
    aggregate_id      uuid NOT NULL,
    aggregate_version integer NOT NULL,
    envelope          jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_subject ON facts (subject_kind, subject);
-- the AB's work queue finds ECTs whose QTS is still to come (an ISO date sorts as text)
CREATE INDEX IF NOT EXISTS facts_qts_date ON facts ((envelope->'payload'->>'qts_date'))
    WHERE event_type = 'EctRegistered';
-- a subject access request finds a person by the TRN of a registration received in clear,
-- before the TRN travelled sealed (newer ones are found through ``trn_index``)
CREATE INDEX IF NOT EXISTS facts_registered_trn ON facts ((envelope->'payload'->>'trn'))
    WHERE event_type IN ('EctRegistered', 'MentorRegistered');
"""

ECT, MENTOR, SCHOOL = "ect", "mentor", "school"
DIRECTORY = "directory"  # names of schools and ABs: read when asked, never recomputed into rows


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


def subject_of(envelope: EventEnvelope[Any]) -> tuple[str, str] | None:
    """Under which subject an event is filed, or None when reporting does not need it."""
    payload = envelope.payload
    if isinstance(payload, v1.TermDatesSet):
        return SCHOOL, payload.school_id
    # by type name, not class: a registration arrives sealed (a version 2 without the name)
    if envelope.event_type in ("MentorTrainingAttended", "MentorRegistered"):
        return MENTOR, str(payload.mentor_id)
    if isinstance(payload, privacy.PersonalDataErased):
        # filed with the person's other facts, so their rows are recomputed, now as erased
        return (ECT if payload.subject is privacy.ErasedSubject.ECT else MENTOR), str(payload.subject_id)
    if isinstance(payload, v1.SchoolRegistered):
        return DIRECTORY, f"school:{payload.school_id}"
    if isinstance(payload, v1.AppropriateBodyRegistered):
        return DIRECTORY, f"appropriate-body:{payload.appropriate_body_id}"
    if envelope.ect_id is not None and envelope.event_type in HANDLED_TYPES:
        return ECT, str(envelope.ect_id)
    return None


async def record(conn: asyncpg.Connection, envelope: EventEnvelope[Any]) -> tuple[str, str] | None:
    subject = subject_of(envelope)
    if subject is None:
        return None
    await conn.execute(
        """
        INSERT INTO facts (event_id, subject_kind, subject, event_type, recorded_at, aggregate_id,
                           aggregate_version, envelope)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING
        """,
        envelope.event_id, subject[0], subject[1], envelope.event_type, envelope.recorded_at,
        envelope.aggregate_id, envelope.aggregate_version, encode(envelope).decode(),
    )
    return subject


async def record_many(conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope[Any]]
                      ) -> list[tuple[str, str] | None]:
    """``record`` for a batch, in one statement: each envelope's subject, or None."""
    subjects = [subject_of(envelope) for envelope in envelopes]
    kept = [(e, s) for e, s in zip(envelopes, subjects, strict=True) if s is not None]
    if kept:
        await conn.execute(
            """
            INSERT INTO facts (event_id, subject_kind, subject, event_type, recorded_at,
                               aggregate_id, aggregate_version, envelope)
            SELECT event_id, subject_kind, subject, event_type, recorded_at, aggregate_id,
                   aggregate_version, envelope::jsonb
              FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                          $6::uuid[], $7::integer[], $8::text[])
                   AS t(event_id, subject_kind, subject, event_type, recorded_at, aggregate_id,
                        aggregate_version, envelope)
            ON CONFLICT (event_id) DO NOTHING
            """,
            [e.event_id for e, _ in kept], [s[0] for _, s in kept], [s[1] for _, s in kept],
            [e.event_type for e, _ in kept], [e.recorded_at for e, _ in kept],
            [e.aggregate_id for e, _ in kept], [e.aggregate_version for e, _ in kept],
            [encode(e).decode() for e, _ in kept],
        )
    return subjects


InHand = dict[tuple[str, str], list[EventEnvelope[Any]]]


def in_hand(envelopes: Sequence[EventEnvelope[Any]]) -> InHand:
    """Envelopes just filed, by their subject: for ``load_many`` to take instead of re-reading."""
    found: InHand = {}
    for envelope in envelopes:
        subject = subject_of(envelope)
        if subject is not None:
            found.setdefault(subject, []).append(envelope)
    return found


async def opened(sealer: EnvelopeSealer, envelopes: Sequence[EventEnvelope[Any]]
                 ) -> list[EventEnvelope[Any]]:
    """The envelopes with their personal fields in clear (erased once the person is), the keys
    fetched in one look-up, in a worker thread (the key store is synchronous)."""
    # Told of an erasure, forget the key first, whichever process filed it: a key remembered
    # from a moment ago must not show the person again.
    erased = [e.payload.subject_id for e in envelopes
              if isinstance(e.payload, privacy.PersonalDataErased)]
    if erased:
        sealer.forget(erased)
    if any(e.sealed is not None for e in envelopes):
        return await asyncio.to_thread(sealer.open_all, envelopes)
    # no key to fetch, so no I/O: still opened, for an event sealed after its person was erased
    # (a sealed version without a box) reads in its clear version's class, as erased
    return sealer.open_all(envelopes)


async def load_many(conn: asyncpg.Connection, kind: str, subjects: Collection[str],
                    recorded_before: datetime | None = None,
                    known: InHand | None = None, *, sealer: EnvelopeSealer
                    ) -> dict[str, list[EventEnvelope[Any]]]:
    """``load`` for several subjects of one kind, in one query: subject -> its facts, opened.

    ``known`` (see ``in_hand``) are facts the caller has just filed: they are taken as they are
    rather than read back and parsed again, which was a fifth of a batch's cost.
    """
    found: dict[str, list[EventEnvelope[Any]]] = {subject: [] for subject in subjects}
    if not found:
        return found
    skip: list[UUID] = []
    for subject, facts in found.items():
        for envelope in (known or {}).get((kind, subject), ()):
            if recorded_before is None or envelope.recorded_at < recorded_before:
                facts.append(envelope)
                skip.append(envelope.event_id)
    rows = await conn.fetch(
        "SELECT subject, envelope FROM facts WHERE subject_kind = $1 AND subject = ANY($2::text[]) "
        "AND ($3::timestamptz IS NULL OR recorded_at < $3) AND NOT event_id = ANY($4::uuid[])",
        kind, list(found), recorded_before, skip)
    for row in rows:
        found[row["subject"]].append(decode(row["envelope"].encode()))
    # one look-up of keys for every subject's facts, then each back to its subject
    order = [(subject, len(facts)) for subject, facts in found.items()]
    every = await opened(sealer, [e for facts in found.values() for e in facts])
    at = 0
    for subject, count in order:
        found[subject] = every[at:at + count]
        at += count
    return found


async def load(conn: asyncpg.Connection, kind: str, subject: str,
               recorded_before: datetime | None = None, *, sealer: EnvelopeSealer
               ) -> list[EventEnvelope[Any]]:
    """The facts about one subject, opened; with ``recorded_before``, only those recorded by then."""
    rows = await conn.fetch(
        "SELECT envelope FROM facts WHERE subject_kind = $1 AND subject = $2 "
        "AND ($3::timestamptz IS NULL OR recorded_at < $3)", kind, subject, recorded_before)
    return await opened(sealer, [decode(row["envelope"].encode()) for row in rows])


async def known_ect(conn: asyncpg.Connection, ect_id: UUID) -> bool:
    return bool(await conn.fetchval(
        "SELECT 1 FROM facts WHERE subject_kind = 'ect' AND subject = $1 AND event_type = 'EctRegistered'",
        str(ect_id)))


async def ect_history(pool: asyncpg.Pool, ect_id: UUID, sealer: EnvelopeSealer
                      ) -> tuple[EctHistory, dict[str, SchoolCalendar]]:
    """The ECT's history and the calendars of every school they were in post at (for commands)."""
    async with pool.acquire() as conn:
        history = fold_history(ect_id, await load(conn, ECT, str(ect_id), sealer=sealer))
        schools = await load_many(conn, SCHOOL, history.school_ids, sealer=sealer)
    return history, {school: fold_calendar(found) for school, found in schools.items()}
