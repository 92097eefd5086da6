"""Erasure for good (UK GDPR Art. 17) on the running platform: after ``ect privacy erase`` a
teacher's name, TRN, date of birth and email are nowhere in clear, not in any table of the
database and not in any message on any topic, read from the start; the audit chains still
verify; the entitlement and submissions figures are what they were; a replay gives the same
projections; and the subject access export made before the erasure held everything the
database held about them."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from contracts import Role
from tests.conftest import JWT_SECRET
from tests.e2e.test_privacy_export import export
from tests.e2e.test_spine import ISSUER, LEAD, QTS, TODAY, new_trn
from tests.support import eventually

pytestmark = pytest.mark.e2e

ECT_CLI = Path(sys.executable).with_name("ect")


def token(user: str, role: Role, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER.issue(user, role, **claims)}"}


async def database_text(url: str) -> str:
    """Every row of every table in every schema of the database, as text: what a dump holds."""
    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS t "
            "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema')")
        parts = []
        for table in tables:
            rows = await conn.fetch(f"SELECT t::text AS row FROM {table['t']} t")
            parts.append(table["t"] + "\n" + "\n".join(r["row"] for r in rows))
        return "\n".join(parts)
    finally:
        await conn.close()


async def topics_text(bootstrap: str, prefix: str) -> str:
    """Every message (key, headers and value) on every one of the platform's topics, from the
    start, dead-letter topics included."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        names = [t for t in await admin.list_topics() if t.startswith(prefix)]
    finally:
        await admin.close()
    assert names, f"no topics under {prefix}"
    consumer = AIOKafkaConsumer(*names, bootstrap_servers=bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    parts: list[str] = []
    try:
        quiet = 0
        while quiet < 3:  # until three reads in a row bring nothing new
            batches = await consumer.getmany(timeout_ms=500)
            quiet = 0 if batches else quiet + 1
            for records in batches.values():
                for r in records:
                    headers = " ".join(f"{k}={v.decode(errors='replace')}" for k, v in r.headers or ())
                    parts.append(f"{r.topic} {r.key!r} {headers} "
                                 f"{r.value.decode(errors='replace') if r.value else ''}")
    finally:
        await consumer.stop()
    return "\n".join(parts)


def clear_in(text: str, name: str, trn: str, born: str, email: str) -> list[str]:
    """Which of the person's details appear in ``text`` (the TRN as a whole number, not as seven
    digits inside a hash or a ciphertext)."""
    found = [label for label, value in (("name", name), ("date of birth", born), ("email", email))
             if value in text]
    if re.search(rf"(?<![0-9A-Za-z]){trn}(?![0-9A-Za-z])", text):
        found.append("TRN")
    return found


async def run_cli(*args: str, platform: Any) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(ECT_CLI), *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "DATABASE_URL": platform.database_url, "JWT_SECRET": JWT_SECRET,
             "KAFKA_BOOTSTRAP_SERVERS": platform.bootstrap_servers,
             "KAFKA_TOPIC_PREFIX": platform.topic_prefix, "ECT_STATE_DIR": "/nonexistent",
             "CHAIN_CHECKPOINT_DIR": platform.env["CHAIN_CHECKPOINT_DIR"]})
    out, _ = await asyncio.wait_for(process.communicate(), timeout=240)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_an_erased_teacher_is_nowhere_in_clear_and_every_figure_stays(platform, http, tmp_path):
    marker, written = uuid.uuid4().hex[:10], uuid.uuid4().hex[:12]
    name, email = f"Zephyrine Quillfeather {marker}", f"zq.{marker}@school.example"
    born = (date(1961, 1, 1) + timedelta(days=random.randrange(7000))).isoformat()
    trn = new_trn()
    ab, school = f"ab-erase-{marker}", f"9{random.randrange(10**5):05d}"
    ab_token = token(ab, Role.APPROPRIATE_BODY)
    tutor = token(f"tutor-{marker}", Role.INDUCTION_TUTOR, schools=[school])
    scheduling, reporting = platform.url("scheduling"), platform.url("reporting")

    registered = await http.post(scheduling + "/ects", headers=ab_token, json={
        "trn": trn, "name": name, "date_of_birth": born, "school_id": school,
        "subject": "mathematics", "phase": "secondary", "qts_date": QTS,
        "induction_start_date": TODAY, "fte": 1.0, "appropriate_body_id": ab,
        "induction_programme": "provider_led", "induction_tutor_id": f"tutor-{marker}"})
    assert registered.status_code == 201, registered.text
    ect_id = str(registered.json()["id"])
    contact = await http.put(platform.url("notifications") + f"/recipients/{ect_id}",
                             headers=token(ect_id, Role.ECT),
                             json={"channel": "email", "email": email, "name": name})
    assert contact.status_code in (200, 201), contact.text
    session = await http.post(scheduling + f"/ects/{ect_id}/sessions", headers=LEAD,
                              json={"held_on": TODAY, "minutes": 45,
                                    "action_step": f"Narrate the positive {written}"})
    assert session.status_code == 201, session.text

    async def reviewed() -> bool:  # reporting must have heard of the ECT before a review
        answer = await http.post(reporting + f"/ects/{ect_id}/term-reports", headers=tutor, json={
            "kind": "progress_review", "term_number": 1, "on_track": True,
            "evidence_summary": f"Secure routines {written}", "targets": "questioning",
            "submitted_on": TODAY})
        return answer.status_code in (200, 201)

    await eventually(reviewed, within=60)

    async def figures() -> dict[str, Any] | None:
        row = (await http.get(reporting + f"/ects/{ect_id}/entitlement", headers=LEAD)).json()
        submissions = (await http.get(reporting + "/submissions", headers=ab_token,
                                      params={"limit": 500})).json()
        mine = sorted((s["kind"], s["term_number"], s["state"])
                      for s in submissions.get("items", submissions) if s["ect_id"] == ect_id)
        if not (row.get("sessions_held") == 1 and row.get("reports_submitted") == 1 and mine):
            return None
        return {"entitlement": {k: row[k] for k in (
            "sessions_held", "sessions_expected", "terms_served", "terms_remaining", "status",
            "reports_submitted", "induction_status", "induction_year")}, "submissions": mine,
            "name": row["name"], "trn": row["trn"]}

    before = await eventually(figures, within=60)
    assert (before["name"], before["trn"]) == (name, trn)
    everything_before = (await database_text(platform.database_url)
                         + await topics_text(platform.bootstrap_servers, platform.topic_prefix))
    # held (the projections show them) but never in clear where events are kept: sealed
    assert "name" in clear_in(everything_before, name, trn, born, email)

    out = tmp_path / "export.json"
    code, said = await export(platform, trn, out, ISSUER.issue("lead-1", Role.HUB_LEAD))
    assert code == 0, said
    exported = out.read_text()
    for detail in clear_in(everything_before, name, trn, born, email):
        # everything the database and the topics held about them in clear is in the export
        assert detail in clear_in(exported, name, trn, born, email), detail
    assert set(clear_in(exported, name, trn, born, email)) == {"name", "TRN", "date of birth",
                                                                "email"}

    refused, said = await run_cli("privacy", "erase", "--trn", trn, "--reason", "SAR-77",
                                  "--token", ISSUER.issue("lead-1", Role.HUB_LEAD),
                                  "--scheduling-url", scheduling, platform=platform)
    assert refused == 1 and "2.77" in said and name in said, said
    code, said = await run_cli(
        "privacy", "erase", "--trn", trn, "--reason", "SAR-77, the teacher's own request",
        "--force", "--legal-basis", "Order of the court, claim K00XX123",
        "--token", ISSUER.issue("lead-1", Role.HUB_LEAD), "--scheduling-url", scheduling,
        platform=platform)
    assert code == 0, said
    assert f"the ECT record {ect_id} (TRN {trn}) erased" in said

    async def erased_everywhere() -> dict[str, Any] | None:
        now = await figures()
        if now is None or now["name"] != "(erased)":
            return None
        text = (await database_text(platform.database_url)
                + await topics_text(platform.bootstrap_servers, platform.topic_prefix))
        return now if not clear_in(text, name, trn, born, email) else None

    after = await eventually(erased_everywhere, within=90, interval=1.0)
    assert after["entitlement"] == before["entitlement"]
    assert after["submissions"] == before["submissions"]
    assert written not in (await database_text(platform.database_url))  # nor what was written

    code, said = await run_cli("audit", "verify", platform=platform)
    assert code == 0, said
    for log in ("scheduling.scheduling_events", "reporting.reporting_events",
                "reporting.audit_trail", "notifications.outbox"):
        assert f"{log}: intact" in said, said

    live = (await http.get(reporting + "/entitlement", headers=ab_token, params={"limit": 500})).json()
    code, said = await run_cli("replay", platform=platform)
    assert code == 0, said
    replayed = (await http.get(reporting + "/entitlement", headers=ab_token,
                               params={"limit": 500})).json()
    assert _rows(replayed) == _rows(live)
    [row] = [r for r in _rows(replayed) if r["ect_id"] == ect_id]
    assert (row["name"], row["trn"]) == ("(erased)", "(erased)")

    export_after = tmp_path / "after.json"
    code, said = await export(platform, trn, export_after, ISSUER.issue("lead-1", Role.HUB_LEAD))
    assert code == 0, said
    afterwards = export_after.read_text()  # asked for by TRN, which it repeats; nothing else
    assert name not in afterwards and born not in afterwards and email not in afterwards
    assert json.loads(export_after.read_text())["scheduling"]["ect"]["name"] == "(erased)"


def _rows(page: Any) -> list[dict[str, Any]]:
    items = page["items"] if isinstance(page, dict) and "items" in page else page
    return sorted(({k: v for k, v in row.items() if k not in ("updated_at", "computed_at")}
                   for row in items), key=lambda row: str(row.get("ect_id")))


async def test_the_retention_schedule_lists_and_erases_an_induction_closed_over_six_years_ago(
        platform, http):
    """An induction imported with its outcome of 2018 was kept its 6 years (2.77): the dry run
    lists it and changes nothing; the run erases it."""
    marker = uuid.uuid4().hex[:10]
    name, trn = f"Longago Teacher {marker}", new_trn()
    ab, school = f"ab-old-{marker}", f"8{random.randrange(10**5):05d}"
    scheduling = platform.url("scheduling")
    columns = ("TRN", "Name", "Date of birth", "School URN", "School name", "Subject", "Phase",
               "QTS date", "Appropriate body", "Induction programme", "Registered on",
               "Induction period start date", "Induction period end date", "Number of terms",
               "FTE", "Induction tutor", "Outcome")
    values = (trn, name, "1980-02-03", school, f"School {marker}", "mathematics", "secondary",
              "2016-07-01", ab, "provider-led", "2016-08-20", "2016-09-01", "2018-07-20", "6",
              "1.0", f"tutor-{marker}", "pass")
    csv = ",".join(columns) + "\r\n" + ",".join(values) + "\r\n"
    imported = await http.post(scheduling + "/imports/inductions", content=csv.encode(),
                               headers={**LEAD, "Content-Type": "text/csv"}, timeout=60)
    assert imported.status_code == 201, imported.text
    lead = ISSUER.issue("lead-1", Role.HUB_LEAD)
    code, said = await run_cli("privacy", "retention", "--token", lead, "--scheduling-url",
                               scheduling, "--notifications-url", platform.url("notifications"),
                               platform=platform)
    assert code == 0, said
    assert f"would erase {name} (TRN {trn}): induction closed 2018-07-20, kept until 2024-07-20" in said
    ect_id = (await http.get(scheduling + "/privacy/subject-access", headers=LEAD,
                             params={"trn": trn})).json()["ect"]["id"]
    assert (await http.get(scheduling + f"/ects/{ect_id}", headers=LEAD)).json()["name"] == name
    code, said = await run_cli("privacy", "retention", "--apply", "--token", lead,
                               "--scheduling-url", scheduling, "--notifications-url",
                               platform.url("notifications"), platform=platform)
    assert code == 0, said
    assert f"erased {name} (TRN {trn})" in said
    assert (await http.get(scheduling + f"/ects/{ect_id}", headers=LEAD)).json()["name"] == "(erased)"
    code, said = await run_cli("privacy", "retention", "--token", lead, "--scheduling-url",
                               scheduling, "--notifications-url", platform.url("notifications"),
                               platform=platform)
    assert name not in said

