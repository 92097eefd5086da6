"""What a reporting process exposes on ``/metrics`` (``ect_platform.metrics``).

Each figure comes from the process that runs the part it describes: the relay's lag and
throughput where the relay runs; the projection consumer's counts, its lag and the projection
backlog and quarantine where it consumes.
"""

from __future__ import annotations

from collections.abc import Iterable

from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client.core import Metric

from ect_platform import lag
from ect_platform.metrics import Exposition, Probe, count_consumer, count_relay, gauge
from reporting.bootstrap import EVENTS_TABLE, Reporting


def exposition(service: Reporting, *, relay: bool, consumer: bool) -> Exposition:
    exposed = Exposition()
    if relay:
        count_relay(exposed, service.relay, "reporting")
        exposed.probe("relay_lag", lag.relay_lag(service.pool, "reporting", EVENTS_TABLE,
                                                 "notification_id"))
    if consumer:
        count_consumer(exposed, service.consumer)
        exposed.probe("consumer_lag", lag.consumer_lag(service.broker))
        exposed.probe("projection_backlog", projection_backlog(service))
        service.broker.add_middleware(KafkaPrometheusMiddleware(registry=exposed.registry,
                                                                app_name="reporting"))
    return exposed


def projection_backlog(service: Reporting) -> Probe:
    """ECTs owing a recompute, and ECTs quarantined (``projections.backlog``): both tables stay
    small (an ECT is one row whatever its events), so counting them is cheap."""

    async def ask() -> Iterable[Metric]:
        async with service.pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM projection_backlog) AS backlog, "
                "(SELECT count(*) FROM projection_quarantine) AS quarantine")
        return [gauge("ect_projection_backlog_ects", "ECTs whose projection rows owe a recompute",
                      float(row["backlog"])),
                gauge("ect_projection_quarantine_ects", "ECTs whose recompute failed, held with "
                      "the error (GET /projection-quarantine)", float(row["quarantine"]))]

    return ask
