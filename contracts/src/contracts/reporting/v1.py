"""Version 1 of the events reporting publishes on ``ect.reporting.events.v1``."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from contracts.base import EventPayload


class TermReportKind(StrEnum):
    PROGRESS_REVIEW = "progress_review"
    FORMAL_ASSESSMENT = "formal_assessment"
    INTERIM_ASSESSMENT = "interim_assessment"


class Recommendation(StrEnum):
    SATISFACTORY = "satisfactory"
    UNSATISFACTORY = "unsatisfactory"
    EXTENSION = "extension"


class TermReportSubmitted(EventPayload):
    """A progress review, formal assessment or interim assessment reached the appropriate body."""

    event_type: ClassVar[str] = "TermReportSubmitted"
    event_version: ClassVar[int] = 1

    report_id: UUID
    kind: TermReportKind
    term_number: int = Field(ge=1, description="Induction term the report covers (1-based).")
    on_track: bool
    evidence_summary: str
    targets: str
    submitted_on: date
    appropriate_body_id: str | None = None
    recommendation: Recommendation | None = Field(
        default=None, description="Only on the final formal assessment."
    )
