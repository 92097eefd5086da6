"""Crypto-shredding on reporting, on real PostgreSQL and its key store: what reporting keeps
(the facts, the audit trail) holds the person's data only sealed; once their key is destroyed
and PersonalDataErased arrives their rows read "(erased)" with every count, status and date as
it was, a rebuild gives the same rows, and the subject access export shows what is left."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import pytest

from contracts import decode
from contracts.scheduling.privacy import ErasedSubject
from contracts.sealed import ERASED
from ect_platform.keystore import PostgresKeystore
from tests.integration.test_reporting_harness import LEAD_P, Hub, open_hub
from tests.integration.test_reporting_scenarios import START

pytestmark = pytest.mark.integration

SAR = "/privacy/subject-access"
ERASED_TABLES = ("entitlement", "ab_submissions", "ab_outcomes", "ab_periods")
BORN = date(1998, 3, 17)


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    # reporting's own records in its PostgreSQL event store, its keys in the PostgreSQL key store
    hub = await open_hub(database_url, START, event_store_on_postgres=True)
    assert isinstance(hub.keystore, PostgresKeystore)
    yield hub
    hub.reporting.close()
    hub.keystore.close()
    await hub.pool.close()


def unique_trn() -> str:
    return str(2_000_000 + uuid.uuid4().int % 7_000_000)


async def ect_with_a_record(hub: Hub, trn: str, name: str, evidence: str) -> uuid.UUID:
    """A registered ECT with a mentor, two sessions and a submitted progress review."""
    ect = hub.register(trn=trn, name=name, date_of_birth=BORN)
    mentor = hub.mentor(trn=unique_trn(), name=f"Mentor {uuid.uuid4().hex[:8]}")
    hub.assign(ect, mentor, START)
    hub.on(date(2025, 9, 20))
    hub.sessions(ect, [date(2025, 9, 8), date(2025, 9, 15)])
    await hub.review(ect, 1, date(2025, 9, 19), evidence_summary=evidence)
    await hub.deliver()
    return ect


async def stored_text(hub: Hub, table: str) -> str:
    async with hub.pool.acquire() as conn:
        return "\n".join(await conn.fetchval(f"SELECT array_agg(envelope::text) FROM {table}"))


async def rows_of(hub: Hub, ect: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
    async with hub.pool.acquire() as conn:
        return {table: [dict(r) for r in await conn.fetch(
            f"SELECT * FROM {table} WHERE ect_id = $1 ORDER BY 2, 3", ect)]
            for table in ERASED_TABLES}


def as_erased(row: dict[str, Any]) -> dict[str, Any]:
    """The row as it must read once its person is erased: only the personal columns change."""
    personal = {"name": ERASED, "trn": ERASED} | ({"date_of_birth": None} if "date_of_birth" in row else {})
    return row | {k: v for k, v in personal.items() if k in row}


async def test_the_facts_and_the_audit_trail_hold_no_personal_data_in_clear(hub: Hub):
    trn, name = unique_trn(), f"Ada Sealed{uuid.uuid4().hex[:8]}"
    evidence = f"Evidence written only here {uuid.uuid4().hex}"
    ect = await ect_with_a_record(hub, trn, name, evidence)

    row = await hub.entitlement(ect)
    assert (row["name"], row["trn"], row["sessions_held"], row["reports_submitted"]) == (name, trn, 2, 1)
    for table in ("facts", "audit_trail"):
        text = await stored_text(hub, table)
        assert "TermReportSubmitted" in text and "EctRegistered" in text, table
        assert name not in text, table
        assert re.search(rf"(?<![0-9A-Za-z]){trn}(?![0-9A-Za-z])", text) is None, table
        assert BORN.isoformat() not in text, table
        assert evidence not in text, table


async def test_an_erased_ect_reads_erased_with_every_count_kept_and_a_rebuild_agrees(hub: Hub):
    trn, name = unique_trn(), f"Ada Erased{uuid.uuid4().hex[:8]}"
    ect = await ect_with_a_record(hub, trn, name, "What the tutor saw")
    before = await rows_of(hub, ect)
    assert all(before[table] for table in ("entitlement", "ab_submissions", "ab_periods"))
    assert before["ab_periods"][0]["date_of_birth"] == BORN
    figures = {k: (await hub.entitlement(ect))[k]
               for k in ("sessions_held", "terms_served", "reports_submitted", "status")}

    hub.erase(ect)
    await hub.deliver()

    after = await rows_of(hub, ect)
    assert after == {table: [as_erased(r) for r in rows] for table, rows in before.items()}
    row = await hub.entitlement(ect)
    assert (row["name"], row["trn"]) == (ERASED, ERASED)
    assert {k: row[k] for k in figures} == figures
    await hub.assert_rebuild_equals_live()


async def test_an_event_published_after_the_erasure_is_counted_its_personal_fields_erased(hub: Hub):
    ect = await ect_with_a_record(hub, unique_trn(), f"Ada Later{uuid.uuid4().hex[:8]}", "Before")
    hub.erase(ect)
    await hub.deliver()
    hub.scheduling.record_session(ect, request_id="after", held_on=date(2025, 9, 19), minutes=60,
                                  observation_included=True, action_step="Written after the erasure",
                                  provenance=LEAD_P)
    await hub.deliver()  # sealed with no key: it goes without the action step at all
    (late,) = [e for e in map(decode, hub.delivered[-1:]) if e.event_type == "SessionHeld"]
    assert late.sealed is None and "action_step" not in late.payload.model_dump()
    row = await hub.entitlement(ect)
    assert (row["sessions_held"], row["name"]) == (3, ERASED)
    await hub.assert_rebuild_equals_live()


async def test_a_history_first_published_after_the_erasure_folds_as_erased(hub: Hub):
    """As ``ect relay republish`` after an erasure: every box is gone, yet the facts count."""
    name = f"Ada Republished{uuid.uuid4().hex[:8]}"
    ect = hub.register(trn=unique_trn(), name=name)
    hub.on(date(2025, 9, 20))
    hub.sessions(ect, [date(2025, 9, 8)])
    hub.erase(ect)  # before the relay published anything about them
    await hub.deliver()
    assert all(decode(v).sealed is None for v in hub.delivered)
    row = await hub.entitlement(ect)
    assert (row["name"], row["trn"], row["sessions_held"], row["induction_status"]) == (
        ERASED, ERASED, 1, "open")
    await hub.assert_rebuild_equals_live()


async def test_an_erasure_of_an_ect_never_heard_of_changes_nothing(hub: Hub):
    ect = await ect_with_a_record(hub, unique_trn(), f"Ada Kept{uuid.uuid4().hex[:8]}", "Kept")
    before = await rows_of(hub, ect)
    hub.erase(uuid.uuid4())
    await hub.deliver()
    assert hub.consumer.rejected == 0
    assert await rows_of(hub, ect) == before


async def test_an_erased_mentor_is_named_erased_where_reporting_names_them(hub: Hub):
    grace = f"Grace Erased{uuid.uuid4().hex[:8]}"
    ect = hub.register(trn=unique_trn())
    mentor = hub.mentor(trn=unique_trn(), name=grace)
    hub.assign(ect, mentor, START)
    assert (await hub.entitlement(ect))["mentor_name"] == grace
    assert grace in await hub.get("/dashboard/schools/100001")

    hub.erase(mentor, ErasedSubject.MENTOR)
    await hub.deliver()

    assert (await hub.entitlement(ect))["mentor_name"] == ERASED
    page = await hub.get("/dashboard/schools/100001")
    assert grace not in page and ERASED in page
    await hub.assert_rebuild_equals_live()


async def test_the_subject_access_export_shows_the_person_in_clear_then_as_erased(hub: Hub):
    trn, name = unique_trn(), f"Ada Export{uuid.uuid4().hex[:8]}"
    evidence = f"Evidence for the export {uuid.uuid4().hex}"
    ect = await ect_with_a_record(hub, trn, name, evidence)

    held = await hub.get(SAR, trn=trn)
    assert held["ect_ids"] == [str(ect)]
    registered = next(f for f in held["facts"] if f["event_type"] == "EctRegistered")["payload"]
    assert (registered["name"], registered["trn"], registered["date_of_birth"]) == (
        name, trn, BORN.isoformat())
    trail = next(e for e in held["audit_trail"] if e["event_type"] == "TermReportSubmitted")
    assert trail["payload"]["evidence_summary"] == evidence and trail["sealed"] is None
    assert [r["name"] for r in held["entitlement"]] == [name]

    hub.erase(ect)
    await hub.deliver()

    erased = await hub.get(SAR, trn=trn)
    assert erased["ect_ids"] == [str(ect)], "an erased person is still found by their TRN"
    registered = next(f for f in erased["facts"] if f["event_type"] == "EctRegistered")["payload"]
    assert (registered["name"], registered["trn"], registered["date_of_birth"]) == (ERASED, ERASED, None)
    assert registered["induction_start_date"] == START.isoformat()
    trail = next(e for e in erased["audit_trail"] if e["event_type"] == "TermReportSubmitted")
    assert trail["payload"]["evidence_summary"] == ERASED
    assert [r["name"] for r in erased["entitlement"]] == [ERASED]
    assert name not in str(erased) and evidence not in str(erased)
