"""Webhooks are outbound calls, bounded and guarded, against real local HTTP servers (no mock of
httpx): a receiver that trickles its answer is cut off at the send's deadline, a huge error body is
read only up to a small cap, one slow receiver holds no other notification and is not sent twice
when its lease would have run out, and a name that resolves to loopback is refused at send time.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest

from notifications.adapters import webhook
from notifications.adapters.webhook import WebhookChannel, WebhookGuard, networks
from notifications.channels import Failed, Outbound, Sent
from notifications.clock import FixedClock
from tests.integration import test_notifications_delivery as delivery_tests
from tests.integration.test_notifications_delivery import NOW, make_settings, record, register, rows, service
from tests.support import eventually
from tests.unit.test_notification_rules import MENTOR_ID, mentor_assigned

pytestmark = pytest.mark.integration

# "localhost" may resolve to ::1 as well as 127.0.0.1; every address must pass
LOCAL = WebhookGuard(require_https=False, allowed_networks=networks(["127.0.0.0/8", "::1/128"]))
MESSAGE = Outbound(uuid.uuid4(), "mentor_assigned", "mentor", "mentor-1", None, "Subject", "Body",
                   False, None)
MiB = 2**20

# the delivery tests' receiver, as a fixture of this module too (smtp: tests/integration/conftest.py)
receiver = delivery_tests.receiver


# -- receivers that misbehave, over plain TCP so nothing but the bytes is under test -------------


@dataclass
class RawReceiver:
    url: str = ""
    requests: int = 0
    bytes_written: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


Answer = Callable[[asyncio.StreamWriter, RawReceiver], Awaitable[None]]


@asynccontextmanager
async def raw_receiver(answer: Answer) -> AsyncIterator[RawReceiver]:
    state = RawReceiver()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        state.tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            await reader.readexactly(length)
            state.requests += 1
            await answer(writer, state)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client hung up: what a bounded client does
        except asyncio.CancelledError:
            pass  # torn down below; Python 3.11's server callback would log a cancelled handler
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/ect-hook"
    try:
        yield state
    finally:
        server.close()
        for task in state.tasks:  # a receiver still trickling to a client that gave up
            task.cancel()
        await asyncio.gather(*state.tasks, return_exceptions=True)
        await server.wait_closed()


async def trickled_headers(writer: asyncio.StreamWriter, state: RawReceiver) -> None:
    """A byte of the status line every 0.2 s for 30 s: no per-phase timeout ever fires."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n" + b"X-Slow: " + b"s" * 150:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.2)


async def trickled_error_body(writer: asyncio.StreamWriter, state: RawReceiver) -> None:
    """A 503 at once, then its body a byte every 0.2 s."""
    writer.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 150\r\n\r\n")
    for _ in range(150):
        writer.write(b"e")
        await writer.drain()
        await asyncio.sleep(0.2)


async def huge_error_body(writer: asyncio.StreamWriter, state: RawReceiver) -> None:
    """A 500 with a 60 MB body, as fast as the client takes it."""
    size = 60 * 1000 * 1000
    writer.write(f"HTTP/1.1 500 Internal Server Error\r\nContent-Length: {size}\r\n\r\n".encode())
    chunk = b"e" * 65536
    while state.bytes_written < size:
        writer.write(chunk)
        await writer.drain()
        state.bytes_written += len(chunk)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    client = webhook.client()
    yield client
    await client.aclose()


# -- one send ------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [trickled_headers, trickled_error_body], ids=["headers", "error body"])
async def test_a_receiver_that_trickles_its_answer_is_cut_off_at_the_deadline_of_the_whole_send(
        http: httpx.AsyncClient, answer: Answer):
    async with raw_receiver(answer) as slow:
        channel = WebhookChannel(http, "secret", guard=LOCAL, deadline_seconds=1.0)
        started = time.monotonic()
        result = await channel.send(MESSAGE, slow.url)
        took = time.monotonic() - started
    assert isinstance(result, Failed) and not result.permanent  # retried later
    assert result.detail == "webhook gave no answer within 1s"
    assert took < 1.5, f"a 1 s deadline took {took:.1f} s"


async def test_a_huge_error_body_is_read_only_up_to_a_small_cap(http: httpx.AsyncClient):
    async with raw_receiver(huge_error_body) as huge:
        channel = WebhookChannel(http, "secret", guard=LOCAL, deadline_seconds=5.0,
                                 max_response_bytes=16 * 1024)
        tracemalloc.start()
        try:
            started = time.monotonic()
            result = await channel.send(MESSAGE, huge.url)
            took = time.monotonic() - started
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert isinstance(result, Failed) and not result.permanent and result.detail == "HTTP 500"
    assert result.internal == "HTTP 500: " + "e" * 500
    assert peak < 4 * MiB, f"reading the answer cost {peak / MiB:.0f} MiB"
    assert took < 1.0
    assert huge.bytes_written < 20 * MiB  # the client hung up; the kernel's buffers took the rest


async def test_a_name_that_resolves_to_loopback_is_refused_when_the_webhook_is_sent(
        http: httpx.AsyncClient, receiver):  # type: ignore[no-untyped-def]
    # "localhost" passes every check by name; its address does not, unless loopback is allowed
    by_name = receiver.url.replace("127.0.0.1", "localhost")
    refused = await WebhookChannel(http, "secret", guard=WebhookGuard(require_https=False)).send(
        MESSAGE, by_name)
    assert isinstance(refused, Failed) and refused.permanent
    assert "loopback address (127.0.0.1)" in refused.internal
    assert receiver.received == []
    assert await WebhookChannel(http, "secret", guard=LOCAL).send(MESSAGE, by_name) == Sent()
    ((headers, _),) = receiver.received
    assert headers["host"] == by_name.split("/")[2]  # the Host header names the registered host


async def test_each_webhook_is_sent_on_a_connection_of_its_own(http: httpx.AsyncClient):
    # Requests go to an address: a kept-alive connection, verified by TLS for one host, would
    # otherwise carry the next request for any other host on that address.
    connections = 0

    async def keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                await reader.readexactly(length)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(keep_alive, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/ect-hook"
    try:
        channel = WebhookChannel(http, "secret", guard=LOCAL)
        assert [await channel.send(MESSAGE, url) for _ in range(3)] == [Sent()] * 3
    finally:
        server.close()
        await server.wait_closed()
    assert connections == 3


# -- the delivery worker ------------------------------------------------------------------------


async def test_one_slow_receiver_holds_no_other_notification_and_is_not_sent_twice_past_its_lease(
        stack, database_url, topic_prefix, smtp, receiver):  # type: ignore[no-untyped-def]
    clock = FixedClock(NOW)
    lease = 3.0
    settings = make_settings(stack, database_url, topic_prefix, smtp[1], delivery_lease_seconds=lease,
                             webhook_timeout_seconds=2.0)
    async with service(settings, clock) as svc, raw_receiver(trickled_headers) as slow:
        other = uuid.uuid4()
        await record(svc, mentor_assigned(), mentor_assigned(mentor_id=other))
        await register(svc, str(MENTOR_ID), webhook_url=slow.url)
        await register(svc, str(other), webhook_url=receiver.url)

        first = asyncio.create_task(svc.delivery.run_once())
        started = time.monotonic()
        await eventually(lambda: receiver.received, within=1.0, interval=0.02)
        fast_after = time.monotonic() - started

        async def status_of(recipient: str) -> str:
            return str(next(r["status"] for r in await rows(svc.pool) if r["recipient_id"] == recipient))

        async def fast_one_sent() -> bool:
            return await status_of(str(other)) == "sent"

        await eventually(fast_one_sent, within=1.0, interval=0.02)
        assert time.monotonic() - started < 1.0, "the fast receiver's outcome waited for the slow one"

        # Past the lease (on the database's clock and the worker's), a second pass claims again
        # whatever is still 'sending': nothing, since the slow send was cut off inside the lease.
        await asyncio.sleep(lease + 0.2 - (time.monotonic() - started))
        clock.advance(timedelta(seconds=lease + 0.2))
        assert await svc.delivery.run_once() == 0
        assert await asyncio.wait_for(first, 1.0) == 2
        assert slow.requests == 1, "the slow receiver was sent the notification twice"
        assert len(receiver.received) == 1
        assert fast_after < 1.0
        assert await status_of(str(MENTOR_ID)) == "pending"  # a temporary failure, retried later


async def test_the_running_worker_sends_what_comes_due_while_one_slow_receiver_holds_its_slot(
        stack, database_url, topic_prefix, smtp, receiver):  # type: ignore[no-untyped-def]
    # run_once above holds its batch until the slowest send ends; the worker's loop must not:
    # a notification recorded after the slow one was claimed goes out while it still waits.
    clock = FixedClock(NOW)
    settings = make_settings(stack, database_url, topic_prefix, smtp[1], delivery_lease_seconds=20.0,
                             webhook_timeout_seconds=6.0)
    async with service(settings, clock) as svc, raw_receiver(trickled_headers) as slow:
        later = uuid.uuid4()
        await register(svc, str(MENTOR_ID), webhook_url=slow.url)
        await register(svc, str(later), webhook_url=receiver.url)
        await record(svc, mentor_assigned())
        stop = asyncio.Event()
        worker = asyncio.create_task(svc.delivery.run(stop))
        try:
            await eventually(lambda: slow.requests == 1, within=5.0, interval=0.02)
            started = time.monotonic()
            await record(svc, mentor_assigned(mentor_id=later))
            svc.delivery.nudge()  # as the consumer does when it records a notification
            await eventually(lambda: receiver.received, within=3.0, interval=0.02)
            waited = time.monotonic() - started
            statuses = {r["recipient_id"]: r["status"] for r in await rows(svc.pool)}
        finally:
            stop.set()
            await asyncio.wait_for(worker, 10.0)  # stopping waits for the slow send to be recorded
        assert waited < 3.0, f"the new notification waited {waited:.1f} s for the slow receiver"
        assert statuses[str(MENTOR_ID)] == "sending"  # still in flight when the other went out
        final = {r["recipient_id"]: r["status"] for r in await rows(svc.pool)}
        assert final == {str(MENTOR_ID): "pending", str(later): "sent"}  # cut off, retried later
        assert slow.requests == 1


async def test_any_send_still_running_at_three_quarters_of_the_lease_is_cut_off_and_retried_later(
        stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    # An SMTP server that accepts and never greets: the SMTP timeout (30 s) is per operation and
    # would outlive the lease; the worker's own cut-off does not.
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    clock = FixedClock(NOW)
    settings = make_settings(stack, database_url, topic_prefix, server.sockets[0].getsockname()[1],
                             delivery_lease_seconds=2.0, webhook_timeout_seconds=1.0,
                             smtp_timeout_seconds=30.0)
    try:
        async with service(settings, clock) as svc:
            await record(svc, mentor_assigned())
            await register(svc, str(MENTOR_ID), email="grace@school.example")
            started = time.monotonic()
            assert await svc.delivery.run_once() == 1
            took = time.monotonic() - started
            (row,) = await rows(svc.pool)
            detail = await svc.pool.fetchval("SELECT last_error FROM notification")
    finally:
        server.close()
        await server.wait_closed()
    assert 1.4 < took < 2.0, f"a send with a 2 s lease took {took:.1f} s"
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert detail == "no answer before the send was cut off"
