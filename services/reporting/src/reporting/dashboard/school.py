"""The reads only the school page needs: the school's mentors with their training, and the
reports in draft for the school's ECTs with whose step each is.

Mentors come from the facts filed under each mentor (``MentorRegistered`` names them and the
school they were registered at; ``MentorTrainingAttended`` is folded as the entitlement folds
it), so one query answers a whole school. Drafts are reporting's own records, not facts: they
live in its event store, whose ids derive from the ECT, the kind and the term, so each ECT's
possible drafts are looked up by id (no search), in one worker thread for the whole page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from uuid import UUID

import asyncpg

from contracts.scheduling import v1
from reporting.application import MAX_TERM
from reporting.domain.term_report import KINDS, report_id
from reporting.domain.term_report_draft import draft_id
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


async def mentors(conn: asyncpg.Connection, mentor_ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]:
    """Each mentor's name and TRN (their latest registration; None while unknown) and their
    training attended and missed, per kind."""
    found = await facts.load_many(conn, facts.MENTOR, sorted({str(m) for m in mentor_ids}))
    answer = {}
    for subject, envelopes in found.items():
        registered = [e for e in envelopes if isinstance(e.payload, v1.MentorRegistered)]
        latest = max(registered, key=lambda e: e.aggregate_version).payload if registered else None
        answer[UUID(subject)] = {"mentor_id": UUID(subject), "name": latest.name if latest else None,
                                 "trn": latest.trn if latest else None,
                                 "training": fold_mentor_training(envelopes)}
    return answer


def drafts_of(app: ReportingApplication, ect_ids: Iterable[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    """Each ECT's reports in draft and not yet submitted: kind, term, whose step (``step``).
    Synchronous (the event store is): run it with ``Services.read``."""
    answer: dict[UUID, list[dict[str, Any]]] = {}
    for ect_id in ect_ids:
        for kind in KINDS:
            for term in range(1, MAX_TERM + 1):
                report = report_id(ect_id, kind, term)
                if not app.recorder.select_events(draft_id(report), limit=1):
                    continue
                draft = app.get_draft(report)
                if draft is None or draft.submitted_on is not None:
                    continue
                answer.setdefault(ect_id, []).append({
                    "report_id": report, "kind": kind, "term_number": term, "step": draft.step,
                    "drafted_on": draft.drafted_on})
    return answer
