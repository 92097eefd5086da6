"""Integration events survive the trip to bytes and back; bad bytes fail loudly, unknown types softly."""

from __future__ import annotations

import json

import pytest

from contracts import ContractError, EventPayload, decode, encode
from contracts.registry import REGISTRY, UnknownPayload
from tests.contracts.examples import PAYLOADS, envelope_of


def test_there_is_an_example_of_every_registered_event_version() -> None:
    assert {(p.event_type, p.event_version) for p in PAYLOADS} == set(REGISTRY)


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: f"{p.event_type}.v{p.event_version}")
def test_an_envelope_decodes_to_what_was_encoded(payload: EventPayload) -> None:
    envelope = envelope_of(payload)

    decoded = decode(encode(envelope))

    assert decoded == envelope
    assert type(decoded.payload) is REGISTRY[(payload.event_type, payload.event_version)]


def test_fields_a_consumer_does_not_know_are_ignored() -> None:
    raw = json.loads(encode(envelope_of(PAYLOADS[0])))
    raw["shiny_new_field"] = 1
    raw["payload"]["another_one"] = "x"

    assert decode(json.dumps(raw).encode()) == envelope_of(PAYLOADS[0])


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[]", b'{"event_type": "SessionHeld"}', b"\xff\xfe"],
    ids=["empty", "not json", "a list", "no version", "not utf-8"],
)
def test_garbage_raises_a_contract_error(raw: bytes) -> None:
    with pytest.raises(ContractError):
        decode(raw)


def test_a_known_event_with_an_invalid_payload_raises_a_contract_error() -> None:
    raw = json.loads(encode(envelope_of(PAYLOADS[0])))
    raw["payload"]["trn"] = "not seven digits"

    with pytest.raises(ContractError, match="trn"):
        decode(json.dumps(raw).encode())


def test_an_unknown_event_type_decodes_with_an_unknown_payload_keeping_its_fields() -> None:
    raw = json.loads(encode(envelope_of(PAYLOADS[0])))
    raw["event_type"] = "SomethingNew"
    raw["payload"] = {"whatever": 42}

    decoded = decode(json.dumps(raw).encode())

    assert isinstance(decoded.payload, UnknownPayload)
    assert decoded.event_type == "SomethingNew"
    assert decoded.payload.model_dump() == {"whatever": 42}


def test_a_future_version_of_a_known_event_also_decodes_with_an_unknown_payload() -> None:
    raw = json.loads(encode(envelope_of(PAYLOADS[0])))
    raw["event_version"] = 99

    assert isinstance(decode(json.dumps(raw).encode()).payload, UnknownPayload)
