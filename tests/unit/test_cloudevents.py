"""CloudEvents attributes in Kafka headers, and consumers passing over what they do not act on
from the header alone."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from contracts import encode
from ect_platform import cloudevents
from ect_platform.inbox import decode_all
from ect_platform.keystore import MemoryKeystore
from scheduling.integration.inbound import InboundFacts
from tests.contracts.examples import PAYLOADS, envelope_of


@dataclass
class Record:
    value: bytes
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    topic: str = "reporting"
    partition: int = 0
    offset: int = 0
    key: bytes | None = None


def test_the_type_header_names_the_contract_it_carries():
    for payload in PAYLOADS:
        envelope = envelope_of(payload)
        assert cloudevents.contract_of(cloudevents.headers_for(envelope)) == (
            envelope.event_type, envelope.event_version)
    assert cloudevents.contract_of([]) is None
    assert cloudevents.contract_of([("ce_type", b"com.example.Other")]) is None


def test_a_consumer_passes_over_a_contract_it_does_not_act_on_without_decoding_it():
    session = envelope_of(next(p for p in PAYLOADS if type(p).__name__ == "SessionHeld"))
    # the body would not even decode: passed over by its header alone
    record = Record(b"not json", cloudevents.headers_for(session))
    readable, malformed, unknown = decode_all([record], wanted=lambda t, v: t != "SessionHeld")
    assert (readable, malformed, unknown) == ([], [], [])
    # wanted, it is decoded (and here found malformed)
    _, malformed, _ = decode_all([record], wanted=lambda t, v: True)
    assert len(malformed) == 1


def test_a_header_naming_an_unknown_contract_is_decoded_and_parked_not_passed_over():
    envelope = envelope_of(PAYLOADS[0]).model_copy(update={"event_version": 99})
    headers = cloudevents.headers_for(envelope)
    record = Record(encode(envelope), headers)
    readable, malformed, unknown = decode_all([record], wanted=lambda t, v: False)
    assert len(unknown) == 1 and not readable and not malformed


def test_scheduling_decodes_only_the_decisions_it_learns_from_reportings_topic():
    class NoApp:
        keystore = MemoryKeystore()  # what inbound opens sealed decisions with

    inbound = InboundFacts(NoApp())  # type: ignore[arg-type]
    report = next(p for p in PAYLOADS if type(p).__name__ == "TermReportSubmitted")
    records = [Record(b"{broken", cloudevents.headers_for(envelope_of(report)))]
    asyncio.run(inbound.handle(records))
    assert inbound.parked == 0 and inbound.applied == 0  # a term report: not scheduling's concern
