"""Which payload class reads which (event_type, event_version), and the wire format."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from contracts.base import EventEnvelope, EventPayload
from contracts.notifications import v1 as notifications_v1
from contracts.reporting import v1 as reporting_v1
from contracts.scheduling import privacy as scheduling_privacy
from contracts.scheduling import v1 as scheduling_v1
from contracts.sealed import personal_fields, sealed_version


class ContractError(ValueError):
    """Raised when bytes on a topic are not a valid event of a known contract."""


class UnknownPayload(EventPayload):
    """The payload of an event type this build does not know; consumers skip these."""

    model_config = ConfigDict(frozen=True, extra="allow")


_PAYLOADS: tuple[type[EventPayload], ...] = (
    scheduling_v1.EctRegistered,
    scheduling_v1.MentorRegistered,
    scheduling_v1.MentorAssigned,
    scheduling_v1.SessionHeld,
    scheduling_v1.DropInRecorded,
    scheduling_v1.TermDatesSet,
    scheduling_v1.EctClaimed,
    scheduling_v1.EctReleased,
    scheduling_v1.InductionOutcomeImported,
    scheduling_v1.EctTransferred,
    scheduling_v1.WorkingPatternChanged,
    scheduling_v1.EctLeft,
    scheduling_v1.SessionMissed,
    scheduling_v1.MentorTrainingAttended,
    scheduling_v1.EctTrainingRecorded,
    scheduling_v1.CatchUpAssigned,
    scheduling_v1.CatchUpCompleted,
    scheduling_v1.AbsenceRecorded,
    scheduling_v1.AbsenceThresholdReached,
    scheduling_v1.StatutoryLeaveExtensionGranted,
    scheduling_v1.TimetableRecorded,
    scheduling_v1.SchoolRegistered,
    scheduling_v1.AppropriateBodyRegistered,
    scheduling_privacy.PersonalDataErased,
    reporting_v1.TermReportSubmitted,
    reporting_v1.TermReportDrafted,
    reporting_v1.TermReportCorrected,
    reporting_v1.TermReportSignedByEct,
    reporting_v1.TermReportSignedByHeadteacher,
    reporting_v1.SupportPlanShared,
    reporting_v1.InductionOutcomeRecorded,
    reporting_v1.InductionExtended,
    reporting_v1.InductionReduced,
    reporting_v1.EctRepresentationsMade,
    reporting_v1.DecisionNoticeRecorded,
    reporting_v1.AppealLodged,
    reporting_v1.AppealDecided,
    notifications_v1.NotificationSent, notifications_v1.NotificationFailed,
)

SEALED_PAYLOADS: tuple[type[EventPayload], ...] = tuple(
    sealed_version(cls) for cls in _PAYLOADS if personal_fields(cls))
"""The version after each contract with personal fields: the one producers publish (the
fields travel sealed in the envelope, ``contracts.sealed``)."""

REGISTRY: dict[tuple[str, int], type[EventPayload]] = {
    (cls.event_type, cls.event_version): cls for cls in (*_PAYLOADS, *SEALED_PAYLOADS)
}


def produced_by(source: str) -> list[type[EventPayload]]:
    """The contracts ``source`` publishes, in registry order: each lives in ``contracts.<source>``."""
    return [cls for cls in REGISTRY.values() if cls.__module__.split(".")[1:2] == [source]]


# Each version's envelope class, made once: ``EventEnvelope[cls]`` looks its class up in
# pydantic's generic cache on every use, a measurable share of decoding a batch.
_ENVELOPES: dict[tuple[str, int], type[EventEnvelope[Any]]] = {
    key: EventEnvelope[cls] for key, cls in REGISTRY.items()  # type: ignore[valid-type]
}
_UNKNOWN: type[EventEnvelope[Any]] = EventEnvelope[UnknownPayload]


class _Head(BaseModel):
    model_config = ConfigDict(extra="ignore")
    event_type: str
    event_version: int


def encode(envelope: EventEnvelope[Any]) -> bytes:
    return envelope.model_dump_json().encode()


def decode(raw: bytes) -> EventEnvelope[EventPayload]:
    """Parse one message. Unknown types decode with an ``UnknownPayload``; malformed ones raise."""
    try:
        head = _Head.model_validate_json(raw)
        envelope_cls = _ENVELOPES.get((head.event_type, head.event_version), _UNKNOWN)
        return envelope_cls.model_validate_json(raw)
    except ValidationError as exc:
        raise ContractError(f"not a valid integration event: {exc}") from exc


def schema_for(payload_cls: type[EventPayload]) -> dict[str, Any]:
    """The JSON Schema of one event version, envelope included, as committed in contracts/schemas."""
    schema = EventEnvelope[payload_cls].model_json_schema()  # type: ignore[valid-type]
    schema["title"] = f"{payload_cls.event_type} v{payload_cls.event_version}"
    return schema
