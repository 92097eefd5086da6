"""What a notifications process exposes on ``/metrics`` (``ect_platform.metrics``).

Each figure comes from the process that runs the part it describes: the consumer's counts and
lag where it consumes; the delivery worker's outcomes, what waits to be sent, and the outbox
relay's lag and throughput where delivery runs (the relay runs beside it).
"""

from __future__ import annotations

from collections.abc import Iterable

from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client.core import GaugeMetricFamily, Metric

from ect_platform import lag
from ect_platform.metrics import Exposition, Probe, count_consumer, count_relay
from notifications.bootstrap import Notifications

OUTCOMES = ("sent", "failed", "retried", "suppressed")  # Delivery's counters, one per outcome
WAITING = ("pending", "sending")  # statuses still to be delivered


def exposition(service: Notifications, *, consumer: bool, delivery: bool) -> Exposition:
    exposed = Exposition()
    if consumer:
        count_consumer(exposed, service.consumer)
        exposed.probe("consumer_lag", lag.consumer_lag(service.broker))
        service.broker.add_middleware(KafkaPrometheusMiddleware(registry=exposed.registry,
                                                                app_name="notifications"))
    if delivery:
        for outcome in OUTCOMES:
            exposed.count("ect_notifications_delivered", "Delivery attempts by outcome (failed: "
                          "given up on; retried: to be tried again)", service.delivery, outcome,
                          outcome=outcome)
        exposed.probe("notifications_waiting", waiting(service))
        count_relay(exposed, service.relay, "notifications")
        exposed.probe("relay_lag", lag.relay_lag(service.pool, "notifications", "outbox", "position"))
    return exposed


def waiting(service: Notifications) -> Probe:
    """Notifications not yet delivered, by status: read through the delivery worker's partial
    index (``notification_to_deliver``), so it costs what is waiting, not the whole history."""

    async def ask() -> Iterable[Metric]:
        async with service.pool.acquire() as conn:
            rows = await conn.fetch("SELECT status, count(*) AS n FROM notification "
                                    "WHERE status IN ('pending', 'sending') GROUP BY status")
        counts = {row["status"]: row["n"] for row in rows}
        family = GaugeMetricFamily("ect_notifications_waiting", "Notifications not yet delivered: "
                                   "pending (due or waiting to retry) and sending (claimed)",
                                   labels=["status"])
        for status in WAITING:
            family.add_metric([status], float(counts.get(status, 0)))
        return [family]

    return ask
