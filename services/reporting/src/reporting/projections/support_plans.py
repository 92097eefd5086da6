"""The support plans shared for an ECT, as the facts hold them (``SupportPlanShared``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from contracts import decode
from contracts.reporting import v1
from ect_platform.sealing import EnvelopeSealer
from reporting.projections import facts


async def of_ect(pool: asyncpg.Pool, ect_id: UUID, sealer: EnvelopeSealer) -> list[dict[str, Any]]:
    """Oldest first; a plan shared again is one fact (its event id is the key). The summary is
    the ECT's personal data: in clear while their key exists, "(erased)" after."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT envelope FROM facts WHERE subject_kind = 'ect' AND subject = $1 "
            "AND event_type = $2 ORDER BY recorded_at, event_id", str(ect_id),
            v1.SupportPlanShared.event_type)
    plans = []
    for envelope in await facts.opened(sealer, [decode(row["envelope"].encode()) for row in rows]):
        plan = envelope.payload
        assert isinstance(plan, v1.SupportPlanShared)
        plans.append({"id": plan.plan_id, "ect_id": ect_id, "report_id": plan.report_id,
                      "shared_on": plan.shared_on, "summary": plan.summary, "review_on": plan.review_on,
                      "appropriate_body_id": plan.appropriate_body_id,
                      "shared_by_role": envelope.actor.role.value})
    return plans
