"""CloudEvents attributes on every Kafka message, in binary content mode's headers.

The envelope maps almost field for field onto CloudEvents 1.0 (Kafka protocol binding): its
id, source, type, time and subject go into ``ce_*`` headers beside ``content-type``, and the
correlation id into a W3C ``traceparent``, so a consumer or a tool (kcat, a schema registry,
a tracing backend) learns what a message is without decoding it. Additive: the value is
still the whole envelope, which today's consumers decode as before.

``ce_type`` is ``ect.<source>.<EventType>.v<version>``, so the contract (type and version)
is read back from the header alone (``contract_of``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts import EventEnvelope

Headers = list[tuple[str, bytes]]
SPEC_VERSION = b"1.0"
CONTENT_TYPE = b"application/json"
_TYPE_PREFIX = "ect."


def ce_type(source: str, event_type: str, event_version: int) -> str:
    return f"{_TYPE_PREFIX}{source}.{event_type}.v{event_version}"


def headers_for(envelope: EventEnvelope[Any]) -> Headers:
    subject = envelope.ect_id or envelope.aggregate_id
    return [
        ("ce_specversion", SPEC_VERSION),
        ("ce_id", str(envelope.event_id).encode()),
        ("ce_source", f"/ect-platform/{envelope.source}".encode()),
        ("ce_type", ce_type(envelope.source, envelope.event_type, envelope.event_version).encode()),
        ("ce_time", envelope.recorded_at.isoformat().encode()),
        ("ce_subject", str(subject).encode()),
        ("content-type", CONTENT_TYPE),
        # one trace per request (its correlation id), one span per event: a tracing backend
        # links a command to everything it caused without any of the services decoding anything
        ("traceparent", f"00-{envelope.correlation_id.hex}-{envelope.event_id.hex[:16]}-01".encode()),
    ]


def contract_of(headers: Sequence[tuple[str, bytes]] | None) -> tuple[str, int] | None:
    """(event type, version) from a message's ``ce_type``; None where it has none (a message
    published before the headers existed, or by another producer): decode it then."""
    for name, value in headers or ():
        if name == "ce_type":
            text = value.decode(errors="replace")
            parts = text.split(".")
            if len(parts) >= 4 and text.startswith(_TYPE_PREFIX) and parts[-1][:1] == "v" \
                    and parts[-1][1:].isdigit():
                return parts[-2], int(parts[-1][1:])
            return None
    return None
