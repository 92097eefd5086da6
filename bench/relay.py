"""Relay throughput: scheduling's event store -> Kafka, through the production Relay.

The store is loaded first (not timed); then the relay that scheduling's composition root
builds is pumped until every public event is acknowledged by the broker. The baseline
sends the very same encoded messages with a bare producer configured by make_producer.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any

from bench.infra import Infra
from bench.report import Measurement, Row
from bench.workload import INDUCTION_START, LAST_FOLLOW_UP, EctPlan, plan, registration_details
from contracts import Topic, encode
from contracts.topics import SCHEDULING
from ect_platform.integration_events import notification_reader
from ect_platform.kafka import ensure_topics, make_producer
from scheduling.application import SchedulingApplication
from scheduling.bootstrap import bootstrap
from scheduling.domain.provenance import Provenance
from scheduling.integration.outbound import to_integration_event
from scheduling.settings import SchedulingSettings

SAVE_EVERY = 10  # ECTs (~200 events) per transaction while loading; see BatchedWrites
RAW_TOPIC = Topic(source="bench", name="bench.raw-produce.v1", partitions=SCHEDULING.partitions)


async def measure_relay(infra: Infra, events: int, seed: int,
                        section: Callable[[], AbstractContextManager[None]] = nullcontext
                        ) -> Measurement:
    prefix = infra.prefix + "relay."
    settings = SchedulingSettings(
        database_url=await infra.fresh_database("relay"),
        kafka_bootstrap_servers=infra.bootstrap_servers,
        jwt_secret="bench-not-a-secret-but-at-least-32-bytes",
        kafka_topic_prefix=prefix,
    )
    service = await bootstrap(settings)
    try:
        plans = plan(events, seed)
        load_seconds = await _timed(asyncio.to_thread(load, service.app, plans))
        start = time.perf_counter()
        pumps = 0
        with section():
            while service.relay.published < events:
                pumps += 1
                if await service.relay.pump_once() == 0:
                    raise RuntimeError(f"the log ended after {service.relay.published} of {events} events")
        relay_seconds = time.perf_counter() - start
        read_seconds, entries, messages = await asyncio.to_thread(_read_whole_log, service.app)
    finally:
        await service.close()
    if len(messages) != events:
        raise RuntimeError(f"the log holds {len(messages)} public events, expected {events}")
    raw_seconds = await raw_produce(infra.bootstrap_servers, prefix, messages)
    relay_rate, raw_rate = events / relay_seconds, events / raw_seconds
    return Measurement(
        key="relay",
        title="Relay: event store -> Kafka",
        rows=[Row("Relay: event store → Kafka (`Relay.pump_once` loop)", relay_rate, "events/s",
                  "raw aiokafka `send` + `gather` acks, same payloads", raw_rate)],
        details={
            "events": events, "ects": len(plans), "load_seconds": load_seconds,
            "relay_seconds": relay_seconds, "pump_calls": pumps, "raw_seconds": raw_seconds,
            "log_read_and_translate_seconds": read_seconds,
            "log_read_and_translate_events_per_s": events / read_seconds,
        },
        notes=[
            f"{events} public events ({len(plans)} ECTs: registrations, sessions, drop-ins) plus "
            f"{entries - events} private ones (TRN indexes) in scheduling's PostgreSQL event store, loaded "
            f"through `SchedulingApplication` in {load_seconds:.1f} s (not timed).",
            f"Relay as `scheduling.bootstrap` builds it (its batch size, acks=all, position recorded "
            f"after each batch): {relay_seconds:.2f} s in {pumps} `pump_once` calls.",
            f"Reading and translating the whole log alone (`notification_reader` + `encode`, no "
            f"Kafka): {read_seconds:.2f} s = {events / read_seconds:,.0f} events/s.",
            f"Baseline: one producer from `make_producer` sends all {events} pre-encoded messages, "
            f"then gathers every ack: {raw_seconds:.2f} s.",
        ],
    )


def load(app: SchedulingApplication, plans: list[EctPlan]) -> None:
    """Every event goes through a scheduling use case (``register_ect``, ``record_session``,
    ``record_drop_in``), with the clock set to the workload's dates; only the writes are
    batched (see ``BatchedWrites``), which production never needs and loading would pay for."""
    provenance = Provenance("hub-lead-bench", "hub_lead", uuid.uuid4())
    clock = Clock(INDUCTION_START)
    app.today = clock
    with BatchedWrites(app) as writes:
        for ect_plan in plans:
            clock.today = INDUCTION_START
            ect_id = app.register_ect(provenance=provenance, **registration_details(ect_plan))
            clock.today = LAST_FOLLOW_UP
            for number, item in enumerate(ect_plan.follow_ups):
                if item.kind == "session":
                    app.record_session(ect_id, request_id=f"bench-{number}", held_on=item.on,
                                       minutes=item.minutes, observation_included=True,
                                       action_step=None, provenance=provenance)
                else:
                    app.record_drop_in(ect_id, request_id=f"bench-{number}", observed_on=item.on,
                                       focus_area="adaptive teaching", strengths="clear modelling",
                                       development_areas="checking understanding",
                                       next_step=None, provenance=provenance)
            writes.ect_done()


@dataclass
class Clock:
    today: date

    def __call__(self) -> date:
        return self.today


class BatchedWrites:
    """While loading, the use cases' saves are collected and written SAVE_EVERY ECTs at a time,
    and a collected ECT is read back from memory: one transaction per batch instead of a
    replay and a transaction per event. The stored events are the same. Batches stay small:
    one save of ~1000 events never returns (eventsourcing's PostgreSQL recorder waits in
    psycopg's pipeline sync), while ~800 still completes."""

    def __init__(self, app: SchedulingApplication) -> None:
        self._app = app
        self._pending: dict[uuid.UUID, Any] = {}
        self._ects = 0

    def __enter__(self) -> BatchedWrites:
        self._app.save = self._collect  # type: ignore[method-assign]
        self._app.get_induction = self._get_induction  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        del self._app.save, self._app.get_induction  # back to the class's methods
        if exc[0] is None:
            self._flush()

    def ect_done(self) -> None:
        self._ects += 1
        if self._ects % SAVE_EVERY == 0:
            self._flush()

    def _collect(self, *aggregates: Any, **_: Any) -> None:
        for aggregate in aggregates:
            self._pending[aggregate.id] = aggregate

    def _get_induction(self, ect_id: uuid.UUID) -> Any:
        pending = self._pending.get(ect_id)
        return pending if pending is not None else type(self._app).get_induction(self._app, ect_id)

    def _flush(self) -> None:
        if self._pending:
            type(self._app).save(self._app, *self._pending.values())
            self._pending.clear()


def _read_whole_log(app: SchedulingApplication) -> tuple[float, int, list[tuple[bytes, bytes]]]:
    """The relay's read path without Kafka: how much of the relay's time is the log itself."""
    read = notification_reader(app, to_integration_event)
    start = time.perf_counter()
    messages, after, entries = [], 0, 0
    while batch := read(after, 1000):
        messages.extend((o.envelope.key, o.value if o.value is not None else encode(o.envelope))
                        for o in batch if o.envelope)  # the reader encodes in its thread
        after, entries = batch[-1].position, entries + len(batch)
    return time.perf_counter() - start, entries, messages


async def raw_produce(bootstrap_servers: str, prefix: str, messages: list[tuple[bytes, bytes]]) -> float:
    await ensure_topics(bootstrap_servers, [RAW_TOPIC], prefix)
    topic = RAW_TOPIC.qualified(prefix)
    producer = make_producer(bootstrap_servers)
    await producer.start()
    try:
        start = time.perf_counter()
        acks = [await producer.send(topic, value=value, key=key) for key, value in messages]
        await asyncio.gather(*acks)
        return time.perf_counter() - start
    finally:
        await producer.stop()


async def _timed(work: Any) -> float:
    start = time.perf_counter()
    await work
    return time.perf_counter() - start
