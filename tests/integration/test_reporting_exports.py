"""The AB's exports from real scheduling and reporting events: files the DfE service accepts
(no fail in the bulk actions file, no TRN twice, 1,000 rows at most) and cells a spreadsheet
opens as text."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from ect_platform.csv_safety import FORMULA_STARTS
from tests.integration.test_reporting_harness import AB, LEAD_P, Hub, open_hub

pytestmark = pytest.mark.integration

HOSTILE = "=HYPERLINK(\"http://evil.example\",\"Ada\")"


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, date(2025, 9, 1))
    yield hub
    await hub.pool.close()


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


async def test_the_dfe_files_hold_no_fail_no_trn_twice_and_no_formula(hub: Hub):
    failing = hub.register(trn="3200001", name=HOSTILE)
    returning = hub.register(trn="3200002", name="Bob Returns")
    hub.on(date(2025, 12, 19))
    hub.scheduling.release(returning, released_on=date(2025, 12, 19), reason="career break",
                           provenance=LEAD_P)
    hub.on(date(2026, 4, 20))  # the same AB claims him again: his second period with it
    hub.register(trn="3200002", name="Bob Returns", induction_start_date=date(2026, 4, 20))
    hub.on(date(2027, 7, 13))
    await hub.assessment(failing, 6, meeting=date(2027, 7, 9), sent=date(2027, 7, 13), on_track=False,
                         recommendation="unsatisfactory")
    hub.on(date(2027, 7, 21))
    await hub.post(f"/ects/{failing}/outcome", {"outcome": "failed", "decided_on": "2027-07-21"}, AB)
    await hub.deliver()

    outcomes = await hub.get("/exports/dfe-outcomes", AB, ab="ab-1")
    # Bob's release only: a fail is refused in bulk by the DfE service and has its own journey
    assert [(r["TRN"], r["Outcome"]) for r in outcomes["rows"]] == [("3200002", "Release")]
    claims = await hub.get("/exports/dfe-claims", AB, ab="ab-1")
    assert sorted(r["TRN"] for r in claims["rows"]) == ["3200001", "3200002", "3200002"]
    assert claims["parts"] == [{"part": 1, "rows": 2}, {"part": 2, "rows": 1}]
    seen: list[str] = []
    for part in (1, 2):
        answer = await hub.http.get("/exports/dfe-claims", headers=AB,
                                    params={"ab": "ab-1", "format": "csv", "part": part})
        assert answer.status_code == 200
        assert f"part-{part}-of-2" in answer.headers["content-disposition"]
        trns = [row[0] for row in cells(answer.text)[1:]]
        assert len(trns) == len(set(trns))  # the DfE service refuses a file with a TRN twice
        seen += trns
    assert sorted(seen) == ["3200001", "3200002", "3200002"]
    beyond = await hub.http.get("/exports/dfe-claims", headers=AB,
                                params={"ab": "ab-1", "format": "csv", "part": 3})
    assert beyond.status_code == 404 and "2 part(s)" in beyond.json()["detail"]

    # the TRA return names the ECT; the hostile name reaches the file as text, not a formula
    tra = await hub.http.get("/exports/tra-return", headers=AB,
                             params={"ab": "ab-1", "term": "2027-summer", "format": "csv"})
    rows = cells(tra.text)
    assert [row[1] for row in rows[1:] if row[0] == "3200001"][:1] == ["'" + HOSTILE]
    assert all(not cell.startswith(FORMULA_STARTS) for row in rows for cell in row)
    download = await hub.http.get("/dashboard/abs/ab-1/exports/dfe-claims.csv",
                                  headers={**AB, "Accept": "text/html"}, params={"part": 2})
    assert [row[0] for row in cells(download.text)[1:]] == ["3200002"]
    page = (await hub.http.get("/dashboard/abs/ab-1", headers={**AB, "Accept": "text/html"})).text
    assert 'href="/dashboard/abs/ab-1/exports/dfe-claims.csv?part=2"' in page and "part 2 of 2" in page
