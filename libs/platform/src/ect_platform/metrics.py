"""``/metrics``: what one service process tells Prometheus, in its text exposition format.

Three kinds of figure, each where it is cheapest to keep:

- **counters the process already keeps** (events a relay published, events a consumer applied,
  messages parked, notifications sent): read from those objects when Prometheus scrapes, so
  the hot paths are unchanged (``Counted``);
- **gauges of the database** (relay lag, reporting's backlog, notifications pending): one small
  query each, run at scrape time under a timeout rather than by a polling loop (``Probe``); a
  probe that fails or times out is left out of that scrape and its
  ``ect_metrics_probe_success`` is 0, so a stale figure is never shown as a fresh one;
- **HTTP requests and latencies**: starlette-exporter's ASGI middleware, labelled by route
  template (``/ects/{ect_id}``), never by the raw path, so no id reaches a label; requests that
  match no route are counted under ``__unknown__``. Kafka consumption: faststream's own
  ``KafkaPrometheusMiddleware``, added to the broker by each service's ``metrics`` module.

No label carries a person's name, TRN or id: labels name relays, consumers, topics,
partitions, statuses and route templates only. ``/metrics`` needs no token for that reason,
and is served only on the service's bind address (``BIND_HOST``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette_exporter import PrometheusMiddleware

from ect_platform.web import Check, health_router

log = logging.getLogger(__name__)

PATH = "/metrics"
PROBE_TIMEOUT_SECONDS = 2.0

Probe = Callable[[], Awaitable[Iterable[Metric]]]
"""A scrape-time gauge: asks once (one small query) and answers metric families."""


@dataclass(frozen=True)
class Counted:
    """A counter an object keeps as an attribute (``relay.published``), exposed under ``name``
    with ``labels`` (fixed label values naming the object, never a person)."""

    name: str
    documentation: str
    source: Any
    attribute: str
    labels: dict[str, str]


class Exposition:
    """One process's metrics: its own registry (several services may be built in one test
    process, each with its own), the counted attributes, and the probes run at each scrape."""

    def __init__(self, probe_timeout_seconds: float = PROBE_TIMEOUT_SECONDS) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._counted: list[Counted] = []
        self._probes: list[tuple[str, Probe]] = []
        self._timeout = probe_timeout_seconds

    def count(self, name: str, documentation: str, source: Any, attribute: str, **labels: str) -> None:
        self._counted.append(Counted(name, documentation, source, attribute, labels))

    def probe(self, name: str, probe: Probe) -> None:
        self._probes.append((name, probe))

    async def render(self) -> bytes:
        """The whole exposition: probes asked now (concurrently, each under the timeout), the
        counted attributes, this registry (faststream's metrics) and the process-wide default
        registry (HTTP, process and Python runtime metrics)."""
        asked = await asyncio.gather(*(self._ask(name, probe) for name, probe in self._probes))
        success = GaugeMetricFamily("ect_metrics_probe_success",
                                    "1 when the probe answered within its timeout at this scrape",
                                    labels=["probe"])
        families: list[Metric] = [*counter_families(self._counted)]
        for (name, _), answer in zip(self._probes, asked, strict=True):
            success.add_metric([name], 0.0 if answer is None else 1.0)
            families.extend(answer or ())
        if self._probes:
            families.append(success)
        return (generate_latest(_Families(families)) + generate_latest(self.registry)
                + generate_latest(REGISTRY))

    async def _ask(self, name: str, probe: Probe) -> list[Metric] | None:
        try:
            return list(await asyncio.wait_for(probe(), self._timeout))
        except Exception as exc:  # an unanswered probe is reported in the scrape, not raised
            log.warning("metrics probe %s did not answer: %s: %s", name, type(exc).__name__, exc)
            return None


def counter_families(counted: Sequence[Counted]) -> list[Metric]:
    """One counter family per name, a sample per counted object; objects sharing a name (two
    consumers) must share label names."""
    families: dict[str, CounterMetricFamily] = {}
    for item in counted:
        family = families.get(item.name)
        if family is None:
            family = families[item.name] = CounterMetricFamily(
                item.name, item.documentation, labels=sorted(item.labels))
        family.add_metric([item.labels[k] for k in sorted(item.labels)],
                          float(getattr(item.source, item.attribute)))
    return list(families.values())


def gauge(name: str, documentation: str, value: float, **labels: str) -> GaugeMetricFamily:
    """A single-sample gauge family, for probes."""
    family = GaugeMetricFamily(name, documentation, labels=sorted(labels))
    family.add_metric([labels[k] for k in sorted(labels)], value)
    return family


class _Families:
    """What ``generate_latest`` reads: anything with ``collect``; here a scrape's families."""

    def __init__(self, families: Sequence[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterable[Metric]:
        return self._families


def install_metrics(api: FastAPI, service: str) -> None:
    """HTTP metrics on every request, and ``GET /metrics``. Until the process attaches its own
    exposition (``attach``), ``/metrics`` holds the HTTP and process metrics alone.

    Added after the edge middleware, so it runs first: a request the edge refuses (413) is
    counted and timed too. The series stay bounded whatever callers send: paths are route
    templates or ``__unknown__``, and the method is one uvicorn's HTTP parser (llhttp) knows,
    as it answers 400 to any other before the app sees it."""
    api.add_middleware(PrometheusMiddleware, app_name=service, prefix="http",
                       group_paths=True, filter_unhandled_paths=False, group_unhandled_paths=True,
                       skip_paths=[PATH])
    api.state.metrics = Exposition()
    api.include_router(router())


def attach(api: FastAPI, exposition: Exposition) -> None:
    """``/metrics`` of this API answers ``exposition``: the process's relay, consumer, gauges."""
    api.state.metrics = exposition


def router() -> APIRouter:
    routes = APIRouter(tags=["operations"])

    @routes.get(PATH, include_in_schema=False)
    async def metrics(request: Request) -> Response:
        exposition: Exposition = request.app.state.metrics
        return Response(await exposition.render(), media_type=CONTENT_TYPE_LATEST)

    return routes


def metrics_only_app(exposition: Exposition, readiness: Mapping[str, Check] | None = None) -> FastAPI:
    """A process without the API part serves this on ``METRICS_PORT``: ``/metrics``, and
    ``/health/live`` and ``/health/ready`` (its database and broker), so an orchestrator can
    watch a relay or consumer container as it watches an API."""
    app = FastAPI(title="metrics", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.metrics = exposition
    app.include_router(router())
    app.include_router(health_router(dict(readiness or {})))
    return app


def count_relay(exposition: Exposition, relay: Any, name: str) -> None:
    """A relay's throughput: entries it published and saw acknowledged (``Relay.published``)."""
    exposition.count("ect_relay_published_events", "Integration events the relay published and "
                     "the broker acknowledged", relay, "published", relay=name)


def count_consumer(exposition: Exposition, consumer: Any) -> None:
    """An idempotent consumer's counts (``ProjectionConsumer``, scheduling's ``InboundFacts``):
    events applied to its read model, and the messages it parked on a dead-letter topic."""
    name = consumer.name
    exposition.count("ect_consumer_events_applied", "Events the consumer applied (a redelivered "
                     "event counts once)", consumer, "applied", consumer=name)
    if hasattr(consumer, "duplicates"):
        exposition.count("ect_consumer_events_duplicate", "Redelivered events the consumer "
                         "recognised and left alone", consumer, "duplicates", consumer=name)
    dead_letters = getattr(consumer, "dead_letters", None)
    if dead_letters is not None:
        exposition.count("ect_dead_letters_parked", "Messages the consumer gave up on and parked "
                         "on <topic>.dlq", dead_letters, "parked", consumer=name)


def serving(api: FastAPI | None, exposition: Exposition, port: int,
            metrics_port: int | None, readiness: Mapping[str, Check] | None = None
            ) -> tuple[FastAPI | None, int]:
    """What a process serves, and on which port: its API with ``/metrics`` answering
    ``exposition``; without the API part, ``/metrics`` alone on ``METRICS_PORT``; or nothing."""
    if api is not None:
        attach(api, exposition)
        return api, port
    if metrics_port is not None:
        return metrics_only_app(exposition, readiness), metrics_port
    return None, port
