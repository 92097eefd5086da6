"""OpenTelemetry traces: one trace per request, from the HTTP edge through the command and its
store, the relay, Kafka and every consumer that applies what it caused.

The trace id is the request's correlation id, the one every envelope and log line carries, so
a trace found by a correlation id in a log or an audit trail is the whole story of it. Spans:
the request (``SERVER``, at the edge), the command in the application and its store
(``INTERNAL``), each event the relay publishes (``PRODUCER``, its context in the message's
``traceparent`` header), each event a consumer applies (``CONSUMER``, a child of the
producer's span read from that header).

Off unless configured: with no ``OTEL_EXPORTER_OTLP_ENDPOINT`` no provider is installed,
``enabled()`` is False and the hot paths (the relay, the consumers) make no span at all, not
even the API's no-op ones, so tracing costs nothing where nobody collects it. Configured, the
spans go out over OTLP/HTTP in batches from a background thread. A test installs its own
provider with an in-memory exporter (``install``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_PROPAGATOR = TraceContextTextMapPropagator()
_provider: Any = None  # a TracerProvider once tracing is on


def configure(service: str, part: str) -> None:
    """Export over OTLP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set; otherwise nothing."""
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if not endpoint:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create(
        {"service.name": service, "service.namespace": "ect-platform", "ect.part": part}))
    # the exporter reads the OTEL_EXPORTER_OTLP_* settings (headers, timeout) itself
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    install(provider)


def install(provider: Any) -> None:
    """Use ``provider`` for every span from now on (``None``: tracing off again)."""
    global _provider
    _provider = provider


def enabled() -> bool:
    return _provider is not None


def tracer(name: str) -> Tracer:
    return _provider.get_tracer(name) if _provider is not None else trace.NoOpTracer()


def request_parent(correlation_id: UUID) -> otel_context.Context:
    """The context a request's span starts in: its trace is the correlation id's."""
    return trace.set_span_in_context(NonRecordingSpan(SpanContext(
        trace_id=correlation_id.int, span_id=(correlation_id.int & 0xFFFFFFFFFFFFFFFF) or 1,
        is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED))))


@contextlib.contextmanager
def span(name: str, *, kind: SpanKind = SpanKind.INTERNAL, parent: otel_context.Context | None = None,
         **attributes: Any) -> Iterator[None]:
    """A span around the block when tracing is on; nothing at all when it is off."""
    if _provider is None:
        yield
        return
    with tracer("ect_platform").start_as_current_span(name, context=parent, kind=kind,
                                                       attributes=attributes):
        yield


def inject(headers: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The message's headers with ``traceparent`` replaced by the current span's context."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    if "traceparent" not in carrier:
        return headers
    return [(k, v) for k, v in headers if k != "traceparent"] + [
        (k, v.encode()) for k, v in carrier.items()]


def extract(headers: Sequence[tuple[str, bytes]] | None) -> otel_context.Context:
    """The producer's context from a message's ``traceparent`` (an empty one if it has none)."""
    carrier = {k: v.decode(errors="replace") for k, v in headers or () if k in ("traceparent",
                                                                                 "tracestate")}
    return _PROPAGATOR.extract(carrier)


@contextlib.contextmanager
def consumed(consumer: str, pairs: Sequence[tuple[Any, Any]]) -> Iterator[None]:
    """A ``CONSUMER`` span per event a batch applies, each a child of its producer's span (the
    message's ``traceparent``), open while the batch is applied; nothing when tracing is off."""
    if _provider is None or not pairs:
        yield
        return
    source = tracer("ect_platform.inbox")
    spans = [source.start_span(f"apply {envelope.event_type}", kind=SpanKind.CONSUMER,
                               context=extract(getattr(record, "headers", None)),
                               attributes={"messaging.system": "kafka",
                                           "messaging.consumer.group.name": consumer,
                                           "messaging.message.id": str(envelope.event_id)})
             for record, envelope in pairs]
    try:
        yield
    finally:
        for opened in spans:
            opened.end()
