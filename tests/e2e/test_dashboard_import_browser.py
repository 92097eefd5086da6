"""The dashboard's import page in a real browser (Debian's Chromium under Playwright) against the
three services running as processes: the file goes from the page to scheduling as the signed-in
hub lead, the ECTs reach the overview through Kafka, a file with errors shows them by teacher
and records nothing, and a role that may not import is not offered the form."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from contracts import Role
from ect_platform.identity import TokenIssuer
from scheduling.application import today_in_england
from scheduling.imports.induction_file import COLUMNS
from tests.conftest import JWT_SECRET
from tests.e2e.test_dashboard_browser import browser, new_trn  # noqa: F401 (the fixture)
from tests.support import eventually

pytestmark = pytest.mark.e2e

ISSUER = TokenIssuer(JWT_SECRET)
TODAY = today_in_england()
# this academic year's September start, at least a month ago: an import records past starts only
SEPTEMBER = date(TODAY.year if TODAY.month >= 10 else TODAY.year - 1, 9, 1)


def row(trn: str, name: str, **overrides: str) -> dict[str, str]:
    values = {"TRN": trn, "Name": name, "Date of birth": "1998-03-14", "School URN": "100009",
              "School name": "Riverside Primary School", "Subject": "", "Phase": "primary",
              "QTS date": (SEPTEMBER - timedelta(days=48)).isoformat(), "Appropriate body": "ab-1",
              "Induction programme": "provider-led",
              "Registered on": (SEPTEMBER - timedelta(days=12)).isoformat(),
              "Induction period start date": SEPTEMBER.isoformat(), "Induction period end date": "",
              "Number of terms": "", "FTE": "1.0", "Induction tutor": "tutor-9", "Outcome": ""}
    values.update(overrides)
    return values


def as_file(name: str, *rows: dict[str, str]) -> dict[str, Any]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return {"name": name, "mimeType": "text/csv", "buffer": out.getvalue().encode()}


async def sign_in(browser: Any, reporting: str, token: str, lands: str = "/dashboard") -> Any:  # noqa: F811
    page = await browser.new_page(viewport={"width": 1300, "height": 900})
    await page.goto(f"{reporting}/dashboard/login")
    await page.get_by_label("Token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{reporting}{lands}")
    return page


async def test_a_hub_lead_imports_a_cohort_in_the_browser_and_the_ects_appear(
    platform: Any, browser: Any  # noqa: F811
) -> None:
    from playwright.async_api import expect

    cohort = uuid.uuid4().hex[:6]
    reporting = platform.url("reporting")
    page = await sign_in(browser, reporting, ISSUER.issue("lead-1", Role.HUB_LEAD))
    await page.get_by_role("link", name="import inductions").click()
    await page.wait_for_url(f"{reporting}/dashboard/imports")
    await expect(page.get_by_role("heading", name="Import inductions", exact=True)).to_be_visible()

    good = as_file("cohort.csv", row(new_trn(), f"Ada Imported {cohort}"),
                   row(new_trn(), f"Bob Imported {cohort}", FTE="0.6"))
    await page.get_by_label("CSV file").set_input_files(good)
    await page.get_by_label("Check only").check()
    await page.get_by_role("button", name="Upload", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("cohort.csv passed the check")
    await expect(page.get_by_role("status")).to_contain_text("of which 2 would be recorded")

    await page.get_by_label("CSV file").set_input_files(good)
    await page.get_by_role("button", name="Upload", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("cohort.csv was imported")
    await expect(page.get_by_role("status")).to_contain_text("2 recorded")

    # through scheduling's relay, Kafka and reporting's projections to the overview
    async def listed() -> bool:
        await page.goto(f"{reporting}/dashboard?q={cohort}")
        return await page.locator("table.ects tbody tr").count() == 2

    await eventually(listed, within=30, interval=0.5)
    await expect(page.locator("table.ects")).to_contain_text(f"Ada Imported {cohort}")
    await expect(page.locator("table.ects")).to_contain_text(f"Bob Imported {cohort}")
    await page.close()


async def test_a_file_with_errors_names_the_teacher_records_nothing_and_downloads(
    platform: Any, browser: Any  # noqa: F811
) -> None:
    from playwright.async_api import expect

    cohort = uuid.uuid4().hex[:6]
    fine, typo = new_trn(), new_trn()
    reporting = platform.url("reporting")
    page = await sign_in(browser, reporting, ISSUER.issue("lead-1", Role.HUB_LEAD))
    await page.goto(f"{reporting}/dashboard/imports")
    await page.get_by_label("CSV file").set_input_files(as_file(
        "errors.csv", row(fine, f"Cy Fine {cohort}"),
        row(typo, f"Di Typo {cohort}", **{"Induction programme": "diy-led"})))
    await page.get_by_role("button", name="Upload", exact=True).click()
    await expect(page.get_by_role("alert")).to_contain_text("errors.csv was not imported: 1 error")
    await expect(page.get_by_role("alert")).to_contain_text("Nothing was recorded")
    errors = page.get_by_role("table", name="Each problem, by the row of the file")
    await expect(errors.locator("tbody tr")).to_have_count(1)
    await expect(errors.locator("tbody tr").first).to_contain_text(f"Di Typo {cohort} (TRN {typo})")
    await expect(errors.locator("tbody tr").first).to_contain_text("Induction programme")

    async with page.expect_download() as downloading:
        await page.get_by_role("button", name="Download the file with an Error column (CSV)").click()
    download = await downloading.value
    assert download.suggested_filename == "import-errors.csv"
    saved = Path(await download.path())
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))  # noqa: ASYNC240
    assert [(r["TRN"], bool(r["Error"])) for r in rows] == [(fine, False), (typo, True)]

    # nothing was recorded: checking the good row alone says it would still be recorded
    await page.goto(f"{reporting}/dashboard/imports")
    await page.get_by_label("CSV file").set_input_files(as_file("fine.csv", row(fine, f"Cy Fine {cohort}")))
    await page.get_by_label("Check only").check()
    await page.get_by_role("button", name="Upload", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("of which 1 would be recorded and 0 are")
    await page.close()


async def test_an_induction_tutor_is_not_offered_the_import(platform: Any, browser: Any) -> None:  # noqa: F811
    from playwright.async_api import expect

    reporting = platform.url("reporting")
    tutor = ISSUER.issue("tutor-9", Role.INDUCTION_TUTOR, schools=["100009"])
    # a tutor of one school lands on that school's page
    page = await sign_in(browser, reporting, tutor, lands="/dashboard/schools/100009")
    await expect(page.get_by_role("link", name="import inductions")).to_have_count(0)
    await page.goto(f"{reporting}/dashboard")
    await expect(page.get_by_role("heading", name="Hub overview")).to_be_visible()
    await expect(page.get_by_role("link", name="import inductions")).to_have_count(0)
    response = await page.goto(f"{reporting}/dashboard/imports")
    assert response is not None and response.status == 403
    await expect(page.locator("input[type=file]")).to_have_count(0)
    await page.close()
