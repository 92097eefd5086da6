"""A service's AsyncAPI 3 document, generated from the channels its code declares.

faststream writes the document (``faststream.specification.AsyncAPI``): info, one channel per
topic a declared publisher or subscriber uses, their send and receive operations and Kafka
bindings. The relay publishes with its own aiokafka producer, so the publisher declared here
is for the document only; nothing ever sends through it.

Two things faststream cannot say are added here. A topic carries many contracts, and faststream
gives each channel one message (a subscriber that takes raw batches even an empty one), so each
contract channel gets one message per registered event type and version, named
``<EventType>.v<N>``, whose payload is that version's envelope, the same JSON Schema as the
committed ``contracts/schemas`` snapshot. And every message's Kafka key and CloudEvents headers
(set by the relay, ``ect_platform.cloudevents``) are written on it, so a subscriber can route
on ``ce_type`` without decoding anything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Union
from urllib.parse import unquote

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from faststream.specification.asyncapi.utils import ref
from pydantic.json_schema import models_json_schema

from contracts import EventEnvelope, EventPayload, Topic
from contracts.registry import produced_by
from contracts.topics import ALL_TOPICS
from ect_platform import cloudevents, kafka_security
from ect_platform.inbox import Record, subscribe
from ect_platform.kafka_security import KafkaConnection

Document = dict[str, Any]
_SCHEMAS = "#/components/schemas/"
SERVER = "kafka:9092"
_KAFKA_BINDING_VERSION = "0.4.0"  # the version faststream writes on its channel bindings

# Every message carries these (``cloudevents.headers_for``); the values are bytes, UTF-8 text.
HEADERS: dict[str, str] = {
    "ce_specversion": "CloudEvents version: always 1.0.",
    "ce_id": "The envelope's event_id: deterministic, the same on every redelivery.",
    "ce_source": "/ect-platform/<service>: the producing service.",
    "ce_type": "ect.<service>.<EventType>.v<N>: the contract, readable without decoding the value.",
    "ce_time": "The envelope's recorded_at (RFC 3339).",
    "ce_subject": "The ECT id, or the aggregate id for an event about no single ECT: the key.",
    "content-type": "Always application/json: the value is the envelope as JSON, UTF-8.",
    "traceparent": "W3C trace context: the trace is the correlation id, the span the event id.",
}


def message_name(payload_cls: type[EventPayload]) -> str:
    return f"{payload_cls.event_type}.v{payload_cls.event_version}"


def declare_publisher(broker: KafkaBroker, topic: Topic, prefix: str = "") -> None:
    """The service's own topic, for the document: every contract it publishes, as a union."""
    envelopes = tuple(EventEnvelope[cls] for cls in produced_by(topic.source))  # type: ignore[valid-type]
    broker.publisher(topic.qualified(prefix), title=topic.qualified(prefix),
                     description=f"Every integration event {topic.source} publishes, keyed by ECT id.",
                     schema=Union[envelopes],  # noqa: UP007  (a runtime union of classes)
                     include_in_schema=True)


class _Unread:
    """Stands in for a consumer in a broker that only describes: it is never started."""

    async def handle(self, records: Sequence[Record]) -> None:
        raise RuntimeError("a broker built for the AsyncAPI document does not consume")


def document(service: str, description: str, publishes: Topic, subscribes: Sequence[Topic],
             prefix: str = "") -> Document:
    """The service's document: what it publishes on its topic and what it reads."""
    # faststream lists channels per server, so one is named: docker-compose's broker. Each
    # environment sets its own (KAFKA_BOOTSTRAP_SERVERS); the channels are the same everywhere.
    # Built like every other client (kafka_security), plain: it never connects, and the
    # committed document must not depend on this process's security settings.
    broker = kafka_security.broker(KafkaConnection(SERVER), logger=None,
                                   specification_url=SERVER, protocol="kafka", protocol_version="3.x",
                                   description="As in docker-compose.yml; each environment sets its own "
                                               "KAFKA_BOOTSTRAP_SERVERS and may prefix every "
                                               "topic's name (KAFKA_TOPIC_PREFIX).")
    declare_publisher(broker, publishes, prefix)
    if subscribes:
        subscribe(broker, _Unread(), *(topic.qualified(prefix) for topic in subscribes),
                  group_id=f"{prefix}{service}")
    spec = AsyncAPI(broker, title=f"ECT induction: {service}", version="1.0.0",
                    description=description, schema_version="3.0.0")
    generated: Document = spec.to_specification().to_jsonable()
    return _one_message_per_contract(generated, prefix)


def _topic_at(address: str, prefix: str) -> Topic | None:
    for topic in ALL_TOPICS:
        if topic.qualified(prefix) == address:
            return topic
    return None


def _one_message_per_contract(doc: Document, prefix: str) -> Document:
    components = doc.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    placeholders: dict[str, Any] = components.get("messages", {})
    messages: dict[str, Any] = {}
    for key, channel in doc["channels"].items():
        topic = _topic_at(channel["address"], prefix)
        if topic is None:
            continue
        for placeholder in channel["messages"].values():
            _drop_placeholder(placeholder["$ref"], placeholders, schemas)
        contracts = produced_by(topic.source)
        payload_refs = _envelope_schemas(contracts, schemas)
        channel["messages"] = {}
        for payload_cls in contracts:
            name = message_name(payload_cls)
            messages[name] = _message(topic, payload_cls, payload_refs[payload_cls])
            channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        for operation in doc["operations"].values():
            if operation["channel"]["$ref"] == f"#/channels/{_pointer(key)}":
                operation["messages"] = [
                    {"$ref": f"#/channels/{_pointer(key)}/messages/{name}"} for name in channel["messages"]
                ]
    components["messages"] = {**placeholders, **messages}
    return doc


def _pointer(key: str) -> str:
    """A channel key as faststream writes it into a reference (spaces and the like quoted)."""
    return ref(key)["$ref"][2:]


def _drop_placeholder(reference: str, messages: dict[str, Any], schemas: dict[str, Any]) -> None:
    """faststream's single message of a channel, and the payload schema only it used."""
    name = unquote(reference.rsplit("/", 1)[-1])
    placeholder = messages.pop(name, None)
    payload_ref = (placeholder or {}).get("payload", {}).get("$ref", "")
    if payload_ref.startswith(_SCHEMAS):
        schemas.pop(unquote(payload_ref[len(_SCHEMAS):]), None)


def _envelope_schemas(contracts: Sequence[type[EventPayload]], schemas: dict[str, Any]
                      ) -> dict[type[EventPayload], str]:
    """Each contract's envelope schema in components/schemas; its reference, by contract."""
    envelopes = [(EventEnvelope[cls], "validation") for cls in contracts]  # type: ignore[valid-type]
    refs, defs = models_json_schema(envelopes,  # type: ignore[arg-type]
                                    ref_template=_SCHEMAS + "{model}")
    for name, schema in defs.get("$defs", {}).items():
        if schemas.setdefault(name, schema) != schema:
            raise ValueError(f"two different schemas are both named {name!r}")
    return {cls: refs[(envelope, "validation")]["$ref"]
            for cls, (envelope, _) in zip(contracts, envelopes, strict=True)}


def _message(topic: Topic, payload_cls: type[EventPayload], payload_ref: str) -> dict[str, Any]:
    ce_type = cloudevents.ce_type(topic.source, payload_cls.event_type, payload_cls.event_version)
    fixed = {"ce_specversion": cloudevents.SPEC_VERSION.decode(), "ce_type": ce_type,
             "ce_source": f"/ect-platform/{topic.source}",
             "content-type": cloudevents.CONTENT_TYPE.decode()}
    headers = {name: {"type": "string", "description": why}
               | ({"const": fixed[name]} if name in fixed else {}) for name, why in HEADERS.items()}
    summary = (payload_cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    return {
        "name": message_name(payload_cls),
        "title": f"{payload_cls.event_type} v{payload_cls.event_version}",
        **({"summary": summary} if summary else {}),
        "contentType": cloudevents.CONTENT_TYPE.decode(),
        "headers": {"type": "object", "required": list(HEADERS), "properties": headers},
        "payload": {"$ref": payload_ref},
        "correlationId": {"description": "Shared by every event one request caused.",
                          "location": "$message.payload#/correlation_id"},
        "bindings": {"kafka": {
            "key": {"type": "string", "format": "uuid",
                    "description": "The ECT id (ect_id), so one ECT's events keep their order; "
                                   "the aggregate id for an event about no single ECT."},
            "bindingVersion": _KAFKA_BINDING_VERSION,
        }},
    }


def render(doc: Document) -> str:
    """The committed file's exact text: stable key order, so diffs show only real changes."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
