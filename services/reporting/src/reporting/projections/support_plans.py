"""The support plans shared for an ECT, as the facts hold them (``SupportPlanShared``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from contracts import decode
from contracts.reporting import v1


async def of_ect(pool: asyncpg.Pool, ect_id: UUID) -> list[dict[str, Any]]:
    """Oldest first; a plan shared again is one fact (its event id is the key)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT envelope FROM facts WHERE subject_kind = 'ect' AND subject = $1 "
            "AND event_type = $2 ORDER BY recorded_at, event_id", str(ect_id),
            v1.SupportPlanShared.event_type)
    plans = []
    for row in rows:
        envelope = decode(row["envelope"].encode())
        plan = envelope.payload
        assert isinstance(plan, v1.SupportPlanShared)
        plans.append({"id": plan.plan_id, "ect_id": ect_id, "report_id": plan.report_id,
                      "shared_on": plan.shared_on, "summary": plan.summary, "review_on": plan.review_on,
                      "appropriate_body_id": plan.appropriate_body_id,
                      "shared_by_role": envelope.actor.role.value})
    return plans
