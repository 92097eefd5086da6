"""The auditor's history on real PostgreSQL: every event, in order, with who, when and why; auditors only."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from fastapi import FastAPI

from contracts import Role
from ect_platform import audit_trail
from ect_platform.database import create_pool
from ect_platform.identity import TokenIssuer
from ect_platform.keystore import MemoryKeystore
from ect_platform.problems import install_problem_handlers
from ect_platform.sealing import EnvelopeSealer
from scheduling.integration.outbound import to_integration_event
from tests.unit.scheduling_fixtures import Clock, ect_details, in_memory_app, provenance, session

pytestmark = pytest.mark.integration
ISSUER = TokenIssuer("audit-secret-of-at-least-thirty-two-bytes")


@pytest.fixture
async def trail(database_url):  # type: ignore[no-untyped-def]
    pool = await create_pool(database_url, "public")
    async with pool.acquire() as conn:
        await audit_trail.setup(conn)
    clock = Clock()
    app = in_memory_app(clock)
    register = provenance("appropriate_body", "ab-7")
    ect_id = app.register_ect(provenance=register, **ect_details(trn="3400001"))
    clock.today = date(2025, 9, 30)
    session(app, ect_id, date(2025, 9, 8), actor_id="lead-3")
    keystore = MemoryKeystore()
    seal = EnvelopeSealer(keystore).seal  # published sealed, as the relay seals
    envelopes = [seal(e) for e in (to_integration_event(app.mapper.to_domain_event(n))
                                   for n in app.recorder.select_notifications(start=1, limit=100)) if e]
    async with pool.acquire() as conn:
        for envelope in envelopes + envelopes:  # delivered twice: kept once
            await audit_trail.apply(conn, envelope)
    yield pool, ect_id, register.correlation_id, keystore
    await pool.close()


async def test_the_history_lists_each_event_once_in_order_with_actor_and_correlation(trail):
    pool, ect_id, correlation, _ = trail
    events = await audit_trail.history(pool, ect_id)
    assert [e["event_type"] for e in events] == ["EctRegistered", "SessionHeld"]
    assert (events[0]["actor_id"], events[0]["actor_role"]) == ("ab-7", "appropriate_body")
    assert events[0]["correlation_id"] == correlation
    assert events[1]["occurred_at"].date() == date(2025, 9, 8)
    assert events[1]["payload"]["minutes"] == 60
    # kept as published: the name and the TRN only in the sealed box
    assert events[0]["event_version"] == 2 and "name" not in events[0]["payload"]
    assert "Ada Lovelace" not in str(events) and "3400001" not in str(events)


async def test_the_auditor_reads_what_was_recorded_opened_until_the_person_is_erased(trail):
    pool, ect_id, _, keystore = trail
    sealer = EnvelopeSealer(keystore)
    registered = (await audit_trail.history(pool, ect_id, sealer=sealer))[0]
    assert (registered["payload"]["name"], registered["payload"]["trn"]) == ("Ada Lovelace", "3400001")
    keystore.erase(ect_id)
    erased = (await audit_trail.history(pool, ect_id, sealer=sealer))[0]
    assert (erased["payload"]["name"], erased["payload"]["date_of_birth"]) == ("(erased)", None)
    assert erased["payload"]["school_id"] == registered["payload"]["school_id"]


async def test_as_of_shows_only_what_was_recorded_by_then(trail):
    pool, ect_id, _, _ = trail
    first = (await audit_trail.history(pool, ect_id))[0]["recorded_at"]
    assert [e["event_type"] for e in await audit_trail.history(pool, ect_id, as_of=first)] == [
        "EctRegistered"]


async def test_only_an_auditor_may_read_the_trail_and_a_table_is_offered(trail):
    pool, ect_id, _, _ = trail
    api = FastAPI()
    api.state.token_issuer = ISSUER
    install_problem_handlers(api, {})
    api.include_router(audit_trail.router(pool))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://t") as client:
        lead = {"Authorization": f"Bearer {ISSUER.issue('lead-1', Role.HUB_LEAD)}"}
        assert (await client.get(f"/audit/ects/{ect_id}", headers=lead)).status_code == 403
        auditor = {"Authorization": f"Bearer {ISSUER.issue('audit-1', Role.AUDITOR)}"}
        answer = await client.get(f"/audit/ects/{ect_id}", headers=auditor)
        assert [e["event_type"] for e in answer.json()["events"]] == ["EctRegistered", "SessionHeld"]
        table = await client.get(f"/audit/ects/{ect_id}", params={"format": "table"}, headers=auditor)
        assert "SessionHeld" in table.text and "lead-3 (hub_lead)" in table.text
