"""The delivery worker: sends pending notifications, retries, and records every outcome.

1. **Claim** a batch with one atomic status change (``pending`` -> ``sending``, a lease and a
   claim token, ``FOR UPDATE SKIP LOCKED``): two workers never claim the same row. A worker
   that dies mid-send leaves a lease that expires; the row is then claimed again (the one
   case of a second send, which the Message-ID and the webhook's notification id header let
   a receiver recognise).
2. **Route** by the recipient's preferences: their channel, or suppressed when they opted
   out of non-statutory reminders; no contact details is a permanent failure, never a drop.
3. **Send**, then **record** in one transaction, guarded by the claim token: the status,
   the attempt, and for a final outcome the NotificationSent / NotificationFailed event in
   the outbox. A temporary failure is retried with exponential backoff up to a cap of
   attempts, after which it fails for good.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from contracts.notifications.v1 import Channel, FailureReason
from ect_platform.runtime import run_periodically
from notifications import recipients
from notifications.channels import EmailSender, Failed, Outbound, Result, Sent, WebhookSender
from notifications.clock import Clock
from notifications.integration import outbound, outbox
from notifications.personal_data import AddressesWithheld
from notifications.recipients import Recipient

log = logging.getLogger(__name__)
log.addFilter(AddressesWithheld())  # lines name a recipient by role and id, never by address

CLAIM = """
WITH due AS (
    SELECT id FROM notification
    WHERE (status = 'pending' AND next_attempt_at <= $1)
       OR (status = 'sending' AND claimed_until < $1)
    ORDER BY next_attempt_at, created_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE notification AS n
   SET status = 'sending', attempts = n.attempts + 1, claim_token = $4,
       claimed_until = $1 + make_interval(secs => $3)
  FROM due WHERE n.id = due.id
RETURNING n.*
"""

RECORD = """
UPDATE notification
   SET status = $3, channel = $4, delivered_at = $5, failure_reason = $6, last_error = $7,
       next_attempt_at = coalesce($8, next_attempt_at), claim_token = NULL, claimed_until = NULL
 WHERE id = $1 AND claim_token = $2 AND status = 'sending'
"""


def send_budget(lease_seconds: float) -> float:
    """How long the sends of a claimed batch may take: three quarters of the lease, counted
    from the claim, leaving the last quarter to record the outcomes. A send cut off there is
    a temporary failure recorded by this worker, never a row whose lease ran out mid-send and
    which another worker sends a second time."""
    return lease_seconds * 0.75


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_seconds: float = 30.0
    max_seconds: float = 3600.0

    def backoff(self, attempts: int) -> timedelta:
        """Wait before attempt ``attempts + 1``: base, 2x base, 4x base ... capped."""
        return timedelta(seconds=min(self.base_seconds * 2 ** (attempts - 1), self.max_seconds))


@dataclass(frozen=True)
class Route:
    channel: Channel | None  # None: nothing to try
    address: str | None = None
    name: str | None = None
    suppressed: bool = False


def route(row: dict[str, Any], recipient: Recipient | None, unregistered_email_domain: str | None) -> Route:
    if recipient is None:
        if unregistered_email_domain:  # development: every recipient gets mail at the catcher
            return Route(Channel.EMAIL, f"{row['recipient_id']}@{unregistered_email_domain}")
        return Route(None)
    if recipient.opted_out_of_reminders and not row["statutory"]:
        return Route(recipient.channel, suppressed=True)
    address = recipient.webhook_url if recipient.channel is Channel.WEBHOOK else recipient.email
    return Route(recipient.channel if address else None, address, recipient.name)


def _outbound(row: dict[str, Any]) -> Outbound:
    return Outbound(notification_id=row["id"], rule=row["rule"], recipient_role=row["recipient_role"],
                    recipient_id=row["recipient_id"], ect_id=row["ect_id"], subject=row["subject"],
                    body=row["body"], statutory=row["statutory"], due_on=row["due_on"])


class Delivery:
    def __init__(self, pool: asyncpg.Pool, *, email: EmailSender, webhook: WebhookSender, clock: Clock,
                 retry: RetryPolicy | None = None, lease_seconds: float = 120.0, batch_size: int = 20,
                 poll_seconds: float = 1.0, unregistered_email_domain: str | None = None,
                 on_outcome: Callable[[], None] = lambda: None) -> None:
        self._pool = pool
        self._email = email
        self._webhook = webhook
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._lease = lease_seconds
        self._batch = batch_size
        self._poll = poll_seconds
        self._domain = unregistered_email_domain
        self._on_outcome = on_outcome
        self._wake = asyncio.Event()
        self.sent = self.failed = self.retried = self.suppressed = 0

    def nudge(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many notifications it handled."""
        token = uuid4()
        loop = asyncio.get_running_loop()
        claimed_at = loop.time()
        rows = [dict(row) for row in await self._pool.fetch(
            CLAIM, self._clock.now(), self._batch, self._lease, token)]
        if not rows:
            return 0
        send_by = claimed_at + send_budget(self._lease)
        contacts = await recipients.get_many(self._pool, sorted({row["recipient_id"] for row in rows}))
        # Concurrent and independent: each row is recorded as soon as its own send ends.
        await asyncio.gather(*(self._deliver(row, contacts.get(row["recipient_id"]), token, send_by)
                               for row in rows))
        self._on_outcome()
        return len(rows)

    async def _deliver(self, row: dict[str, Any], recipient: Recipient | None, token: UUID,
                       send_by: float) -> None:
        where = route(row, recipient, self._domain)
        if where.suppressed:
            await self._record(row, token, "suppressed", where.channel, "opted out of reminders",
                               recipient=recipient)
            return
        if where.channel is None or where.address is None:
            await self._fail(row, token, None, FailureReason.NO_CONTACT_DETAILS,
                             Failed(True, "no contact details for this recipient and channel"),
                             recipient)
            return
        result = await self._send(row, where, send_by)
        if isinstance(result, Sent):
            await self._record(row, token, "sent", where.channel, recipient=recipient)
        elif result.permanent:
            await self._fail(row, token, where.channel, FailureReason.REJECTED, result, recipient)
        elif row["attempts"] >= self._retry.max_attempts:
            await self._fail(row, token, where.channel, FailureReason.RETRIES_EXHAUSTED, result,
                             recipient)
        else:
            retry_at = self._clock.now() + self._retry.backoff(row["attempts"])
            await self._record(row, token, "pending", where.channel, result.detail,
                               internal=result.internal, retry_at=retry_at, recipient=recipient)

    async def _send(self, row: dict[str, Any], where: Route, send_by: float) -> Result:
        message = _outbound(row)
        assert where.address is not None
        try:
            # The channels bound their own time; this is the backstop that keeps every send,
            # whatever its channel, inside the lease.
            async with asyncio.timeout_at(send_by):
                if where.channel is Channel.WEBHOOK:
                    return await self._webhook.send(message, where.address)
                return await self._email.send(message, where.address, where.name)
        except TimeoutError:
            log.warning("sending %s to %s %s was cut off to end within its lease", row["id"],
                        row["recipient_role"], row["recipient_id"])
            return Failed(False, "no answer before the send was cut off", "cut off within the lease")
        except Exception as exc:  # a bug in a channel must not lose the notification: retried
            log.exception("channel %s raised while sending %s to %s %s", where.channel, row["id"],
                          row["recipient_role"], row["recipient_id"])
            return Failed(False, f"internal error ({type(exc).__name__})", repr(exc))

    async def _fail(self, row: dict[str, Any], token: UUID, channel: Channel | None,
                    reason: FailureReason, failure: Failed, recipient: Recipient | None) -> None:
        await self._record(row, token, "failed", channel, failure.detail, internal=failure.internal,
                           reason=reason, recipient=recipient)

    async def _record(self, row: dict[str, Any], token: UUID, status: str, channel: Channel | None,
                      detail: str | None = None, *, internal: str = "", reason: FailureReason | None = None,
                      retry_at: Any = None, recipient: Recipient | None = None) -> None:
        now = self._clock.now()
        async with self._pool.acquire() as conn, conn.transaction():
            if recipient is not None and not await recipients.still_held(conn, recipient):
                # erased while this was being sent: what the server said of them goes unrecorded
                detail = recipients.unquoted(detail, recipient) if detail else detail
                internal = recipients.unquoted(internal, recipient)
            updated = await conn.execute(
                RECORD, row["id"], token, status, channel.value if channel else None,
                now if status == "sent" else None, detail if status == "failed" else None,
                detail, retry_at)
            if updated != "UPDATE 1":
                # Our lease ran out and another worker claimed the row: its record wins.
                log.warning("notification %s was claimed again before its outcome was recorded", row["id"])
                return
            await conn.execute(
                "INSERT INTO delivery_attempt (notification_id, attempt, channel, outcome, detail, at) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                row["id"], row["attempts"], channel.value if channel else None,
                "retry" if status == "pending" else status, internal or detail, now)
            if status == "sent":
                assert channel is not None
                await outbox.append(conn, outbound.notification_sent(
                    row, channel=channel, attempts=row["attempts"], at=now, recorded_at=now))
            elif status == "failed":
                assert reason is not None and detail is not None
                await outbox.append(conn, outbound.notification_failed(
                    row, channel=channel, attempts=row["attempts"] if channel else 0, reason=reason,
                    detail=detail,
                    at=now, recorded_at=now))
        self.sent += status == "sent"
        self.failed += status == "failed"
        self.retried += status == "pending"
        self.suppressed += status == "suppressed"

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until stopped, with up to ``batch_size`` sends in flight at any moment.

        A slot is refilled as soon as its send is recorded, not when the whole batch is: one
        receiver that takes its full deadline holds one slot, never the notifications claimed
        with it or after it. Stopping waits for the sends in flight to be recorded (each ends
        within its lease), so none is left to be claimed and sent again."""
        in_flight: set[asyncio.Task[None]] = set()

        def failed(exc: Exception, backoff: float) -> None:
            log.warning("delivery pass failed, retrying in %.0fs: %s", backoff, exc)

        async def step() -> None:
            # Either nothing more is due yet (claimed < free) or every slot is busy: a nudge,
            # a finished send or the poll interval starts the next claim.
            free = self._batch - len(in_flight)
            if free > 0:
                await self._start(free, in_flight)

        try:
            await run_periodically(step, stop=stop, wake=self._wake, every=self._poll,
                                   first_backoff=1.0, max_backoff=30.0,
                                   retry_on=(OSError, asyncpg.PostgresError), on_failure=failed)
        finally:
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)

    async def _start(self, free: int, in_flight: set[asyncio.Task[None]]) -> int:
        """Claim up to ``free`` due notifications and start sending each; how many were claimed."""
        token = uuid4()
        claimed_at = asyncio.get_running_loop().time()
        rows = [dict(row) for row in await self._pool.fetch(
            CLAIM, self._clock.now(), free, self._lease, token)]
        if not rows:
            return 0
        send_by = claimed_at + send_budget(self._lease)
        contacts = await recipients.get_many(self._pool, sorted({row["recipient_id"] for row in rows}))
        for row in rows:
            task = asyncio.create_task(self._deliver(row, contacts.get(row["recipient_id"]), token, send_by))
            in_flight.add(task)
            task.add_done_callback(self._finished(in_flight))
        return len(rows)

    def _finished(self, in_flight: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
        def done(task: asyncio.Task[None]) -> None:
            in_flight.discard(task)
            if not task.cancelled() and task.exception() is not None:
                # its row keeps its lease and is claimed again once that runs out: late, not lost
                log.error("recording a delivery failed: %r", task.exception())
            self._on_outcome()
            self._wake.set()  # a free slot: claim again
        return done
