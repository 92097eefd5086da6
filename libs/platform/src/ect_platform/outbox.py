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
from hashlib import sha1
from typing import Any
from uuid import NAMESPACE_URL, UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding
from eventsourcing.utils import resolve_topic

from contracts import EventEnvelope, EventPayload
from ect_platform.relay import Outgoing


@dataclass(frozen=True)
class Translation:
    payload: EventPayload
    happened_on: date | None  # the business date, when the event has one
    ect_id: UUID | None  # the ECT it concerns: the Kafka key


Translate = Callable[[Any], Translation]


_URL_NAMESPACE = NAMESPACE_URL.bytes
_MIDNIGHT = time(0, tzinfo=UTC)


def event_id_for(source: str, aggregate_id: UUID, version: int) -> UUID:
    """Deterministic: a republished event keeps its id, so consumers can drop it.

    Exactly ``uuid5(NAMESPACE_URL, f"ect-platform:{source}:{aggregate_id}:{version}")`` (the
    ids are public: consumers deduplicate by them), computed the way ``uuid.uuid5`` does but
    without re-deriving the namespace's bytes on every call (a hot path of the relay).
    """
    name = f"ect-platform:{source}:{aggregate_id}:{version}".encode()
    return UUID(bytes=sha1(_URL_NAMESPACE + name, usedforsecurity=False).digest()[:16], version=5)


class Translator:
    """Maps the domain event types of one service to envelopes; unmapped types stay private."""

    def __init__(self, source: str, translators: Mapping[type, Translate]) -> None:
        self.source = source
        self._translators = dict(translators)

    def publishes(self, event_type: type) -> bool:
        """Whether events of ``event_type`` become integration events (others stay private)."""
        return event_type in self._translators

    def __call__(self, domain_event: Any) -> EventEnvelope[Any] | None:
        translate = self._translators.get(type(domain_event))
        if translate is None:
            return None
        translation = translate(domain_event)
        payload = translation.payload
        provenance = domain_event.provenance
        recorded_at = domain_event.timestamp
        happened = translation.happened_on
        aggregate_id = domain_event.originator_id
        version = domain_event.originator_version
        # One validation of the whole envelope in pydantic-core (the actor as a dict, the
        # payload already a validated model) instead of a model __init__ per part.
        return _envelope_validator(type(payload))({
            "event_id": event_id_for(self.source, aggregate_id, version),
            "event_type": payload.event_type,
            "event_version": payload.event_version,
            "occurred_at": datetime.combine(happened, _MIDNIGHT) if happened else recorded_at,
            "recorded_at": recorded_at,
            "source": self.source,
            "aggregate_id": aggregate_id,
            "aggregate_version": version,
            "ect_id": translation.ect_id,
            "actor": {"id": provenance.actor_id, "role": provenance.actor_role},
            "correlation_id": provenance.correlation_id,
            "causation_id": provenance.causation_id,
            "payload": payload,
        })


@cache
def _envelope_type(payload_type: type) -> Any:
    """pydantic builds a parametrised model class per call; build each one once (a hot path)."""
    return EventEnvelope[payload_type]  # type: ignore[valid-type]


@cache
def _envelope_validator(payload_type: type) -> Callable[[dict[str, Any]], EventEnvelope[Any]]:
    """``EventEnvelope[payload_type].model_validate``, without the Python wrapper around it."""
    return _envelope_type(payload_type).__pydantic_validator__.validate_python


def notification_reader(app: Application[Any], translate: Translator
                        ) -> Callable[[int, int], Sequence[Outgoing]]:
    """The relay's view of a store: (after, limit) -> translated log entries, in order.

    A private event's entry is passed without decoding its state: its stored topic says
    already that the translator has nothing for it.
    """
    to_domain_event = app.mapper.to_domain_event
    public: dict[str, bool] = {}  # stored topic -> whether its class has a translation

    def is_public(topic: str) -> bool:
        known = public.get(topic)
        if known is None:
            known = public[topic] = translate.publishes(resolve_topic(topic))
        return known

    def read(after: int, limit: int) -> Sequence[Outgoing]:
        notifications = app.recorder.select_notifications(start=after + 1, limit=limit)
        return [Outgoing(n.id, translate(to_domain_event(n)) if is_public(n.topic) else None)
                for n in notifications]

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
