"""Who caused a change, and as part of which request: stored in every domain event of every service.

One definition for the platform: scheduling and reporting record the same facts about a change
(and ``integration_events.provenance_transcoding`` stores them the same way), so their domains
both re-export this value from their own ``domain/provenance.py``. It is a plain frozen value with
no I/O, which is why the domains may import this one module of the platform (pyproject.toml's
import-linter contract says so).
"""

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
    # set only on records loaded from an uploaded file (scheduling's imports), so an auditor
    # can tell an import from a live record: the file's SHA-256 and when it was uploaded
    # (the uploader is the actor)
    imported_from: str | None = None
    imported_at: datetime | None = None
