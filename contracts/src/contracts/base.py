"""The envelope: the metadata every integration event carries, whatever its payload.

Consumers must ignore fields they do not know (``extra="ignore"``) so that additive
changes never break them; producers may only add optional fields to a version.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Generic, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

PERSONAL: dict[str, Any] = {"x-personal": True}
"""``json_schema_extra`` of a payload field that holds personal data: it never travels in clear
(``contracts.sealed``)."""


class Role(StrEnum):
    """Who may act. The same names appear in tokens and in every envelope."""

    HUB_LEAD = "hub_lead"
    MENTOR = "mentor"
    INDUCTION_TUTOR = "induction_tutor"
    APPROPRIATE_BODY = "appropriate_body"
    AUDITOR = "auditor"
    HEADTEACHER = "headteacher"  # signs assessments, recommends at the end (scoped to schools)
    ECT = "ect"  # the teacher whose induction it is: the token's sub is their ECT id
    SYSTEM = "system"  # the platform itself, e.g. a scheduler deciding a deadline passed


class Actor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(description="Identifier of the person or system that caused the event.")
    role: Role


class EventPayload(BaseModel):
    """Base of every event payload. Subclasses set the two class variables."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    event_version: ClassVar[int]


PayloadT = TypeVar("PayloadT", bound=EventPayload)


class Imported(BaseModel):
    """Where a record loaded from an uploaded file came from (the uploader is the actor)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    file_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the uploaded file.")
    uploaded_at: datetime = Field(description="When the file was uploaded.")


class SealedBox(BaseModel):
    """The personal fields of one event, encrypted with the data key of the person it is about
    (``contracts.sealed`` says how to open it)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    key_id: UUID = Field(description="Whose data key: the ECT's id (or the mentor's).")
    alg: Literal["A256GCM"] = "A256GCM"
    fields: list[str] = Field(description="The payload fields inside, by name.")
    data: str = Field(description="base64url(nonce[12] || AES-256-GCM ciphertext and tag) of the "
                      "fields' JSON object; associated data: the event id's text.")


class EventEnvelope(BaseModel, Generic[PayloadT]):
    """One integration event, as published on Kafka (JSON, UTF-8)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID = Field(
        description="Deterministic: the same stored event always gets the same id, so a "
        "republished event can be recognised and ignored by consumers."
    )
    event_type: str
    event_version: int = Field(ge=1)
    occurred_at: datetime = Field(
        description="When the fact happened in the world (a session's date, a start date); "
        "dates without a time are given as midnight UTC."
    )
    recorded_at: datetime = Field(description="When the producing service stored the event.")
    source: str = Field(description="The producing service: scheduling, reporting, notifications.")
    aggregate_id: UUID
    aggregate_version: int = Field(ge=1)
    ect_id: UUID | None = Field(
        description="The ECT the event concerns, also the Kafka message key; null for events "
        "about no single ECT (e.g. MentorRegistered), which are keyed by aggregate_id."
    )
    actor: Actor
    correlation_id: UUID = Field(description="Shared by every event one request caused.")
    causation_id: UUID | None = Field(
        default=None, description="The event_id of the event that caused this one, if any."
    )
    imported: Imported | None = Field(
        default=None, description="Set when the fact was imported from a file (a hub's records "
        "from before it used the platform) rather than recorded live; null for a live record."
    )
    sealed: SealedBox | None = Field(
        default=None, description="The payload's personal fields, encrypted with the person's own "
        "key (events of a sealed version only; see contracts.sealed). Null once the person is "
        "erased, or when the event carries no personal data.")
    payload: PayloadT

    @property
    def key(self) -> bytes:
        """The Kafka message key: per-ECT ordering, or per-aggregate when there is no ECT."""
        return str(self.ect_id or self.aggregate_id).encode()
