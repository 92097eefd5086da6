"""Erasing a recipient on real PostgreSQL, SMTP on loopback: their address and name are gone
from every table of the notifications schema (the delivery attempts stay, with their time and
outcome), and no line the delivery worker logs ever carried the address."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from contracts import Role
from ect_platform.identity import TokenIssuer
from notifications import recipients
from notifications.clock import FixedClock
from notifications.entrypoints.api import create_api
from notifications.recipients import ERASED
from tests.integration.test_notifications_delivery import (
    NOW,
    attempts_of,
    make_settings,
    record,
    register,
    rows,
    service,
)
from tests.unit.test_notification_rules import MENTOR_ID, mentor_assigned

pytestmark = pytest.mark.integration


async def every_row_as_text(pool: asyncpg.Pool) -> str:
    """SELECT every row of every table in the service's schema, each row as text."""
    tables = await pool.fetch(
        "SELECT quote_ident(table_name) AS name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    assert {"recipient", "notification", "delivery_attempt"} <= {t["name"] for t in tables}
    dumped = []
    for table in tables:
        dumped += [row[0] for row in await pool.fetch(
            f"SELECT t::text FROM {table['name']} AS t")]
    return "\n".join(dumped)



@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def address() -> str:
    return f"ada-{uuid.uuid4().hex[:12]}@school.example"


async def test_erasing_a_recipient_scrubs_their_address_from_delivery_records_and_logs(
        stack, database_url, topic_prefix, smtp, clock, address, caplog):
    catcher, port = smtp
    name = f"Ada Lovelace-{uuid.uuid4().hex[:6]}"
    catcher.script[address] = ["451 4.2.1 <" + address + "> mailbox busy"]  # a refusal quoting it
    issuer = TokenIssuer("erasure-secret-of-at-least-32-bytes-long")
    caplog.set_level(logging.DEBUG, logger="notifications")
    async with service(make_settings(stack, database_url, topic_prefix, port), clock) as svc:
        await record(svc, mentor_assigned())
        await register(svc, str(MENTOR_ID), email=address, name=name)
        assert await svc.delivery.run_once() == 1  # refused for now: retried later
        clock.advance(timedelta(minutes=5))
        assert await svc.delivery.run_once() == 1  # accepted
        (row,) = await rows(svc.pool)
        assert row["status"] == "sent"
        assert address in await every_row_as_text(svc.pool)  # quoted, before the erasure

        app = create_api(svc.pool, issuer)
        headers = {"Authorization": f"Bearer {issuer.issue('lead-1', Role.HUB_LEAD)}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t",
                                     headers=headers) as lead:
            erased = await lead.delete(f"/recipients/{MENTOR_ID}")
            assert erased.status_code == 204, erased.text

        everything = await every_row_as_text(svc.pool)
        assert address not in everything
        assert name not in everything
        assert await attempts_of(svc.pool, row["id"]) == [(1, "retry"), (2, "sent")]  # kept
        details = [r["detail"] for r in await svc.pool.fetch(
            "SELECT detail FROM delivery_attempt WHERE notification_id = $1 ORDER BY attempt",
            row["id"])]
        assert ERASED in details[0]
        times: Any = await svc.pool.fetch("SELECT at FROM delivery_attempt WHERE notification_id = $1",
                                          row["id"])
        assert all(t["at"] is not None for t in times)

    delivery_lines = [r for r in caplog.records if r.name == "notifications.delivery"
                      or r.name.startswith("notifications.adapters.email")]
    assert all(address not in r.getMessage() for r in delivery_lines)


async def test_erasing_a_recipient_leaves_other_recipients_records_as_they_were(
        stack, database_url, topic_prefix, smtp, clock, address):
    catcher, port = smtp
    catcher.script[address] = ["550 5.1.1 <" + address + "> no such user"]
    async with service(make_settings(stack, database_url, topic_prefix, port), clock) as svc:
        await record(svc, mentor_assigned())
        await register(svc, str(MENTOR_ID), email=address)
        assert await svc.delivery.run_once() == 1
        before = await svc.pool.fetch("SELECT detail FROM delivery_attempt")
        app = create_api(svc.pool, TokenIssuer("erasure-secret-of-at-least-32-bytes-long"))
        token = TokenIssuer("erasure-secret-of-at-least-32-bytes-long").issue("lead-1", Role.HUB_LEAD)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t",
                                     headers={"Authorization": f"Bearer {token}"}) as lead:
            assert (await lead.delete("/recipients/someone-else")).status_code == 404
        assert await svc.pool.fetch("SELECT detail FROM delivery_attempt") == before
        assert address in await every_row_as_text(svc.pool)  # nothing was erased


async def test_a_recipient_erased_while_their_notification_is_being_sent_is_not_quoted_after(
        stack, database_url, topic_prefix, smtp, clock, address):
    catcher, port = smtp
    async with service(make_settings(stack, database_url, topic_prefix, port), clock) as svc:
        erased_mid_send: list[bool] = []

        async def refuse_and_erase(server: Any, session: Any, envelope: Any, rcpt: str,
                                   options: list[str]) -> str:
            # the erasure commits while the SMTP server is still answering the worker
            erased_mid_send.append(await recipients.delete(svc.pool, str(MENTOR_ID)))
            return f"451 4.2.1 <{rcpt}> mailbox busy"

        catcher.handle_RCPT = refuse_and_erase  # type: ignore[method-assign]
        await record(svc, mentor_assigned())
        await register(svc, str(MENTOR_ID), email=address)
        assert await svc.delivery.run_once() == 1
        assert erased_mid_send == [True]
        (row,) = await rows(svc.pool)
        assert await attempts_of(svc.pool, row["id"]) == [(1, "retry")]
        assert address not in await every_row_as_text(svc.pool)
        assert ERASED in await svc.pool.fetchval("SELECT detail FROM delivery_attempt")
