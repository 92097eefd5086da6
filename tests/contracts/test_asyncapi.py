"""Each producing service's AsyncAPI 3 document: committed, in step with the code, and complete.

The committed files under contracts/asyncapi are what integrating teams read; the code is
what runs. These fail when the two drift apart, and when a document leaves out or doubles a
contract, or describes a message other than the one the relay sends.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts import REGISTRY, EventPayload, Topic
from contracts.registry import produced_by, schema_for
from contracts.topics import ALL_TOPICS
from ect_platform import cloudevents
from ect_platform.asyncapi import Document, message_name, render
from notifications.integration import asyncapi as notifications
from reporting.integration import asyncapi as reporting
from scheduling.integration import asyncapi as scheduling
from tests.architecture.test_compose import _consumed_topics
from tests.contracts.examples import PAYLOADS, envelope_of

ASYNCAPI_DIR = Path(__file__).resolve().parents[2] / "contracts" / "asyncapi"
SERVICES = {"scheduling": scheduling, "reporting": reporting, "notifications": notifications}


def resolve(doc: Document, reference: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in reference:
        target: Any = doc
        for part in reference["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        reference = target
    return reference


def channels_at(doc: Document, address: str) -> list[tuple[str, dict[str, Any]]]:
    return [(key, channel) for key, channel in doc["channels"].items() if channel["address"] == address]


def operation_on(doc: Document, channel_key: str) -> dict[str, Any]:
    [operation] = [op for op in doc["operations"].values()
                   if op["channel"]["$ref"] == f"#/channels/{channel_key}"]
    return operation


@pytest.mark.parametrize("service", SERVICES)
def test_the_committed_document_is_the_one_the_code_generates(service: str) -> None:
    path = ASYNCAPI_DIR / f"{service}.json"
    assert path.exists(), f"{path} is missing: run `make asyncapi` and commit it"
    assert path.read_text(encoding="utf-8") == render(SERVICES[service].document()), (
        f"{path} and {service}'s declared channels have drifted apart: run `make asyncapi` "
        "and commit it (a contract change also needs `make schemas`)")


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_is_asyncapi_3_and_its_every_reference_resolves(service: str) -> None:
    doc = SERVICES[service].document()
    text = json.dumps(doc)

    assert doc["asyncapi"] == "3.0.0"
    references = {value for value in _walk(doc) if isinstance(value, str) and value.startswith("#/")}
    assert references, "no references at all: has faststream changed how it writes documents?"
    for reference in references:
        resolve(doc, {"$ref": reference})  # raises KeyError on a dangling reference
    assert "$defs" not in text, "pydantic's local references do not resolve inside an AsyncAPI document"
    assert "EmptyPayload" not in text and ":Payload" not in text, "faststream's placeholder is left"


def _walk(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [v for key, value in node.items() for v in ([value] if key == "$ref" else _walk(value))]
    if isinstance(node, list):
        return [v for item in node for v in _walk(item)]
    return []


def test_every_registered_contract_is_published_by_exactly_one_service() -> None:
    published = [cls for topic in ALL_TOPICS for cls in produced_by(topic.source)]

    assert sorted(map(message_name, published)) == sorted(map(message_name, REGISTRY.values()))


def _contracts_of(service: str) -> list[tuple[str, type[EventPayload]]]:
    return [(service, cls) for cls in produced_by(SERVICES[service].PUBLISHES.source)]


PUBLISHED = [pair for service in SERVICES for pair in _contracts_of(service)]


@pytest.mark.parametrize(("service", "payload_cls"), PUBLISHED,
                         ids=[f"{s}:{message_name(c)}" for s, c in PUBLISHED])
def test_each_contract_is_one_message_on_its_topic_with_its_envelope_and_payload_schema(
    service: str, payload_cls: type[EventPayload],
) -> None:
    doc = SERVICES[service].document()
    topic: Topic = SERVICES[service].PUBLISHES
    [(key, channel)] = [(k, c) for k, c in channels_at(doc, topic.name)
                        if operation_on(doc, k)["action"] == "send"]
    name = message_name(payload_cls)

    assert list(channel["messages"]).count(name) == 1
    assert sorted(channel["messages"]) == sorted(map(message_name, produced_by(topic.source)))
    assert {"$ref": f"#/channels/{key}/messages/{name}"} in operation_on(doc, key)["messages"]
    message = resolve(doc, channel["messages"][name])
    assert message["name"] == name
    assert message["contentType"] == "application/json"
    # the payload is the envelope, exactly as the committed JSON Schema snapshot has it
    expected = json.loads(json.dumps(schema_for(payload_cls)).replace("#/$defs/", "#/components/schemas/"))
    envelope = resolve(doc, message["payload"])
    assert {k: v for k, v in envelope.items() if k != "title"} == \
        {k: v for k, v in expected.items() if k not in ("title", "$defs")}
    for definition, schema in expected["$defs"].items():
        assert doc["components"]["schemas"][definition] == schema
    payload = resolve(doc, envelope["properties"]["payload"])
    assert payload["title"] == payload_cls.__name__


def _example(payload_cls: type[EventPayload]) -> EventPayload | None:
    return next((p for p in PAYLOADS if type(p) is payload_cls), None)


@pytest.mark.parametrize(("service", "payload_cls"), PUBLISHED,
                         ids=[f"{s}:{message_name(c)}" for s, c in PUBLISHED])
def test_each_message_documents_the_cloudevents_headers_and_the_key_the_relay_sets(
    service: str, payload_cls: type[EventPayload],
) -> None:
    doc = SERVICES[service].document()
    message = doc["components"]["messages"][message_name(payload_cls)]
    headers = message["headers"]

    assert headers["type"] == "object"
    assert headers["properties"]["ce_type"]["const"] == cloudevents.ce_type(
        service, payload_cls.event_type, payload_cls.event_version)
    assert headers["properties"]["ce_source"]["const"] == f"/ect-platform/{service}"
    assert message["bindings"]["kafka"]["key"]["format"] == "uuid"
    assert "ECT id" in message["bindings"]["kafka"]["key"]["description"]
    example = _example(payload_cls)
    if example is None:
        pytest.skip(f"tests/contracts/examples.py has no {payload_cls.__name__} to send")
    envelope = envelope_of(example).model_copy(update={"source": service})
    sent = dict(cloudevents.headers_for(envelope))
    assert sorted(headers["required"]) == sorted(sent) == sorted(headers["properties"])
    for header, schema in headers["properties"].items():
        if "const" in schema:
            assert sent[header].decode() == schema["const"], header
    assert sent["ce_subject"] == envelope.key  # the subject is the key


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_reads_exactly_the_topics_the_services_bootstrap_subscribes_to(service: str) -> None:
    assert {topic.name for topic in SERVICES[service].SUBSCRIBES} == _consumed_topics(service)


SUBSCRIPTIONS = [(service, topic) for service, module in SERVICES.items() for topic in module.SUBSCRIBES]


@pytest.mark.parametrize(("service", "topic"), SUBSCRIPTIONS,
                         ids=[f"{s}<-{t.source}" for s, t in SUBSCRIPTIONS])
def test_each_topic_a_service_reads_is_received_with_every_contract_published_on_it(
    service: str, topic: Topic,
) -> None:
    doc = SERVICES[service].document()
    [(key, channel)] = [(k, c) for k, c in channels_at(doc, topic.name)
                        if operation_on(doc, k)["action"] == "receive"]

    assert sorted(channel["messages"]) == sorted(map(message_name, produced_by(topic.source)))
    assert len(operation_on(doc, key)["messages"]) == len(channel["messages"])


def test_a_prefixed_environment_gets_the_same_document_on_prefixed_topics() -> None:
    prefixed: Callable[[str], Document] = scheduling.document

    doc = prefixed("staging.")

    addresses = {channel["address"] for channel in doc["channels"].values()}
    assert addresses == {"staging.ect.scheduling.events.v1", "staging.ect.reporting.events.v1"}
    assert len(doc["components"]["messages"]) == len(scheduling.document()["components"]["messages"])
