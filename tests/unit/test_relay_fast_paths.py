"""The relay's fast paths change how, never what: the same ids, envelopes, order and positions."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from aiokafka.partitioner import DefaultPartitioner, murmur2

from contracts import EventEnvelope, decode, encode
from contracts.base import Actor, Role
from contracts.scheduling import v1
from ect_platform.integration_events import event_id_for, notification_reader
from ect_platform.relay import Outgoing, PositionStore, Relay
from ect_platform.sealing import EnvelopeSealer
from scheduling.integration.outbound import PRIVATE_EVENTS, to_integration_event
from tests.unit.scheduling_fixtures import Clock, ect_details, in_memory_app, mentor_details, provenance

# -- event ids ---------------------------------------------------------------------------


def test_event_id_for_is_uuid5_of_the_documented_name():
    rng = random.Random(20261123)
    samples = [("scheduling", uuid.UUID(int=0), 1), ("reporting", uuid.UUID(int=2**128 - 1), 1),
               ("notifications", uuid.UUID("9c5dc084-81bb-4b94-853d-4b3147ae8250"), 10**12)]
    samples += [(rng.choice(["scheduling", "reporting", "notifications", "é-ü"]),
                 uuid.UUID(int=rng.getrandbits(128)), rng.randint(1, 10**6)) for _ in range(2000)]
    for source, aggregate_id, version in samples:
        expected = uuid.uuid5(uuid.NAMESPACE_URL, f"ect-platform:{source}:{aggregate_id}:{version}")
        got = event_id_for(source, aggregate_id, version)
        assert got == expected
        assert (str(got), got.version, got.variant, hash(got)) == (
            str(expected), 5, uuid.RFC_4122, hash(expected))


def test_a_known_event_id_never_changes():
    """A published id, pinned: consumers have it in their inboxes."""
    aggregate_id = uuid.UUID("9c5dc084-81bb-4b94-853d-4b3147ae8250")
    assert event_id_for("scheduling", aggregate_id, 1) == uuid.uuid5(
        uuid.NAMESPACE_URL, "ect-platform:scheduling:9c5dc084-81bb-4b94-853d-4b3147ae8250:1")


# -- envelopes ---------------------------------------------------------------------------


def reference_envelope(domain_event: Any) -> EventEnvelope[Any] | None:
    """The envelope as the translator built it before its fast path: model by model."""
    translate = to_integration_event._translators.get(type(domain_event))
    if translate is None:
        return None
    translation = translate(domain_event)
    payload, happened = translation.payload, translation.happened_on
    provenance_ = domain_event.provenance
    from datetime import UTC, datetime, time
    return EventEnvelope[type(payload)](  # type: ignore[misc]
        event_id=uuid.uuid5(uuid.NAMESPACE_URL, f"ect-platform:scheduling:{domain_event.originator_id}:"
                            f"{domain_event.originator_version}"),
        event_type=payload.event_type, event_version=payload.event_version,
        occurred_at=datetime.combine(happened, time(0), tzinfo=UTC) if happened else domain_event.timestamp,
        recorded_at=domain_event.timestamp, source="scheduling",
        aggregate_id=domain_event.originator_id, aggregate_version=domain_event.originator_version,
        ect_id=translation.ect_id, actor=Actor(id=provenance_.actor_id, role=Role(provenance_.actor_role)),
        correlation_id=provenance_.correlation_id, causation_id=provenance_.causation_id, payload=payload)


@pytest.fixture
def busy_app():  # type: ignore[no-untyped-def]
    """A store with public events of several kinds and private ones (TRN indexes, a calendar)."""
    app = in_memory_app(Clock(date(2025, 9, 1)))
    ect_id = app.register_ect(provenance=provenance(), **ect_details())
    mentor_id = app.register_mentor(provenance=provenance("hub_lead"), **mentor_details())
    app.assign_mentor(ect_id, mentor_id, assigned_on=date(2025, 9, 1), override_reason=None,
                      provenance=provenance("hub_lead"))
    app.today = Clock(date(2025, 10, 1))
    app.record_session(ect_id, request_id="s1", held_on=date(2025, 9, 8), minutes=60,
                       observation_included=True, action_step="Narrate the positive",
                       provenance=provenance("hub_lead"))
    app.record_drop_in(ect_id, request_id="d1", observed_on=date(2025, 9, 9), focus_area="Adaptive teaching",
                       strengths="s", development_areas="d", next_step=None,
                       provenance=provenance("hub_lead"))
    return app


def test_envelopes_and_their_bytes_are_what_the_model_by_model_translation_gave(busy_app):
    notifications = busy_app.recorder.select_notifications(start=1, limit=100)
    public = 0
    for notification in notifications:
        event = busy_app.mapper.to_domain_event(notification)
        got, expected = to_integration_event(event), reference_envelope(event)
        assert (got is None) == (expected is None) == (type(event) in PRIVATE_EVENTS)
        if got is None:
            continue
        public += 1
        assert type(got) is type(expected)
        assert got == expected
        assert encode(got) == encode(expected)
        assert decode(encode(got)) == got
    assert public >= 5


def test_the_reader_skips_decoding_private_entries_but_keeps_their_positions(busy_app):
    read = notification_reader(busy_app, to_integration_event)
    everything = busy_app.recorder.select_notifications(start=1, limit=100)
    entries = read(0, 100)
    assert [e.position for e in entries] == [n.id for n in everything]
    sealer = EnvelopeSealer(busy_app.keystore)
    for entry, notification in zip(entries, everything, strict=True):
        clear = to_integration_event(busy_app.mapper.to_domain_event(notification))
        # published sealed: the same event once its personal fields are opened
        assert (sealer.open(entry.envelope) if entry.envelope else None) == clear
        assert entry.value == (encode(entry.envelope) if entry.envelope else None)
        assert b"Narrate the positive" not in (entry.value or b"")
    assert any(e.envelope is None for e in entries) and any(e.envelope for e in entries)


# -- the relay's pipeline, against fakes -------------------------------------------------


class FakeBatch:
    def __init__(self, room: int) -> None:
        self.room = room
        self.records: list[tuple[bytes, bytes]] = []

    def append(self, *, key: bytes, value: bytes, timestamp: int | None,
               headers: list[tuple[str, bytes]]) -> object | None:
        assert dict(headers)["ce_id"], "every message carries its CloudEvents attributes"
        if len(self.records) >= self.room:
            return None
        self.records.append((key, value))
        return object()


class FakeProducer:
    """Records what reaches each partition, in order; acks resolve when the test says so."""

    def __init__(self, partitions: int = 6, batch_room: int = 3) -> None:
        self.partitions = set(range(partitions))
        self.batch_room = batch_room
        self.log: dict[int, list[tuple[bytes, bytes]]] = {p: [] for p in self.partitions}
        self.acks: list[asyncio.Future[None]] = []
        self.auto_ack = True

    async def partitions_for(self, topic: str) -> set[int]:
        return self.partitions

    def create_batch(self) -> FakeBatch:
        return FakeBatch(self.batch_room)

    def _ack(self) -> asyncio.Future[None]:
        ack = asyncio.get_running_loop().create_future()
        if self.auto_ack:
            ack.set_result(None)
        self.acks.append(ack)
        return ack

    async def send_batch(self, batch: FakeBatch, topic: str, *, partition: int) -> asyncio.Future[None]:
        self.log[partition].extend(batch.records)
        return self._ack()

    async def send(self, topic: str, *, value: bytes, key: bytes, partition: int,
                   headers: list[tuple[str, bytes]]) -> asyncio.Future[None]:
        self.log[partition].append((key, value))
        return self._ack()


class MemoryPositions(PositionStore):
    def __init__(self) -> None:
        self.position = 0
        self.history: list[int] = []

    async def get(self) -> int:
        return self.position

    async def set(self, position: int) -> None:
        self.position = max(self.position, position)
        self.history.append(position)


def envelope(ect_id: uuid.UUID, version: int) -> EventEnvelope[Any]:
    return EventEnvelope[v1.SessionHeld](
        event_id=event_id_for("test", ect_id, version), event_type="SessionHeld", event_version=1,
        occurred_at="2025-09-08T00:00:00Z", recorded_at="2025-09-08T10:00:00Z", source="test",
        aggregate_id=ect_id, aggregate_version=version, ect_id=ect_id,
        actor=Actor(id="m", role=Role.MENTOR), correlation_id=uuid.uuid4(),
        payload=v1.SessionHeld(session_id=uuid.uuid4(), mentor_id=None, held_on=date(2025, 9, 8),
                               minutes=60, observation_included=True))


class Log:
    """A notification log: every third entry private; reads counted."""

    def __init__(self, ects: int, per_ect: int) -> None:
        ect_ids = [uuid.UUID(int=i + 1) for i in range(ects)]
        self.entries: list[Outgoing] = []
        for version in range(1, per_ect + 1):
            for ect_id in ect_ids:
                position = len(self.entries) + 1
                private = position % 3 == 0
                self.entries.append(Outgoing(position, None if private else envelope(ect_id, version)))
        self.reads: list[int] = []

    def read(self, after: int, limit: int) -> Sequence[Outgoing]:
        self.reads.append(after)
        return [e for e in self.entries if e.position > after][:limit]


def relay_for(log: Log, producer: FakeProducer, positions: MemoryPositions, batch_size: int) -> Relay:
    return Relay(read_batch=log.read, producer=producer, topic="t",  # type: ignore[arg-type]
                 positions=positions, batch_size=batch_size)


def assert_published_in_order(log: Log, producer: FakeProducer, times: int = 1) -> None:
    partitioner = DefaultPartitioner()
    everything = sorted(producer.partitions)
    public = [e.envelope for e in log.entries if e.envelope is not None]
    for partition, records in producer.log.items():
        expected = [(e.key, encode(e)) for e in public
                    if partitioner(e.key, everything, everything) == partition]
        assert records == expected * times, f"partition {partition}"


async def test_pages_are_published_whole_in_log_order_per_partition():
    log, producer, positions = Log(ects=7, per_ect=9), FakeProducer(), MemoryPositions()
    relay = relay_for(log, producer, positions, batch_size=5)
    while await relay.pump_once():
        pass
    assert_published_in_order(log, producer)
    assert positions.position == len(log.entries)
    assert relay.published == sum(1 for e in log.entries if e.envelope)
    # every page but the first came from the read made while the previous one was acknowledged
    assert log.reads == sorted(set(log.reads))


async def test_the_partition_is_the_one_aiokafka_send_would_choose_for_the_key():
    """murmur2 of the key over all partitions, as DefaultPartitioner (and the Java client) does."""
    log, producer = Log(ects=50, per_ect=1), FakeProducer(partitions=6, batch_room=1000)
    await relay_for(log, producer, MemoryPositions(), batch_size=100).pump_once()
    # every public event went out (an empty log would pass the loop below), and over more than
    # one partition (one partition for all would say nothing about the choice)
    assert records_sent(producer) == public_in(log.entries) > 0
    assert sum(1 for records in producer.log.values() if records) > 1
    for partition, records in producer.log.items():
        for key, _ in records:
            assert (murmur2(key) & 0x7FFFFFFF) % 6 == partition


def records_sent(producer: FakeProducer) -> int:
    return sum(len(records) for records in producer.log.values())


def public_in(entries: list[Outgoing]) -> int:
    return sum(1 for e in entries if e.envelope is not None)


async def until(condition: Any) -> None:
    """Let the pump (and its reads in worker threads) run until ``condition()`` holds."""
    for _ in range(5000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the pump never got there")


async def test_the_position_moves_only_after_every_ack_of_the_page():
    log, producer, positions = Log(ects=3, per_ect=4), FakeProducer(), MemoryPositions()
    producer.auto_ack = False
    relay = relay_for(log, producer, positions, batch_size=6)
    pump = asyncio.ensure_future(relay.pump_once())
    await until(lambda: records_sent(producer) == public_in(log.entries[:6]))
    assert positions.history == []
    for ack in producer.acks[:-1]:
        ack.set_result(None)
    await until(lambda: relay._prefetch is not None and relay._prefetch[1].done())
    for _ in range(20):
        await asyncio.sleep(0)
    assert positions.history == [], "one ack still missing"
    producer.acks[-1].set_result(None)
    assert await pump == 6
    assert positions.history == [6]
    await relay.discard_prefetch()


async def test_a_failed_ack_records_nothing_and_the_next_pump_sends_the_page_again():
    log, producer, positions = Log(ects=3, per_ect=4), FakeProducer(), MemoryPositions()
    relay = relay_for(log, producer, positions, batch_size=6)
    producer.auto_ack = False
    pump = asyncio.ensure_future(relay.pump_once())
    await until(lambda: records_sent(producer) == public_in(log.entries[:6]))
    producer.acks[0].set_exception(ConnectionError("broker gone"))
    for ack in producer.acks[1:]:
        ack.set_result(None)
    with pytest.raises(ConnectionError):
        await pump
    assert positions.history == []
    producer.auto_ack = True
    while await relay.pump_once():
        pass
    first_page = {e.envelope.event_id for e in log.entries[:6] if e.envelope}
    sent = [decode(v).event_id for records in producer.log.values() for _, v in records]
    assert {i for i in sent if sent.count(i) == 2} == first_page, "the first page twice, the rest once"
    assert positions.position == len(log.entries)


async def test_a_page_read_ahead_is_dropped_when_the_position_moved_elsewhere():
    log, producer, positions = Log(ects=4, per_ect=5), FakeProducer(), MemoryPositions()
    relay = relay_for(log, producer, positions, batch_size=4)
    await relay.pump_once()
    await until(lambda: relay._prefetch is not None and relay._prefetch[1].done())
    assert log.reads == [0, 4], "the next page was read ahead"
    positions.position = 0  # a rewind (``rewind``) between two pumps
    while await relay.pump_once():
        pass
    assert log.reads[:3] == [0, 4, 0], "the page read ahead after 4 was not used"
    public = [e for e in log.entries if e.envelope]
    sent = [decode(v).event_id for records in producer.log.values() for _, v in records]
    assert sorted(sent) == sorted([e.envelope.event_id for e in public if e.position <= 4]  # type: ignore[union-attr]
                                  + [e.envelope.event_id for e in public])  # type: ignore[union-attr]


async def test_a_page_read_ahead_while_the_log_was_shorter_is_completed_by_later_pumps():
    log, producer, positions = Log(ects=2, per_ect=4), FakeProducer(), MemoryPositions()
    full = list(log.entries)
    log.entries = full[:5]
    relay = relay_for(log, producer, positions, batch_size=4)
    await relay.pump_once()  # reads 1-4, reads ahead while the log ends at 5
    await until(lambda: relay._prefetch is not None and relay._prefetch[1].done())
    log.entries = full  # more commits arrive
    while await relay.pump_once():
        pass
    assert_published_in_order(log, producer)
    assert positions.position == len(full)
