"""From a service's stored domain events to integration events: the shared half of each translator.

Each service says how its domain events map to contract payloads; this module wraps the
payload in the envelope (deterministic event id, provenance, times) and gives the relay
its reader over the eventsourcing notification log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding

from contracts import Actor, EventEnvelope, EventPayload, Role
from ect_platform.relay import Outgoing


@dataclass(frozen=True)
class Translation:
    payload: EventPayload
    happened_on: date | None  # the business date, when the event has one
    ect_id: UUID | None  # the ECT it concerns: the Kafka key


Translate = Callable[[Any], Translation]


def event_id_for(source: str, aggregate_id: UUID, version: int) -> UUID:
    """Deterministic: a republished event keeps its id, so consumers can drop it."""
    return uuid5(NAMESPACE_URL, f"ect-platform:{source}:{aggregate_id}:{version}")


class Translator:
    """Maps the domain event types of one service to envelopes; unmapped types stay private."""

    def __init__(self, source: str, translators: Mapping[type, Translate]) -> None:
        self.source = source
        self._translators = dict(translators)

    def __call__(self, domain_event: Any) -> EventEnvelope[Any] | None:
        translate = self._translators.get(type(domain_event))
        if translate is None:
            return None
        translation = translate(domain_event)
        payload = translation.payload
        provenance = domain_event.provenance
        recorded_at = domain_event.timestamp
        happened = translation.happened_on
        return _envelope_type(type(payload))(
            event_id=event_id_for(self.source, domain_event.originator_id,
                                  domain_event.originator_version),
            event_type=payload.event_type,
            event_version=payload.event_version,
            occurred_at=datetime.combine(happened, time(0), tzinfo=UTC) if happened else recorded_at,
            recorded_at=recorded_at,
            source=self.source,
            aggregate_id=domain_event.originator_id,
            aggregate_version=domain_event.originator_version,
            ect_id=translation.ect_id,
            actor=Actor(id=provenance.actor_id, role=Role(provenance.actor_role)),
            correlation_id=provenance.correlation_id,
            causation_id=provenance.causation_id,
            payload=payload,
        )


@cache
def _envelope_type(payload_type: type) -> Any:
    """pydantic builds a parametrised model class per call; build each one once (a hot path)."""
    return EventEnvelope[payload_type]  # type: ignore[valid-type]


def notification_reader(app: Application[Any], translate: Translator
                        ) -> Callable[[int, int], Sequence[Outgoing]]:
    """The relay's view of a store: (after, limit) -> translated log entries, in order."""

    def read(after: int, limit: int) -> Sequence[Outgoing]:
        notifications = app.recorder.select_notifications(start=after + 1, limit=limit)
        return [Outgoing(n.id, translate(app.mapper.to_domain_event(n))) for n in notifications]

    return read


def provenance_transcoding(provenance_type: type) -> Transcoding:
    """Stores a service's Provenance value object (actor, role, correlation) as a JSON object."""

    class ProvenanceAsDict(Transcoding):
        type = provenance_type
        name = "provenance"

        def encode(self, obj: Any) -> dict[str, Any]:
            return {
                "actor_id": obj.actor_id,
                "actor_role": obj.actor_role,
                "correlation_id": obj.correlation_id,
                "causation_id": obj.causation_id,
            }

        def decode(self, data: dict[str, Any]) -> Any:
            return provenance_type(**data)

    return ProvenanceAsDict()


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def register_transcodings(transcoder: JSONTranscoder, provenance_type: type) -> None:
    """The value types the platform's domain events carry beyond eventsourcing's defaults."""
    transcoder.register(provenance_transcoding(provenance_type))
    transcoder.register(DateAsISO())
    transcoder.register(SetAsList())


class SetAsList(Transcoding):
    type = set
    name = "set"

    def encode(self, obj: set[Any]) -> list[Any]:
        return sorted(obj, key=str)

    def decode(self, data: list[Any]) -> set[Any]:
        return set(data)
