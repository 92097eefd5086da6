"""The DfE's bulk claim and action files uploaded to the platform, on real PostgreSQL: an AB
uploads here the very files it uploads to the DfE's "Record inductions as an appropriate
body" service, for teachers the hub already holds (imported from its induction file)."""

from __future__ import annotations

import csv
import hashlib
import io
import time
from datetime import date, timedelta

import httpx
import pytest

from contracts import Role
from scheduling.bootstrap import bootstrap
from scheduling.entrypoints.api import create_api
from scheduling.imports import action_file, claim_file
from scheduling.imports.action_file import FAIL_IN_BULK
from scheduling.settings import SchedulingSettings
from tests.integration.test_reporting_harness import AB as REPORTING_AB
from tests.integration.test_reporting_harness import LEAD_P, open_hub
from tests.integration.test_scheduling_import import SEPTEMBER, TODAY, as_csv, held, lead, row, token
from tests.unit.scheduling_fixtures import Clock

pytestmark = pytest.mark.integration

CLAIMS, ACTIONS = claim_file.COLUMNS, action_file.COLUMNS
DOB = "1998-03-14"  # every teacher's of ``row``


@pytest.fixture
async def scheduling(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    settings = SchedulingSettings(database_url=database_url,
                                  kafka_bootstrap_servers=stack.bootstrap_servers,
                                  jwt_secret="dfe-import-tests-secret-at-least-32-bytes",
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


def north(scheduling) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return token(scheduling, Role.APPROPRIATE_BODY, "ab-north")


def released(trn: str, **overrides: str) -> dict[str, str]:
    """A teacher another AB held last year and released: claimable by a new AB."""
    return row(trn, **{"QTS date": "2025-07-10", "Appropriate body": "ab-south",
                       "Registered on": "2025-08-28", "Induction period start date": "2025-09-01",
                       "Induction period end date": "2026-04-02", "Number of terms": "2.0",
                       **overrides})


async def hub_holds(client, scheduling, rows: list[dict[str, str]]) -> None:  # type: ignore[no-untyped-def]
    """The hub's own records first, from its induction file."""
    answer = await client.post("/imports/inductions", content=as_csv(rows),
                               headers={**lead(scheduling), "Content-Type": "text/csv"})
    assert answer.status_code == 201, answer.text


def claim(trn: str, **overrides: str) -> dict[str, str]:
    return {"TRN": trn, "Date of birth": DOB, "Induction programme": "provider-led",
            "Induction period start date": SEPTEMBER.isoformat(), **overrides}


def action(trn: str, outcome: str = "Release", **overrides: str) -> dict[str, str]:
    return {"TRN": trn, "Date of birth": DOB, "Induction period end date": "2026-11-30",
            "Number of terms": "1.0", "Outcome": outcome, **overrides}


async def upload(client, kind: str, headers, rows, columns, **params):  # type: ignore[no-untyped-def]
    data = rows if isinstance(rows, bytes) else as_csv(rows, columns)
    return await client.post(f"/imports/{kind}", content=data, params=params,
                             headers={"Content-Type": "text/csv", **headers})


def errors_by_trn(answer) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    found = {e["trn"]: e for e in answer.json()["errors"]}
    assert len(found) == len(answer.json()["errors"]), answer.json()["errors"]
    return found


def periods(scheduling, trn: str) -> list[tuple[str, date, date | None]]:  # type: ignore[no-untyped-def]
    return [(p.appropriate_body_id, p.start, p.end) for p in held(scheduling, trn).periods]


def last_events(scheduling, trn: str, n: int) -> list:  # type: ignore[no-untyped-def,type-arg]
    return list(scheduling.app.events.get(held(scheduling, trn).id))[-n:]


# -- claims ------------------------------------------------------------------------------------


async def test_an_ab_claims_teachers_the_platform_knows_from_the_dfe_claim_file(scheduling, client):
    await hub_holds(client, scheduling, [released(str(4000000 + n)) for n in range(1, 5)])
    rows = [claim("4000001"), claim("4000002", **{"Induction programme": "School-led"}),
            claim("4000003"), claim("4000004", **{"Induction period start date": "2026-04-20"})]
    data = as_csv(rows, CLAIMS)
    answer = await upload(client, "claims", north(scheduling), data, CLAIMS)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"rows": 4, "created": 4, "unchanged": 0, "errors": [], "dry_run": False}

    assert periods(scheduling, "4000001") == [("ab-south", date(2025, 9, 1), date(2026, 4, 2)),
                                              ("ab-north", SEPTEMBER, None)]
    assert periods(scheduling, "4000004")[-1] == ("ab-north", date(2026, 4, 20), None)
    ect = held(scheduling, "4000002")
    assert (ect.status, ect.appropriate_body_id, ect.induction_programme) == (
        "open", "ab-north", "school_led")
    assert ect.school_id == "100002" and ect.induction_tutor_id == "tutor-2", \
        "the claim keeps the school and tutor the record holds: the file names none"
    [claimed] = last_events(scheduling, "4000002", 1)
    assert type(claimed).__name__ == "EctClaimed"
    assert claimed.provenance.imported_from == hashlib.sha256(data).hexdigest()
    assert (claimed.provenance.actor_id, claimed.provenance.actor_role) == ("ab-north", "appropriate_body")
    # the AB now holds them: it reads them as any of its own
    assert (await client.get(f"/ects/{ect.id}", headers=north(scheduling))).status_code == 200

    recorded = scheduling.app.recorder.max_notification_id()
    again = await upload(client, "claims", north(scheduling), data, CLAIMS)
    assert again.status_code == 201, again.text
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 4)
    assert scheduling.app.recorder.max_notification_id() == recorded


async def test_a_dry_run_of_claims_checks_everything_and_records_nothing(scheduling, client):
    await hub_holds(client, scheduling, [released("4001001"), released("4001002")])
    recorded = scheduling.app.recorder.max_notification_id()
    answer = await upload(client, "claims", north(scheduling), [claim("4001001"), claim("4001002")],
                          CLAIMS, dry_run="true")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"rows": 2, "created": 2, "unchanged": 0, "errors": [], "dry_run": True}
    assert held(scheduling, "4001001").status == "released"
    assert scheduling.app.recorder.max_notification_id() == recorded


async def test_one_bad_claim_and_no_claim_is_recorded(scheduling, client):
    await hub_holds(client, scheduling, [released(str(4002000 + n)) for n in range(1, 6)])
    rows = [claim(str(4002000 + n)) for n in range(1, 6)]
    rows[3]["Induction programme"] = "diy-led"
    recorded = scheduling.app.recorder.max_notification_id()
    answer = await upload(client, "claims", north(scheduling), rows, CLAIMS)
    assert answer.status_code == 422
    assert answer.json()["created"] == 0 and answer.json()["rows"] == 5
    [error] = answer.json()["errors"]
    assert (error["row"], error["trn"], error["name"], error["field"]) == (
        5, "4002004", "Teacher 4002004", "Induction programme")
    assert "Teacher 4002004 (TRN 4002004)" in answer.json()["detail"]
    assert all(held(scheduling, r["TRN"]).status == "released" for r in rows)
    assert scheduling.app.recorder.max_notification_id() == recorded


async def test_each_claim_row_error_names_the_teacher_and_says_only_what_the_ab_may_know(scheduling, client):
    await hub_holds(client, scheduling, [
        *[released(f"401000{n}") for n in (1, 2, 3, 4, 5, 9)],
        row("4010006", **{"Appropriate body": "ab-south"}),  # open with another AB
        row("4010007", **{"Appropriate body": "ab-south", "Induction period start date": "2025-09-01",
                          "QTS date": "2025-07-10", "Induction period end date": "2026-07-17",
                          "Number of terms": "6.0", "Outcome": "pass"}),  # passed
        row("4010008"),  # already open with this AB
    ])
    future = (TODAY + timedelta(days=1)).isoformat()
    rows = [
        claim("4019999"),
        claim("4010001", **{"Date of birth": "1990-01-01"}),
        claim("4010002", **{"Induction programme": "diy"}),
        claim("4010003", **{"Induction period start date": future}),
        claim("4010004"), claim("4010004", **{"Induction programme": "school-led"}),
        claim("4010005", **{"Induction period start date": "2025-06-02"}),
        claim("4010006"), claim("4010007"),
        claim("4010008", **{"Induction period start date": "2026-10-01"}),
        claim("4010009", **{"Induction period start date": "2026-03-02"}),
    ]
    recorded = scheduling.app.recorder.max_notification_id()
    answer = await upload(client, "claims", north(scheduling), rows, CLAIMS)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    found = {(e["trn"], e["field"]): e for e in errors}
    expected = {
        ("4019999", "TRN"): "must be registered",
        ("4010001", "Date of birth"): "does not match the record held for TRN 4010001",
        ("4010002", "Induction programme"): "provider-led, school-led",
        ("4010003", "Induction period start date"): "in the future",
        ("4010004", "TRN"): "also in row 6",
        ("4010005", "Induction period start date"): "before the QTS date",
        ("4010006", "Induction period start date"): "cannot be registered by you now",
        ("4010007", "Induction period start date"): "cannot be registered by you now",
        ("4010008", "Induction period start date"): "already has an open induction period",
        ("4010009", "Induction period start date"): "the last one ended on 2026-04-02",
    }
    for key, words in expected.items():
        assert key in found, (key, errors)
        assert words in found[key]["reason"], found[key]
    assert len(errors) == len(expected), errors
    assert "imported" in found[("4019999", "TRN")]["reason"] and found[("4019999", "TRN")]["name"] == ""
    # a TRN and date of birth that match name the teacher; a date of birth that does not, to an
    # AB that never held them, names no one
    assert found[("4010001", "Date of birth")]["name"] == ""
    assert {found[k]["name"] for k in expected if k[0] not in ("4019999", "4010001")} == {
        f"Teacher {k[0]}" for k in expected if k[0] not in ("4019999", "4010001")}
    # who holds a teacher, and whether they passed, is not told to an AB that never held them
    assert "ab-south" not in answer.text and "passed" not in answer.text
    assert scheduling.app.recorder.max_notification_id() == recorded

    # the unscoped hub lead, who may read every record, is told why
    answer = await upload(client, "claims", lead(scheduling), [claim("4010006"), claim("4010007")],
                          CLAIMS, appropriate_body="ab-north")
    found_by_lead = errors_by_trn(answer)
    assert "open induction with appropriate body ab-south" in found_by_lead["4010006"]["reason"]
    assert "passed induction" in found_by_lead["4010007"]["reason"]


async def test_who_may_upload_a_dfe_file_and_for_which_ab(scheduling, client):
    await hub_holds(client, scheduling, [released("4020001"), released("4020002")])
    rows = [claim("4020001")]
    answer = await upload(client, "claims", lead(scheduling), rows, CLAIMS)
    assert answer.status_code == 422 and "?appropriate_body=" in answer.json()["detail"]
    answer = await upload(client, "claims", north(scheduling), rows, CLAIMS, appropriate_body="ab-south")
    assert answer.status_code == 403 and "only its own" in answer.json()["detail"]
    scoped = token(scheduling, Role.HUB_LEAD, "lead-2", schools=["100001"])
    answer = await upload(client, "claims", scoped, rows, CLAIMS, appropriate_body="ab-north")
    assert answer.status_code == 403
    tutor = token(scheduling, Role.INDUCTION_TUTOR, "tutor-1", schools=["100001"])
    assert (await upload(client, "actions", tutor, [action("4020001")], ACTIONS)).status_code == 403
    assert held(scheduling, "4020001").status == "released"

    answer = await upload(client, "claims", north(scheduling), rows, CLAIMS, appropriate_body="ab-north")
    assert answer.status_code == 201, answer.text
    answer = await upload(client, "claims", lead(scheduling), [claim("4020002")], CLAIMS,
                          appropriate_body="ab-east")
    assert answer.status_code == 201, answer.text
    assert periods(scheduling, "4020002")[-1] == ("ab-east", SEPTEMBER, None)
    [claimed] = last_events(scheduling, "4020002", 1)
    assert claimed.provenance.actor_id == "lead-1"


# -- actions -----------------------------------------------------------------------------------


async def test_an_ab_closes_its_open_periods_from_the_dfe_action_file(scheduling, client):
    await hub_holds(client, scheduling, [row(str(4100000 + n)) for n in range(1, 5)])
    rows = [action("4100001", "Pass", **{"Number of terms": "1.0"}),
            action("4100002", "Release", **{"Induction period end date": "2026-11-20"}),
            action("4100003", "RELEASED", **{"Number of terms": "0.5"}),
            action("4100004", "pass", **{"Induction period end date": TODAY.isoformat()})]
    data = as_csv(rows, ACTIONS)
    answer = await upload(client, "actions", north(scheduling), data, ACTIONS)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"rows": 4, "created": 4, "unchanged": 0, "errors": [], "dry_run": False}

    assert [held(scheduling, f"410000{n}").status for n in range(1, 5)] == [
        "passed", "released", "released", "passed"]
    assert periods(scheduling, "4100002") == [("ab-north", SEPTEMBER, date(2026, 11, 20))]
    released_event, completed = last_events(scheduling, "4100001", 2)
    assert completed.outcome == "passed" and completed.decided_on == date(2026, 11, 30)
    assert released_event.terms_recorded == 1.0, "the AB's number of terms is recorded (2.31)"
    assert completed.provenance.imported_from == hashlib.sha256(data).hexdigest()
    body = (await client.get(f"/ects/{held(scheduling, '4100003').id}", headers=north(scheduling))).json()
    assert body["terms_served"] == 0.5, "the clock counts the AB's figure for the period"

    recorded = scheduling.app.recorder.max_notification_id()
    again = await upload(client, "actions", north(scheduling), data, ACTIONS)
    assert again.status_code == 201, again.text
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 4)
    assert scheduling.app.recorder.max_notification_id() == recorded
    # a pass is for good: the teacher can never be claimed again
    answer = await upload(client, "claims", north(scheduling),
                          [claim("4100001", **{"Induction period start date": TODAY.isoformat()})], CLAIMS)
    assert answer.status_code == 422 and "cannot be claimed again" in answer.text


async def test_a_dry_run_of_actions_checks_everything_and_records_nothing(scheduling, client):
    await hub_holds(client, scheduling, [row("4101001"), row("4101002")])
    recorded = scheduling.app.recorder.max_notification_id()
    answer = await upload(client, "actions", north(scheduling),
                          [action("4101001", "Pass"), action("4101002")], ACTIONS, dry_run="true")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"rows": 2, "created": 2, "unchanged": 0, "errors": [], "dry_run": True}
    assert held(scheduling, "4101001").status == "open"
    assert scheduling.app.recorder.max_notification_id() == recorded


async def test_one_bad_action_and_no_period_is_closed(scheduling, client):
    await hub_holds(client, scheduling, [row(str(4102000 + n)) for n in range(1, 5)])
    rows = [action(str(4102000 + n)) for n in range(1, 5)]
    rows[1]["Outcome"] = "withdrawn"
    recorded = scheduling.app.recorder.max_notification_id()
    answer = await upload(client, "actions", north(scheduling), rows, ACTIONS)
    assert answer.status_code == 422 and answer.json()["created"] == 0
    [error] = answer.json()["errors"]
    assert (error["trn"], error["name"], error["field"]) == ("4102002", "Teacher 4102002", "Outcome")
    assert all(held(scheduling, r["TRN"]).status == "open" for r in rows)
    assert scheduling.app.recorder.max_notification_id() == recorded


async def test_each_action_row_error_names_the_teacher(scheduling, client):
    await hub_holds(client, scheduling, [
        *[row(f"411000{n}") for n in range(1, 8)],
        row("4110008", **{"Appropriate body": "ab-south"}),  # another AB's open period
        released("4110009", **{"Appropriate body": "ab-north"}),  # this AB's, already ended
    ])
    future = (TODAY + timedelta(days=1)).isoformat()
    rows = [
        action("4119999"),
        action("4110001", **{"Date of birth": "1990-01-01"}),
        action("4110002", "Fail"),
        action("4110003", **{"Induction period end date": future}),
        action("4110004"), action("4110004", "Pass"),
        action("4110005", **{"Induction period end date": "2026-08-31"}),
        action("4110006", **{"Number of terms": "1.25"}),
        action("4110007", **{"Number of terms": "-1"}),
        action("4110008"),
        action("4110009", **{"Induction period end date": "2026-11-30"}),
    ]
    answer = await upload(client, "actions", north(scheduling), rows, ACTIONS)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    found = {(e["trn"], e["field"]): e for e in errors}
    expected = {
        ("4119999", "TRN"): "must be registered",
        ("4110001", "Date of birth"): "does not match",
        ("4110002", "Outcome"): FAIL_IN_BULK,
        ("4110003", "Induction period end date"): "in the future",
        ("4110004", "TRN"): "also in row 6",
        ("4110005", "Induction period end date"): "predates the current post, from 2026-09-01",
        ("4110006", "Number of terms"): "decimal place",
        ("4110007", "Number of terms"): "at least 0",
        ("4110008", "TRN"): "has no open induction period with appropriate body ab-north",
        ("4110009", "TRN"): "has no open induction period",
    }
    for key, words in expected.items():
        assert key in found, (key, errors)
        assert words in found[key]["reason"], found[key]
    assert len(errors) == len(expected), errors
    # each named: ab-north held every one of them but the unknown TRN
    assert {e["name"] for e in errors if e["trn"] != "4119999"} == {
        f"Teacher {k[0]}" for k in expected if k[0] != "4119999"}
    assert "ab-south" not in answer.text, "another AB's period is not theirs to be told of"
    assert "ended on 2026-04-02" in found[("4110009", "TRN")]["reason"], "its own past period is"
    assert all(held(scheduling, f"411000{n}").status == "open" for n in range(1, 8))

    answer = await upload(client, "actions", lead(scheduling), [action("4110008")], ACTIONS,
                          appropriate_body="ab-north")
    assert "open induction period is with appropriate body ab-south" in answer.json()["errors"][0]["reason"]


async def test_the_errors_csv_of_a_dfe_file_names_the_teacher_and_uploads_again_fixed(scheduling, client):
    await hub_holds(client, scheduling, [row("4120001"), row("4120002"), row("4120003")])
    rows = [action("4120001", "Pass"), action("4120002", "Fail"),
            action("4120003", "=HYPERLINK(\"http://evil\")")]
    download = await upload(client, "actions", {**north(scheduling), "Accept": "text/csv"}, rows, ACTIONS,
                            dry_run="true")
    assert download.status_code == 422
    table = list(csv.DictReader(io.StringIO(download.text)))
    assert list(table[0]) == [*ACTIONS, "Error message"], "the DfE service's own column"
    assert table[0]["Error message"] == ""
    assert table[1]["Error message"] == f"Teacher 4120002 (TRN 4120002): Outcome: {FAIL_IN_BULK}"
    assert table[2]["Outcome"].startswith("'=") and "Teacher 4120003" in table[2]["Error message"]

    # fix the cells, keep the Error message column, upload that very file
    table[1]["Outcome"], table[2]["Outcome"] = "Release", "Release"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table)
    answer = await upload(client, "actions", north(scheduling), out.getvalue().encode(), ACTIONS)
    assert answer.status_code == 201, answer.text
    assert [held(scheduling, f"412000{n}").status for n in (1, 2, 3)] == ["passed", "released", "released"]


async def test_an_errors_csv_row_keeps_its_line_past_a_blank_line(scheduling, client):
    await hub_holds(client, scheduling, [released("4130001"), released("4130002")])
    data = as_csv([claim("4130001")], CLAIMS) + b",,,\r\n" + as_csv(
        [claim("4130002", **{"Induction programme": "diy"})], CLAIMS).split(b"\r\n", 1)[1]
    download = await upload(client, "claims", {**north(scheduling), "Accept": "text/csv"}, data, CLAIMS)
    assert download.status_code == 422
    table = list(csv.DictReader(io.StringIO(download.text)))
    assert [(r["TRN"], bool(r["Error message"])) for r in table] == [("4130001", False), ("4130002", True)]


# -- a round trip: reporting's DfE exports, uploaded as they are -------------------------------


async def test_reporting_s_dfe_exports_upload_again_as_they_are(scheduling, client, database_url):
    """A hub that ran its ABs' inductions on the platform exports the DfE files; the same
    files uploaded to a platform holding those teachers' open periods bring it to the same
    periods, and uploaded again change nothing."""
    hub = await open_hub(database_url, date(2025, 9, 1))
    try:
        ada = hub.register(trn="4200001", name="Ada Lovelace")
        bob = hub.register(trn="4200002", name="Bob Returns")
        hub.register(trn="4200003", name="Cy Young")
        hub.on(date(2025, 12, 19))
        hub.scheduling.release(bob, released_on=date(2025, 12, 19), reason="career break",
                               provenance=LEAD_P)
        hub.on(date(2027, 7, 13))
        await hub.assessment(ada, 6, meeting=date(2027, 7, 9), sent=date(2027, 7, 13),
                             recommendation="satisfactory")
        hub.on(date(2027, 7, 21))
        await hub.post(f"/ects/{ada}/outcome", {"outcome": "passed", "decided_on": "2027-07-21"},
                       REPORTING_AB)
        await hub.deliver()
        exported = {}
        for name in ("dfe-claims", "dfe-outcomes"):
            answer = await hub.http.get(f"/exports/{name}", headers=REPORTING_AB,
                                        params={"ab": "ab-1", "format": "csv"})
            assert answer.status_code == 200, answer.text
            exported[name] = answer.content
    finally:
        await hub.pool.close()
    assert exported["dfe-claims"].decode().splitlines()[0] == ",".join(CLAIMS)
    assert exported["dfe-outcomes"].decode().splitlines()[0] == ",".join(ACTIONS)
    outcomes = list(csv.DictReader(io.StringIO(exported["dfe-outcomes"].decode())))
    assert [(r["TRN"], r["Outcome"]) for r in outcomes] == [("4200001", "Pass"), ("4200002", "Release")]

    # the other platform holds the three open periods, as the hub did before
    scheduling.app.today = Clock(date(2027, 9, 1))
    await hub_holds(client, scheduling, [
        row(trn, **{"Name": name, "Date of birth": "1999-12-10", "QTS date": "2025-07-01",
                    "Appropriate body": "ab-1", "Registered on": "2025-08-28",
                    "Induction period start date": "2025-09-01", "School URN": "100001"})
        for trn, name in (("4200001", "Ada Lovelace"), ("4200002", "Bob Returns"),
                          ("4200003", "Cy Young"))])
    ab_1 = token(scheduling, Role.APPROPRIATE_BODY, "ab-1")
    answer = await upload(client, "claims", ab_1, exported["dfe-claims"], CLAIMS)
    assert answer.status_code == 201, answer.text
    assert (answer.json()["created"], answer.json()["unchanged"]) == (0, 3), "the claims it holds"
    answer = await upload(client, "actions", ab_1, exported["dfe-outcomes"], ACTIONS)
    assert answer.status_code == 201, answer.text
    assert (answer.json()["created"], answer.json()["unchanged"]) == (2, 0)

    assert (held(scheduling, "4200001").status, periods(scheduling, "4200001")) == (
        "passed", [("ab-1", date(2025, 9, 1), date(2027, 7, 21))])
    assert (held(scheduling, "4200002").status, periods(scheduling, "4200002")) == (
        "released", [("ab-1", date(2025, 9, 1), date(2025, 12, 19))])
    assert held(scheduling, "4200003").status == "open"
    [bob_released] = [e for e in scheduling.app.events.get(held(scheduling, "4200002").id)
                      if type(e).__name__ == "EctReleased"]
    assert bob_released.terms_recorded == float(outcomes[1]["Number of terms"])

    recorded = scheduling.app.recorder.max_notification_id()
    for kind, columns in (("claims", CLAIMS), ("actions", ACTIONS)):
        name = "dfe-claims" if kind == "claims" else "dfe-outcomes"
        answer = await upload(client, kind, ab_1, exported[name], columns)
        assert answer.status_code == 201 and answer.json()["created"] == 0, answer.text
    assert scheduling.app.recorder.max_notification_id() == recorded


# -- the command line --------------------------------------------------------------------------


async def test_ect_import_claims_and_actions_upload_over_http(scheduling, client, tmp_path):
    import asyncio
    import threading

    import uvicorn
    from typer.testing import CliRunner

    from ect_platform.cli import app as ect
    from ect_platform.embedded import free_port
    from tests.integration.test_scheduling_import import _wait_started

    await hub_holds(client, scheduling, [released("4300001"), released("4300002")])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_api(scheduling.app, scheduling.issuer),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        await asyncio.to_thread(_wait_started, server)
        bearer = scheduling.issuer.issue("lead-1", Role.HUB_LEAD)

        def run(kind: str, *args: str):  # type: ignore[no-untyped-def]
            return CliRunner().invoke(ect, ["import", kind, "--url", f"http://127.0.0.1:{port}",
                                            "--token", bearer, *args])

        claims = tmp_path / "claims.csv"
        claims.write_bytes(as_csv([claim("4300001"), claim("4300002")], CLAIMS))
        unnamed = await asyncio.to_thread(run, "claims", str(claims))
        assert unnamed.exit_code == 1 and "--appropriate-body" in unnamed.output, unnamed.output
        checked = await asyncio.to_thread(run, "claims", str(claims), "--dry-run",
                                          "--appropriate-body", "ab-north")
        assert checked.exit_code == 0 and "would record 2" in checked.output, checked.output
        assert held(scheduling, "4300001").status == "released"
        done = await asyncio.to_thread(run, "claims", str(claims), "--appropriate-body", "ab-north")
        assert done.exit_code == 0 and "recorded 2" in done.output, done.output

        actions = tmp_path / "actions.csv"
        actions.write_bytes(as_csv([action("4300001", "Pass"), action("4300002", "Fail")], ACTIONS))
        report = tmp_path / "errors.csv"
        refused = await asyncio.to_thread(run, "actions", str(actions), "--appropriate-body", "ab-north",
                                          "--errors-csv", str(report))
        assert refused.exit_code == 1
        assert f"Teacher 4300002 (TRN 4300002): Outcome: {FAIL_IN_BULK}" in refused.output
        assert "Error message" in report.read_text() and held(scheduling, "4300001").status == "open"
        actions.write_bytes(as_csv([action("4300001", "Pass"), action("4300002")], ACTIONS))
        done = await asyncio.to_thread(run, "actions", str(actions), "--appropriate-body", "ab-north")
        assert done.exit_code == 0 and "recorded 2" in done.output, done.output
        assert held(scheduling, "4300001").status == "passed"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)


# -- at the DfE's limit -------------------------------------------------------------------------


async def test_a_thousand_rows_of_each_dfe_file(scheduling, client):
    """1,000 actions closing the hub's periods, then 1,000 claims by the teachers' next AB."""
    await hub_holds(client, scheduling, [row(str(4400000 + n)) for n in range(1000)])
    closes = [action(str(4400000 + n), "Release" if n % 10 else "Pass",
                     **{"Induction period end date": "2026-11-20"}) for n in range(1000)]
    started = time.perf_counter()
    answer = await upload(client, "actions", north(scheduling), closes, ACTIONS)
    took_actions = time.perf_counter() - started
    assert answer.status_code == 201, answer.text
    assert answer.json()["created"] == 1000
    claims_rows = [claim(str(4400000 + n), **{"Induction period start date": "2026-11-30"})
                   for n in range(1000)]
    south = token(scheduling, Role.APPROPRIATE_BODY, "ab-south")
    started = time.perf_counter()
    answer = await upload(client, "claims", south, claims_rows, CLAIMS)
    took_claims = time.perf_counter() - started
    assert answer.status_code == 422, "a tenth passed and can never be claimed again"
    assert len(answer.json()["errors"]) == 100
    started = time.perf_counter()
    answer = await upload(client, "claims", south, [r for n, r in enumerate(claims_rows) if n % 10],
                          CLAIMS)
    took_claims_saved = time.perf_counter() - started
    assert answer.status_code == 201 and answer.json()["created"] == 900, answer.text
    print(f"1,000 actions in {took_actions:.1f} s; 1,000 claims checked in {took_claims:.1f} s; "
          f"900 claims recorded in {took_claims_saved:.1f} s")
    assert max(took_actions, took_claims, took_claims_saved) < 120
