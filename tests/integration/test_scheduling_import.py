"""Importing a cohort already in induction, on real PostgreSQL and a real broker: a hub that
adopts the platform in December loads the ECTs who started in September, and their history."""

from __future__ import annotations

import csv
import hashlib
import io
import time
from datetime import date, timedelta

import httpx
import pytest

from contracts import Role
from contracts.topics import SCHEDULING
from scheduling.bootstrap import bootstrap
from scheduling.entrypoints.api import create_api
from scheduling.imports.induction_file import COLUMNS
from scheduling.settings import SchedulingSettings
from tests.support.kafka import read_topic
from tests.unit.scheduling_fixtures import Clock

pytestmark = pytest.mark.integration

TODAY = date(2026, 12, 2)  # a hub adopting the platform in December
SEPTEMBER = date(2026, 9, 1)


@pytest.fixture
async def scheduling(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    settings = SchedulingSettings(database_url=database_url,
                                  kafka_bootstrap_servers=stack.bootstrap_servers,
                                  jwt_secret="import-tests-secret-at-least-32-bytes-long",
                                  kafka_topic_prefix=topic_prefix)
    service = await bootstrap(settings)
    service.app.today = Clock(TODAY)
    yield service
    await service.close()


@pytest.fixture
async def client(scheduling):  # type: ignore[no-untyped-def]
    api = create_api(scheduling.app, scheduling.issuer)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://test",
                                 timeout=300) as http:
        yield http


def token(scheduling, role: Role, user: str, **scope) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {scheduling.issuer.issue(user, role, **scope)}"}


def lead(scheduling) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return token(scheduling, Role.HUB_LEAD, "lead-1")  # no schools: acts for the whole hub


def row(trn: str, **overrides: str) -> dict[str, str]:
    values = {
        "TRN": trn, "Name": f"Teacher {trn}", "Date of birth": "1998-03-14",
        "School URN": f"1{int(trn) % 20:05d}", "School name": f"School {int(trn) % 20}",
        "Subject": "mathematics", "Phase": "secondary", "QTS date": "2026-07-15",
        "Appropriate body": "ab-north", "Induction programme": "provider-led",
        "Registered on": "2026-08-20", "Induction period start date": SEPTEMBER.isoformat(),
        "Induction period end date": "", "Number of terms": "", "FTE": "1.0",
        "Induction tutor": f"tutor-{int(trn) % 20}", "Outcome": "",
    }
    values.update(overrides)
    return values


def cohort(teachers: int, first_trn: int = 3000000) -> list[dict[str, str]]:
    """A realistic hub file: most ECTs started in September; every fourth moved from another
    AB after a released period last year; every tenth part-time; every fifteenth school-led."""
    rows: list[dict[str, str]] = []
    for n in range(teachers):
        trn = str(first_trn + n)
        extra: dict[str, str] = {}
        if n % 10 == 3:
            extra["FTE"] = "0.6"
        if n % 15 == 7:
            extra["Induction programme"] = "school-led"
            extra["Phase"] = "primary"
            extra["Subject"] = ""
        if n % 4 == 1:
            rows.append(row(trn, **{"QTS date": "2025-07-10", "Appropriate body": "ab-south",
                                    "Registered on": "2025-08-28",
                                    "Induction period start date": "2025-09-01",
                                    "Induction period end date": "2026-04-02",
                                    "Number of terms": "2.0"}))
        rows.append(row(trn, **({"QTS date": "2025-07-10"} if n % 4 == 1 else {}), **extra))
    return rows


def as_csv(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


async def upload(client, headers, data: bytes, **params):  # type: ignore[no-untyped-def]
    return await client.post("/imports/inductions", content=data, params=params,
                             headers={**headers, "Content-Type": "text/csv"})


def held(scheduling, trn: str):  # type: ignore[no-untyped-def]
    ect_id = scheduling.app.ect_id_for(trn)
    return None if ect_id is None else scheduling.app.get_induction(ect_id)


async def test_a_hub_loads_its_cohort_and_then_its_history(scheduling, client, stack):
    rows = cohort(240)  # 240 teachers, 300 rows
    data = as_csv(rows)
    answer = await upload(client, lead(scheduling), data)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"rows": 300, "created": 300, "unchanged": 0, "errors": [],
                             "dry_run": False}

    assert scheduling.app.school_name("100001") == "School 1", "the file names its schools"
    moved = held(scheduling, "3000001")
    assert [(p.appropriate_body_id, p.start, p.end) for p in moved.periods] == [
        ("ab-south", date(2025, 9, 1), date(2026, 4, 2)), ("ab-north", SEPTEMBER, None)]
    assert moved.status == "open"
    body = (await client.get(f"/ects/{moved.id}", headers=lead(scheduling))).json()
    assert body["terms_served"] >= 2.0, "the AB's number of terms counts for the closed period"

    # the whole platform sees them as it sees live ones, marked as imported
    await _drain(scheduling)
    messages = await read_topic(stack.bootstrap_servers,
                                SCHEDULING.qualified(scheduling.settings.kafka_topic_prefix),
                                at_least=240 + 60 * 2)
    mine = [e for _, e in messages if e.ect_id == moved.id]
    assert [e.event_type for e in mine] == ["EctRegistered", "EctReleased", "EctClaimed"]
    digest = hashlib.sha256(data).hexdigest()
    assert all(e.imported is not None and e.imported.file_sha256 == digest for e in mine)
    assert all(e.actor.id == "lead-1" and e.actor.role == Role.HUB_LEAD for e in mine)

    # then the history the hub already holds, through the ordinary API, in the past
    ect = held(scheduling, "3000000")
    tutor = token(scheduling, Role.INDUCTION_TUTOR, "tutor-0", schools=[ect.school_id])
    for week in range(12):
        answer = await client.post(f"/ects/{ect.id}/sessions", headers=tutor, json={
            "request_id": f"s{week}", "held_on": (SEPTEMBER + timedelta(weeks=week, days=2)).isoformat(),
            "minutes": 60})
        assert answer.status_code == 201, answer.text
    answer = await client.post(f"/ects/{ect.id}/absences", headers=tutor, json={
        "first_day": "2026-10-05", "days": 2, "reason": "sickness"})
    assert answer.status_code == 201, answer.text
    ab = token(scheduling, Role.APPROPRIATE_BODY, "ab-north")
    answer = await client.post(f"/ects/{ect.id}/release", headers=ab, json={
        "released_on": "2026-11-20", "reason": "moved abroad", "number_of_terms": "1.0"})
    assert answer.status_code == 200, answer.text
    after = held(scheduling, "3000000")
    assert after.sessions_held == 12 and len(after.absences) == 1 and after.status == "released"


async def _drain(scheduling) -> None:  # type: ignore[no-untyped-def]
    while await scheduling.relay.pump_once():
        pass


async def test_a_dry_run_checks_everything_and_records_nothing(scheduling, client):
    data = as_csv(cohort(20, first_trn=3100000))
    answer = await upload(client, lead(scheduling), data, dry_run="true")
    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] == 25 and answer.json()["dry_run"] is True
    assert held(scheduling, "3100000") is None
    assert scheduling.app.recorder.max_notification_id() in (None, 0)


async def test_one_bad_row_and_nothing_is_recorded(scheduling, client):
    rows = cohort(30, first_trn=3200000)
    rows[17]["Induction programme"] = "diy-led"
    answer = await upload(client, lead(scheduling), as_csv(rows))
    assert answer.status_code == 422
    assert answer.json()["created"] == 0 and answer.json()["rows"] == len(rows)
    [error] = answer.json()["errors"]
    assert error["row"] == 19 and error["trn"] == rows[17]["TRN"]
    assert error["name"] == rows[17]["Name"] and error["field"] == "Induction programme"
    assert all(held(scheduling, r["TRN"]) is None for r in rows)


async def test_the_same_file_twice_records_nothing_new(scheduling, client):
    data = as_csv(cohort(40, first_trn=3300000))
    first = await upload(client, lead(scheduling), data)
    assert first.status_code == 201, first.text
    recorded = scheduling.app.recorder.max_notification_id()
    again = await upload(client, lead(scheduling), data)
    assert again.status_code == 201, again.text
    assert again.json()["created"] == 0 and again.json()["unchanged"] == 50
    assert scheduling.app.recorder.max_notification_id() == recorded
    # a later file closing the open period adds just that
    closing = cohort(40, first_trn=3300000)
    closing[-1].update({"Induction period end date": "2026-11-30", "Number of terms": "1.0"})
    answer = await upload(client, lead(scheduling), as_csv(closing))
    assert answer.json()["created"] == 1, answer.text
    assert held(scheduling, closing[-1]["TRN"]).status == "released"


async def test_each_row_error_names_the_teacher(scheduling, client):
    future = (TODAY + timedelta(days=1)).isoformat()
    rows = [
        row("3400001", **{"Induction period start date": "2026-07-01"}),  # before QTS
        row("3400002", **{"Induction period start date": future}),
        row("3400003", **{"Induction programme": "diy"}),
        row("3400004"), row("3400004", **{"Induction period start date": "2026-10-01"}),  # overlap
        row("3400005", **{"Induction period end date": "2026-11-01", "Number of terms": "1.0"}),
        row("3400005", **{"Induction period start date": "2026-10-15"}),  # starts before the end
        row("3400006", **{"Induction period end date": "2026-10-01", "Outcome": "pass",
                          "Number of terms": "6.0", "Induction period start date": "2026-09-01"}),
        row("3400006", **{"Induction period start date": "2026-11-01"}),  # after a pass
        row("3400007", **{"FTE": "1.5"}),
        row("3400008", **{"Outcome": "pass"}),  # an outcome on an open period
        row("3400009", **{"Date of birth": "14/03/1998"}),
        row("3400010"), row("3400010", **{"Date of birth": "1999-01-01",
                                          "Induction period start date": "2026-11-01"}),
        row("340011"),
    ]
    answer = await upload(client, lead(scheduling), as_csv(rows))
    assert answer.status_code == 422
    found = {(e["trn"], e["field"]): e for e in answer.json()["errors"]}
    expected = {
        ("3400001", "Induction period start date"): "QTS",
        ("3400002", "Induction period start date"): "future",
        ("3400003", "Induction programme"): "provider-led",
        ("3400004", "Induction period start date"): "open induction",
        ("3400005", "Induction period start date"): "overlaps",
        ("3400006", "Induction period start date"): "claimed again",
        ("3400007", "FTE"): "at most 1",
        ("3400008", "Outcome"): "no end date",
        ("3400009", "Date of birth"): "YYYY-MM-DD",
        ("3400010", "Date of birth"): "one TRN is one teacher",
        ("340011", "TRN"): "7 digits",
    }
    for key, words in expected.items():
        assert key in found, (key, answer.json()["errors"])
        assert words in found[key]["reason"], found[key]
        assert found[key]["name"] == f"Teacher {key[0]}"
    assert len(found) == len(expected), answer.json()["errors"]
    assert held(scheduling, "3400004") is None

    # the errors as CSV: the file's rows and an Error column, formulas neutralised
    rows[2]["Name"] = "=HYPERLINK(\"http://evil\")"
    download = await client.post("/imports/inductions", content=as_csv(rows), params={"dry_run": "true"},
                                 headers={**lead(scheduling), "Content-Type": "text/csv",
                                          "Accept": "text/csv"})
    assert download.status_code == 422
    table = list(csv.DictReader(io.StringIO(download.text)))
    assert len(table) == len(rows) and list(table[0])[-1] == "Error"
    assert table[2]["Name"].startswith("'=") and "Induction programme" in table[2]["Error"]
    assert table[3]["Error"] == ""


async def test_who_may_import_what(scheduling, client):
    rows = [row("3500001"), row("3500002", **{"Appropriate body": "ab-south"})]
    north = token(scheduling, Role.APPROPRIATE_BODY, "ab-north")
    answer = await upload(client, north, as_csv(rows))
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["trn"] == "3500002" and error["field"] == "Appropriate body"
    answer = await upload(client, north, as_csv(rows[:1]))
    assert answer.status_code == 201, answer.text
    # another AB cannot learn who holds the teacher by uploading their TRN
    south = token(scheduling, Role.APPROPRIATE_BODY, "ab-south")
    answer = await upload(client, south, as_csv([row("3500001", **{"Appropriate body": "ab-south"})]))
    assert answer.status_code == 422
    assert "ab-north" not in answer.text
    scoped = token(scheduling, Role.HUB_LEAD, "lead-2", schools=["100001"])
    assert (await upload(client, scoped, as_csv(rows[:1]))).status_code == 403
    tutor = token(scheduling, Role.INDUCTION_TUTOR, "tutor-1", schools=["100001"])
    assert (await upload(client, tutor, as_csv(rows[:1]))).status_code == 403


async def test_the_file_itself_is_checked(scheduling, client):
    answer = await upload(client, lead(scheduling), as_csv([row("3600001")], COLUMNS[:-1]))
    assert answer.status_code == 422 and "Outcome" in answer.json()["errors"][0]["reason"]
    assert (await upload(client, lead(scheduling), b"x" * 1_000_001)).status_code == 413
    too_many = as_csv(cohort(1001, first_trn=3700000)[:1001])
    answer = await upload(client, lead(scheduling), too_many)
    assert answer.status_code == 422
    assert "more than 1000 rows" in answer.json()["errors"][-1]["reason"]
    assert held(scheduling, "3700000") is None


async def test_a_thousand_rows_import_one_induction_per_save(scheduling, client):
    rows = cohort(800, first_trn=3800000)[:1000]
    assert len(rows) == 1000
    started = time.perf_counter()
    answer = await upload(client, lead(scheduling), as_csv(rows))
    took = time.perf_counter() - started
    assert answer.status_code == 201, answer.text
    assert answer.json()["created"] == 1000
    print(f"1,000 rows imported in {took:.1f} s")
    assert took < 120


async def test_ect_import_inductions_uploads_over_http(scheduling, tmp_path):
    import asyncio
    import threading

    import uvicorn
    from typer.testing import CliRunner

    from ect_platform.cli import app as ect
    from ect_platform.embedded import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_api(scheduling.app, scheduling.issuer),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        await asyncio.to_thread(_wait_started, server)
        rows = cohort(5, first_trn=3900000)
        good = tmp_path / "cohort.csv"
        good.write_bytes(as_csv(rows))
        bearer = scheduling.issuer.issue("lead-1", Role.HUB_LEAD)
        base = ["import", "inductions", "--url", f"http://127.0.0.1:{port}", "--token", bearer]

        def run(*args: str):  # type: ignore[no-untyped-def]
            return CliRunner().invoke(ect, [*base, *args])

        checked = await asyncio.to_thread(run, str(good), "--dry-run")
        assert checked.exit_code == 0, checked.output
        assert "would record 6" in checked.output and held(scheduling, "3900000") is None
        done = await asyncio.to_thread(run, str(good))
        assert done.exit_code == 0 and "recorded 6" in done.output, done.output
        rows[0]["FTE"] = "2"
        bad = tmp_path / "bad.csv"
        bad.write_bytes(as_csv(rows))
        report = tmp_path / "errors.csv"
        refused = await asyncio.to_thread(run, str(bad), "--errors-csv", str(report))
        assert refused.exit_code == 1
        assert "Teacher 3900000 (TRN 3900000): FTE" in refused.output
        assert "FTE" in report.read_text()
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)


def _wait_started(server) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)


async def test_an_imported_pass_ends_the_induction_in_every_service(scheduling, client, stack):
    """The AB decided before the platform held the record: scheduling publishes the outcome
    (InductionOutcomeImported), so reporting's and notifications' folds close the induction
    too, instead of chasing reports for a teacher who passed last summer."""
    from notifications.induction import InductionState, evolve
    from reporting.projections.history_fold import fold_history

    done = row("3500001", **{"Induction period start date": "2024-09-02", "QTS date": "2024-07-15",
                             "Induction period end date": "2026-07-17", "Number of terms": "6",
                             "Outcome": "pass", "Registered on": "2024-08-20"})
    answer = await upload(client, lead(scheduling), as_csv([done]))
    assert answer.status_code == 201, answer.text
    ect = held(scheduling, "3500001")
    assert ect.status == "passed"
    await _drain(scheduling)
    messages = await read_topic(stack.bootstrap_servers,
                                SCHEDULING.qualified(scheduling.settings.kafka_topic_prefix),
                                at_least=3)
    mine = [e for _, e in messages if e.ect_id == ect.id]
    assert [e.event_type for e in mine] == ["EctRegistered", "EctReleased",
                                             "InductionOutcomeImported"]
    outcome = mine[-1]
    assert (outcome.payload.outcome, outcome.payload.decided_on, outcome.payload.appropriate_body_id
            ) == ("passed", date(2026, 7, 17), "ab-north")
    assert outcome.payload.terms_served == 6.0 and outcome.imported is not None

    history = fold_history(ect.id, mine)
    assert history.outcome is not None and history.outcome.outcome == "passed"
    state = InductionState(ect_id=ect.id)
    for envelope in mine:
        state = evolve(state, envelope)
    assert (state.outcome, state.completed_on) == ("passed", date(2026, 7, 17))


async def test_a_file_up_to_the_megabyte_the_import_allows_gets_past_the_edge(scheduling, client):
    """The platform's edge limits bodies to 256 KiB; the imports read their own, up to 1 MB."""
    long = "Saint Bartholomew's Church of England Voluntary Aided Primary School and Nursery " * 4
    rows = [row(str(3600000 + n), **{"School name": long[:190]}) for n in range(1000)]
    data = as_csv(rows)
    assert 262_144 < len(data) < 1_000_000, len(data)
    answer = await upload(client, lead(scheduling), data, dry_run="true")
    assert answer.status_code == 200, answer.text[:300]
    assert answer.json()["created"] == 1000


async def test_a_nul_character_in_a_file_is_refused_by_the_import_itself(scheduling, client):
    data = as_csv([row("3600999", Name="Ada\x00Lovelace")])
    answer = await upload(client, lead(scheduling), data)
    assert answer.status_code == 422
    assert "NUL character" in answer.json()["errors"][0]["reason"]
    assert held(scheduling, "3600999") is None
