"""Version 1 of the privacy events scheduling publishes on ``ect.scheduling.events.v1``."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from contracts.base import EventPayload


class ErasedSubject(StrEnum):
    ECT = "ect"
    MENTOR = "mentor"


class PersonalDataErased(EventPayload):
    """A person's personal data was erased for good (UK GDPR Art. 17): their data key is gone, so
    no copy of their sealed fields can be read; the events and all that is not personal stay.
    No personal data: the actor is who asked, ``recorded_at`` when. Consumers drop what they
    hold of the person in clear and show them as erased."""

    event_type: ClassVar[str] = "PersonalDataErased"
    event_version: ClassVar[int] = 1

    subject: ErasedSubject = Field(description="Whose data: the ECT's (ect_id) or a mentor's.")
    subject_id: UUID = Field(description="The ECT's or the mentor's id, also the data key's id.")
    reason: str = Field(min_length=1, max_length=500, description="Why, e.g. the request's "
                        "reference; must not itself hold personal data.")
    retained_until: date | None = Field(
        default=None, description="The end of the statutory retention period (6 years after the "
        "induction ended, 2.77) when the erasure came before it; null otherwise.")
    legal_basis: str | None = Field(
        default=None, max_length=500, description="For an erasure inside the retention period: "
        "the legal reason it was forced (e.g. a court order's reference).")
