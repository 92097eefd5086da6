"""Who caused a change, and as part of which request: stored in every domain event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class Provenance:
    actor_id: str
    actor_role: str
    correlation_id: UUID
    causation_id: UUID | None = None
    # set only on records loaded from an uploaded file (``scheduling.imports``), so an auditor
    # can tell an import from a live record: the file's SHA-256 and when it was uploaded
    # (the uploader is the actor)
    imported_from: str | None = None
    imported_at: datetime | None = None
