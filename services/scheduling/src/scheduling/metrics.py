"""What a scheduling process exposes on ``/metrics`` (``ect_platform.metrics``).

Each figure comes from the process that runs the part it describes: the relay's lag and
throughput where the relay runs, the inbound consumer's counts and lag where it consumes.
"""

from __future__ import annotations

from faststream.kafka.prometheus import KafkaPrometheusMiddleware

from ect_platform import lag
from ect_platform.metrics import Exposition, count_consumer, count_relay
from scheduling.bootstrap import EVENTS_TABLE, Scheduling


def exposition(service: Scheduling, *, relay: bool, consumer: bool) -> Exposition:
    exposed = Exposition()
    if relay:
        count_relay(exposed, service.relay, "scheduling")
        exposed.probe("relay_lag", lag.relay_lag(service.pool, "scheduling", EVENTS_TABLE,
                                                 "notification_id"))
    if consumer:
        count_consumer(exposed, service.inbound)
        exposed.probe("consumer_lag", lag.consumer_lag(service.broker))
        service.broker.add_middleware(KafkaPrometheusMiddleware(registry=exposed.registry,
                                                                app_name="scheduling"))
    return exposed
