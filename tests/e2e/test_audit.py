"""The auditor's tools against the running platform: the history of an ECT and a verified log."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import pytest

from contracts import Role
from tests.e2e.test_spine import ISSUER, LEAD, TODAY, TUTOR, entitlement, register_ect
from tests.support import eventually

pytestmark = pytest.mark.e2e
AUDITOR = {"Authorization": f"Bearer {ISSUER.issue('audit-1', Role.AUDITOR)}"}


async def test_an_auditor_sees_every_services_events_in_order_with_who_and_why(platform, http):
    ect_id = await register_ect(http, platform)
    correlation = str(uuid.uuid4())
    await http.post(platform.url("scheduling") + f"/ects/{ect_id}/sessions",
                    headers={**LEAD, "X-Correlation-Id": correlation},
                    json={"held_on": TODAY, "minutes": 45})
    await eventually(lambda: entitlement(http, platform, ect_id))
    await http.post(platform.url("reporting") + f"/ects/{ect_id}/term-reports", headers=TUTOR, json={
        "kind": "progress_review", "term_number": 1, "on_track": True, "evidence_summary": "ok",
        "targets": "questioning", "submitted_on": TODAY})
    url = platform.url("reporting") + f"/audit/ects/{ect_id}"

    async def trail() -> list:  # type: ignore[type-arg]
        events = (await http.get(url, headers=AUDITOR)).json()["events"]
        return events if {"SessionHeld", "TermReportSubmitted"} <= {e["event_type"] for e in events} else []

    events = await eventually(trail)
    assert events[0]["event_type"] == "EctRegistered"
    assert {e["source"] for e in events} >= {"scheduling", "reporting"}
    session = next(e for e in events if e["event_type"] == "SessionHeld")
    assert (session["actor_id"], session["actor_role"], session["correlation_id"]) == (
        "lead-1", "hub_lead", correlation)
    assert (await http.get(url, headers=LEAD)).status_code == 403


async def test_ect_audit_verify_finds_every_chained_log_intact(platform, http):
    await register_ect(http, platform)
    ect = Path(sys.executable).with_name("ect")

    async def verified() -> str:
        process = await asyncio.create_subprocess_exec(
            str(ect), "audit", "verify", stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env={**os.environ, "DATABASE_URL": platform.database_url,
                 "KAFKA_BOOTSTRAP_SERVERS": platform.bootstrap_servers,
                 "ECT_STATE_DIR": "/nonexistent",
                 "CHAIN_CHECKPOINT_DIR": platform.env["CHAIN_CHECKPOINT_DIR"]})
        out, _ = await process.communicate()
        text = out.decode()
        assert process.returncode == 0, text
        # the relay's part checkpoints the head of its logs outside PostgreSQL every second here
        scheduling = next(line for line in text.splitlines()
                          if line.startswith("scheduling.scheduling_events"))
        return text if "checkpoint(s)" in scheduling else ""

    text = await eventually(verified)
    for log in ("scheduling.scheduling_events", "reporting.reporting_events",
                "reporting.audit_trail", "notifications.outbox"):
        assert f"{log}: intact" in text, text


async def test_ect_audit_history_prints_the_same_trail_as_a_table(platform, http):
    ect_id = await register_ect(http, platform)
    ect = Path(sys.executable).with_name("ect")

    async def printed() -> str:
        process = await asyncio.create_subprocess_exec(
            str(ect), "audit", "history", ect_id, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env={**os.environ, "DATABASE_URL": platform.database_url,
                 "KAFKA_BOOTSTRAP_SERVERS": platform.bootstrap_servers, "ECT_STATE_DIR": "/nonexistent"})
        out, _ = await process.communicate()
        return out.decode() if "EctRegistered" in out.decode() else ""

    text = await eventually(printed)
    assert "ab-1 (appropriate_body)" in text


async def test_the_services_run_as_a_role_that_owns_no_chained_table(platform, http):
    import asyncpg

    await register_ect(http, platform)
    conn = await asyncpg.connect(platform.database_url)
    try:
        users = {r[0] for r in await conn.fetch(
            "SELECT usename FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")}
        assert users == {"ect_service"}, users  # every service connection, none as the owner
        owners = {r["tablename"]: r["tableowner"] for r in await conn.fetch(
            "SELECT tablename, tableowner FROM pg_tables WHERE (schemaname, tablename) IN "
            "(('scheduling', 'scheduling_events'), ('reporting', 'reporting_events'), "
            "('reporting', 'audit_trail'), ('notifications', 'outbox'))")}
        assert len(owners) == 4 and "ect_service" not in owners.values(), owners
    finally:
        await conn.close()
