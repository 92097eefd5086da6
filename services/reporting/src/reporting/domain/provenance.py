"""Who caused a change, and as part of which request: stored in every domain event."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Provenance:
    actor_id: str
    actor_role: str
    correlation_id: UUID
    causation_id: UUID | None = None
