"""What scheduling holds about a person, found by TRN (UK GDPR Art. 15).

An ECT's record is their induction aggregate and a mentor's their mentor aggregate, each found
through its TRN index aggregate. Every stored event of each is answered: as the public contract
envelope where the event is published, and as stored (its type and fields) where it is private,
so the person sees what subscribers were told and what only scheduling keeps.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from ect_platform.subject_access import stored_event
from scheduling.application import SchedulingApplication
from scheduling.domain.induction import index_id as ect_index_id
from scheduling.domain.mentor import index_id as mentor_index_id
from scheduling.integration.outbound import to_integration_event


def held_about(app: SchedulingApplication, trn: str) -> dict[str, Any]:
    """``ect`` and ``mentor``: each the person's record in that capacity, or None."""
    return {"ect": _record(app, ect_index_id(trn), "ect_id"),
            "mentor": _record(app, mentor_index_id(trn), "mentor_id")}


def _record(app: SchedulingApplication, index_id: UUID, points_at: str) -> dict[str, Any] | None:
    try:
        index: Any = app.repository.get(index_id)
    except AggregateNotFoundError:
        return None
    aggregate_id: UUID = getattr(index, points_at)
    try:
        aggregate: Any = app.repository.get(aggregate_id)
    except AggregateNotFoundError:  # an index whose record was never saved: only the index
        aggregate = None
    return {
        "id": aggregate_id,
        "name": getattr(aggregate, "name", None),
        "events": [stored_event(e, to_integration_event) for e in app.events.get(aggregate_id)],
        "trn_index_events": [stored_event(e, to_integration_event) for e in app.events.get(index_id)],
    }

