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
from eventsourcing.persistence import JSONTranscoder, StoredEvent, Transcoding
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import resolve_topic
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier
from pydantic import ValidationError

from contracts import EventEnvelope, EventPayload
from contracts.sealed import ERASED, personal_fields, sealed_version
from ect_platform.relay import Outgoing
from ect_platform.sealing import EnvelopeSealer


@dataclass(frozen=True)
class Translation:
    payload: EventPayload
    happened_on: date | None  # the business date, when the event has one
    ect_id: UUID | None  # the ECT it concerns: the Kafka key


Translate = Callable[[Any], Translation]


def build_payload(payload_cls: type[EventPayload], fields: Mapping[str, Any]) -> EventPayload:
    """The contract payload of a domain event, validated; an erased person's event (its
    personal fields read as erased, which no longer pass their rules) is built without the
    check, because those fields are never published: with their key gone the relay's
    sealing leaves them out."""
    try:
        return payload_cls(**fields)
    except ValidationError as exc:
        personal = set(personal_fields(payload_cls))
        if not all(error["loc"] and error["loc"][0] in personal
                   and fields.get(str(error["loc"][0])) in (ERASED, None) for error in exc.errors()):
            raise
        # the rest is checked (and coerced: enums, dates) as the sealed version checks it
        rest = sealed_version(payload_cls).model_validate(
            {name: value for name, value in fields.items() if name not in personal})
        return payload_cls.model_construct(
            **dict(rest), **{name: value for name, value in fields.items() if name in personal})


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
            "imported": _imported(provenance),
            "payload": payload,
        })


def _imported(provenance: Any) -> dict[str, Any] | None:
    """The envelope's mark of a record loaded from a file; None for a live one."""
    sha256 = getattr(provenance, "imported_from", None)
    if sha256 is None:
        return None
    return {"file_sha256": sha256, "uploaded_at": provenance.imported_at}


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
    """The relay's view of a store: (after, limit) -> translated log entries, in order, their
    personal fields sealed with the application's keys (``app.keystore``).

    A private event's entry is passed without decoding its state: its stored topic says
    already that the translator has nothing for it.
    """
    page = _log_page(app)
    to_domain_event = app.mapper.to_domain_event
    seal = EnvelopeSealer(app.keystore).seal  # type: ignore[attr-defined]
    public: dict[str, bool] = {}  # stored topic -> whether its class has a translation

    def is_public(topic: str) -> bool:
        known = public.get(topic)
        if known is None:
            known = public[topic] = translate.publishes(resolve_topic(topic))
        return known

    def entry(position: int, originator_id: Any, version: int, topic: str, state: bytes) -> Outgoing:
        if not is_public(topic):
            return Outgoing(position, None)
        envelope = translate(to_domain_event(StoredEvent(
            originator_id=originator_id, originator_version=version, topic=topic, state=state)))
        if envelope is None:
            return Outgoing(position, None)
        envelope = seal(envelope)  # personal fields leave sealed with their person's key
        # contracts.encode's bytes, without its detour through str (model_dump_json().encode())
        return Outgoing(position, envelope, envelope.__pydantic_serializer__.to_json(envelope))

    def read(after: int, limit: int) -> Sequence[Outgoing]:
        return [entry(*row) for row in page(after, limit)]

    return read


LogRow = tuple[int, Any, int, str, bytes]  # notification id, originator id and version, topic, state


def _log_page(app: Application[Any]) -> Callable[[int, int], Sequence[LogRow]]:
    """(after, limit) -> the next rows of the store's notification log, in order.

    On PostgreSQL, the five columns the relay needs as plain tuples: eventsourcing's
    ``select_notifications`` selects every column (the tamper-evidence chain's too) into a
    dict and then a ``Notification`` per row, which cost the relay as much as decoding them.
    Same table, same order, same rows; a recorder that reads differently (or another store)
    goes through the public API.
    """
    recorder = app.recorder
    if (isinstance(recorder, PostgresApplicationRecorder) and type(recorder).select_notifications
            is PostgresApplicationRecorder.select_notifications):
        datastore = recorder.datastore
        statement = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{}"
            " WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        ).format(Identifier(datastore.schema), Identifier(recorder.events_table_name))

        def postgres_page(after: int, limit: int) -> Sequence[LogRow]:
            with datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
                curs.execute(statement, (after, limit), prepare=True)
                return curs.fetchall()

        return postgres_page

    def any_page(after: int, limit: int) -> Sequence[LogRow]:
        return [(n.id, n.originator_id, n.originator_version, n.topic, n.state)
                for n in recorder.select_notifications(start=after + 1, limit=limit)]

    return any_page


def provenance_transcoding(provenance_type: type) -> Transcoding:
    """Stores a service's Provenance value object (actor, role, correlation) as a JSON object."""

    class ProvenanceAsDict(Transcoding):
        type = provenance_type
        name = "provenance"

        def encode(self, obj: Any) -> dict[str, Any]:
            encoded = {
                "actor_id": obj.actor_id,
                "actor_role": obj.actor_role,
                "correlation_id": obj.correlation_id,
                "causation_id": obj.causation_id,
            }
            # an import's mark only when there is one: a live record is stored as before
            if getattr(obj, "imported_from", None) is not None:
                encoded["imported_from"] = obj.imported_from
                encoded["imported_at"] = obj.imported_at
            return encoded

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
