"""The reads only the school page needs: the school's mentors with their training, and the
reports in draft for the school's ECTs with whose step each is.

Mentors come from the facts filed under each mentor (``MentorRegistered`` names them and the
school they were registered at; ``MentorTrainingAttended`` is folded as the entitlement folds
it), so one query answers a whole school. Drafts are reporting's own records, not facts (the
facts table files scheduling's events). Which reports are in draft is found in one query of
the audit trail, where reporting's consumer files every event it publishes (TermReportDrafted,
then TermReportSubmitted); only those drafts are then read from the event store, the record of
truth for whose step each is. Probing every possible draft id instead (three kinds by 18 terms)
would cost 54 store reads per ECT; this costs one per open draft. A draft shows once its own
event has come back through Kafka (seconds), as every row of the dashboard does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from uuid import UUID

import asyncpg

from contracts.scheduling import v1
from ect_platform.sealing import EnvelopeSealer
from reporting.projections import facts
from reporting.projections.history_fold import fold_mentor_training

if TYPE_CHECKING:
    from reporting.application import ReportingApplication


async def mentors_registered_at(conn: asyncpg.Connection, urn: str) -> list[UUID]:
    """Mentors whose registration names this school (whether or not they mentor anyone yet)."""
    rows = await conn.fetch(
        "SELECT DISTINCT subject FROM facts WHERE subject_kind = $1 AND event_type = 'MentorRegistered' "
        "AND envelope->'payload'->>'school_id' = $2", facts.MENTOR, urn)
    return [UUID(row["subject"]) for row in rows]


async def mentors(conn: asyncpg.Connection, mentor_ids: Iterable[UUID], sealer: EnvelopeSealer
                  ) -> dict[UUID, dict[str, Any]]:
    """Each mentor's name and TRN (their latest registration; None while unknown, "(erased)"
    once the mentor is) and their training attended and missed, per kind."""
    found = await facts.load_many(conn, facts.MENTOR, sorted({str(m) for m in mentor_ids}),
                                  sealer=sealer)
    answer = {}
    for subject, envelopes in found.items():
        registered = [e for e in envelopes if isinstance(e.payload, v1.MentorRegistered)]
        latest = max(registered, key=lambda e: e.aggregate_version).payload if registered else None
        answer[UUID(subject)] = {"mentor_id": UUID(subject), "name": latest.name if latest else None,
                                 "trn": latest.trn if latest else None,
                                 "training": fold_mentor_training(envelopes)}
    return answer


async def drafts_in_trail(conn: asyncpg.Connection, ect_ids: list[UUID]) -> list[UUID]:
    """The reports drafted for these ECTs and not yet submitted, as far as the trail knows."""
    if not ect_ids:
        return []
    rows = await conn.fetch(
        "SELECT envelope->'payload'->>'report_id' AS report_id FROM audit_trail "
        "WHERE ect_id = ANY($1::uuid[]) AND source = 'reporting' "
        "AND event_type IN ('TermReportDrafted', 'TermReportSubmitted') "
        "GROUP BY 1 HAVING bool_and(event_type = 'TermReportDrafted')", ect_ids)
    return sorted(UUID(row["report_id"]) for row in rows)


def drafts_of(app: ReportingApplication, reports: Iterable[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    """Each ECT's reports in draft and not yet submitted: kind, term, whose step (``step``),
    read from the event store. Synchronous (the store is): run it with ``Commands.read``."""
    answer: dict[UUID, list[dict[str, Any]]] = {}
    for report in reports:
        draft = app.get_draft(report)
        if draft is None or draft.submitted_on is not None:
            continue  # submitted since the trail last heard (or never stored here)
        answer.setdefault(draft.ect_id, []).append({
            "report_id": report, "kind": draft.kind, "term_number": draft.term_number,
            "step": draft.step, "drafted_on": draft.drafted_on})
    for found in answer.values():
        found.sort(key=lambda d: (d["term_number"], d["kind"]))
    return answer
