"""What reporting holds about a person, found by TRN (UK GDPR Art. 15).

The person's ids come from the ``EctRegistered`` and ``MentorRegistered`` filed with their
TRN: found through ``trn_index`` (the TRN travels sealed), or in the facts for a registration
received in clear before it did. Under those ids: every fact filed about them, their
entitlement and appropriate-body rows, their audit trail, and every event of reporting's own
aggregates about them (term reports, support plans, the induction decision), public ones as
their contract envelopes and private ones as stored. The facts and the trail are kept sealed;
the export shows them opened: the person's data in clear while their key exists, "(erased)"
once it is destroyed (what was never personal, dates and counts, stays).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from uuid import UUID

import asyncpg

from contracts import decode
from ect_platform.sealing import EnvelopeSealer
from ect_platform.subject_access import stored_event
from reporting.application import ReportingApplication
from reporting.domain.outcome import decision_id
from reporting.domain.term_report import KINDS, report_id
from reporting.integration.outbound import to_integration_event
from reporting.projections import facts as facts_store
from reporting.projections import trn_index

# the rows under an ECT's id, table by table (each a projection of reporting's own): their
# entitlement, term by term; the reviews and assessments due to or received by the AB; the
# final recommendation and the AB's decision; their induction periods as the AB's records hold
# them; a failure to recompute their rows, with its error
ECT_TABLES = ("entitlement", "entitlement_terms", "ab_submissions", "ab_outcomes", "ab_periods",
              "projection_quarantine")
TERMS_LOOKED_FOR = 12  # a report's id is derived from its term: more than any induction has


async def ids_for(pool: asyncpg.Pool, sealer: EnvelopeSealer, trn: str
                  ) -> tuple[list[UUID], list[UUID]]:
    """The ECT ids and mentor ids filed under ``trn``."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT DISTINCT subject_kind, subject FROM facts "
            "WHERE event_type IN ('EctRegistered', 'MentorRegistered') "
            "AND envelope -> 'payload' ->> 'trn' = $1", trn)
        found = {(r["subject_kind"], r["subject"]) for r in rows}
        found.update(await trn_index.subjects(conn, sealer.keystore, trn))
    ects = sorted(UUID(subject) for kind, subject in found if kind == "ect")
    mentors = sorted(UUID(subject) for kind, subject in found if kind == "mentor")
    return ects, mentors


async def held_about(pool: asyncpg.Pool, app: ReportingApplication, trn: str,
                     sealer: EnvelopeSealer) -> dict[str, Any]:
    ects, mentors = await ids_for(pool, sealer, trn)
    subjects = [str(i) for i in ects + mentors]
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        facts = await conn.fetch(
            "SELECT envelope FROM facts WHERE subject = ANY($1::text[]) "
            "AND subject_kind IN ('ect', 'mentor') ORDER BY recorded_at, event_id", subjects)
        # to_jsonb: a row as JSON, its jsonb columns (reasons, figures) nested, not as text
        tables = {table: [json.loads(r[0]) for r in await conn.fetch(
            f"SELECT to_jsonb(t) FROM {table} AS t WHERE ect_id = ANY($1::uuid[])", ects)]  # noqa: S608
            for table in ECT_TABLES}
        tables["mentors"] = [json.loads(r[0]) for r in await conn.fetch(
            "SELECT to_jsonb(t) FROM mentors AS t WHERE mentor_id = ANY($1::uuid[])", mentors)]
        trail = await conn.fetch(
            "SELECT envelope FROM audit_trail WHERE ect_id = ANY($1::uuid[]) "
            "OR aggregate_id = ANY($2::uuid[]) ORDER BY recorded_at, source, aggregate_version",
            ects, mentors)
    # both kept sealed: opened together, every key fetched once
    held = await facts_store.opened(sealer, [decode(r["envelope"].encode()) for r in [*facts, *trail]])
    shown = [envelope.model_dump(mode="json") for envelope in held]
    audit = shown[len(facts):]
    # reporting's own records about them: those it published (support plans are keyed by
    # request, so only the trail names them), and the ones whose ids derive from the ECT's
    candidates = {UUID(e["aggregate_id"]) for e in audit if e["source"] == "reporting"}
    for ect in ects:
        candidates.add(decision_id(ect))
        candidates.update(report_id(ect, kind, n) for kind in KINDS for n in range(1, TERMS_LOOKED_FOR + 1))
    # the eventsourcing store is synchronous: read it in a worker thread
    stored = await asyncio.to_thread(_stored_events, app, sorted(candidates))
    return {
        "ect_ids": ects, "mentor_ids": mentors,
        "facts": shown[:len(facts)],
        **{table: rows for table, rows in tables.items()},
        "audit_trail": audit,
        "events": stored,
    }


def _stored_events(app: ReportingApplication, aggregate_ids: list[UUID]) -> list[dict[str, Any]]:
    """Reporting's own stored events of these aggregates (those that exist)."""
    return [stored_event(event, to_integration_event)
            for aggregate_id in aggregate_ids for event in app.events.get(aggregate_id)]
