"""The ops dashboard in a real browser (Debian's Chromium, driven by Playwright) against the
three services running as processes: sign in, read, filter, and watch a session recorded
through the API appear on the open page without a reload.

Set ECT_DASHBOARD_SCREENSHOT=docs/dashboard.png to refresh the screenshot in the docs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts import Role
from ect_platform.identity import TokenIssuer
from scheduling.application import today_in_england
from tests.conftest import JWT_SECRET
from tests.support import eventually

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ISSUER = TokenIssuer(JWT_SECRET)
AB = {"Authorization": f"Bearer {ISSUER.issue('ab-1', Role.APPROPRIATE_BODY)}"}
LEAD_TOKEN = ISSUER.issue("lead-1", Role.HUB_LEAD)
LEAD = {"Authorization": f"Bearer {LEAD_TOKEN}"}
# the services refuse backdated starts and sessions in the future: everything happens today
TODAY = today_in_england().isoformat()
QTS = (today_in_england() - timedelta(days=120)).isoformat()


def new_trn() -> str:
    return str(uuid.uuid4().int % 9_000_000 + 1_000_000)


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """Debian's Chromium under Playwright (never a downloaded browser); skips, saying why, without it."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium; `make test` tries)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.skip("playwright (Python) is not installed: pip install -r requirements.lock")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with chromium() as launched:
        yield launched


async def register(http: httpx.AsyncClient, platform: Any, name: str) -> str:
    response = await http.post(platform.url("scheduling") + "/ects", headers=AB, json={
        "trn": new_trn(), "name": name, "date_of_birth": "1999-12-10", "school_id": "100001",
        "subject": "mathematics", "phase": "secondary", "qts_date": QTS,
        "induction_start_date": TODAY, "fte": 1.0, "appropriate_body_id": "ab-1",
        "induction_programme": "provider_led", "induction_tutor_id": "tutor-1"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def mentored(http: httpx.AsyncClient, platform: Any, ect_id: str) -> str:
    scheduling = platform.url("scheduling")
    response = await http.post(f"{scheduling}/mentors", headers=LEAD, json={
        "trn": new_trn(), "name": "Grace Hopper", "school_id": "100001", "subject": "mathematics",
        "phase": "secondary", "years_teaching": 8})
    assert response.status_code == 201, response.text
    mentor_id = str(response.json()["id"])
    assigned = await http.put(f"{scheduling}/ects/{ect_id}/mentor", headers=LEAD,
                              json={"mentor_id": mentor_id, "assigned_on": TODAY})
    assert assigned.status_code == 200, assigned.text
    return mentor_id


async def projected(http: httpx.AsyncClient, platform: Any, ect_id: str, **expect: Any) -> dict[str, Any]:
    async def row() -> dict[str, Any] | None:
        answer = await http.get(platform.url("reporting") + f"/ects/{ect_id}/entitlement", headers=LEAD)
        if answer.status_code != 200:
            return None
        found: dict[str, Any] = answer.json()
        return found if all(found.get(k) == v for k, v in expect.items()) else None

    return await eventually(row)  # type: ignore[no-any-return]


async def test_the_dashboard_in_a_browser_loads_filters_updates_live_and_shows_an_ect(
    platform: Any, http: httpx.AsyncClient, browser: Any
) -> None:
    from playwright.async_api import expect

    cohort = uuid.uuid4().hex[:6]
    coached = await register(http, platform, f"Ada Lovelace {cohort}")
    alone = await register(http, platform, f"Bob Babbage {cohort}")
    mentor_id = await mentored(http, platform, coached)
    coached_row = await projected(http, platform, coached, mentor_id=mentor_id)
    alone_row = await projected(http, platform, alone)
    # a mentor assigned today leaves nothing owed yet; a week one ECT with no mentor is amber
    assert (coached_row["status"], alone_row["status"]) == ("green", "amber"), (coached_row, alone_row)

    reporting = platform.url("reporting")
    page = await browser.new_page(viewport={"width": 1400, "height": 900})
    await page.goto(f"{reporting}/dashboard/login")  # the token is posted, never put in an address
    await page.get_by_label("Token").fill(LEAD_TOKEN)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{reporting}/dashboard")
    assert page.url == f"{reporting}/dashboard"
    assert LEAD_TOKEN not in str(await page.context.cookies())
    await expect(page.get_by_role("heading", name="Hub overview")).to_be_visible()

    # search (a GET form: it works the same without JavaScript)
    await page.get_by_label("Name or TRN").fill(cohort)
    await page.get_by_role("button", name="Apply filters").click()
    await page.wait_for_url(f"**/dashboard?q={cohort}**")
    rows = page.locator("table.ects tbody tr")
    await expect(rows).to_have_count(2)
    coached_tr = page.locator(f'tr[data-ect="{coached}"]')
    alone_tr = page.locator(f'tr[data-ect="{alone}"]')
    await expect(coached_tr.locator(".status")).to_have_text("Green")
    await expect(alone_tr.locator(".status")).to_have_text("Amber")
    await expect(alone_tr).to_contain_text("no mentor assigned")

    # the status filter narrows the list
    await page.get_by_label("Status").select_option("amber")
    await page.get_by_role("button", name="Apply filters").click()
    await page.wait_for_url("**status=amber**")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(f"Bob Babbage {cohort}")
    await page.get_by_label("Status").select_option("")
    await page.get_by_role("button", name="Apply filters").click()
    await expect(rows).to_have_count(2)

    # live: a session recorded through the API appears without a reload
    await expect(page.locator("html[data-live=on]")).to_have_count(1)
    await page.evaluate("window.stillTheSamePage = true")
    await expect(coached_tr.locator(".sessions")).to_contain_text("0 /")
    mentor = {"Authorization": f"Bearer {ISSUER.issue(mentor_id, Role.MENTOR)}"}
    session = await http.post(f"{platform.url('scheduling')}/ects/{coached}/sessions", headers=mentor, json={
        "request_id": f"browser-{cohort}", "held_on": TODAY, "minutes": 60, "observation_included": True})
    assert session.status_code == 201, session.text
    await expect(coached_tr.locator(".sessions")).to_contain_text("1 /", timeout=30_000)
    assert await page.evaluate("window.stillTheSamePage") is True
    await expect(page.locator("#live-status")).to_contain_text("Updated at")

    screenshot = os.environ.get("ECT_DASHBOARD_SCREENSHOT")
    if screenshot:
        await page.screenshot(path=str(Path(screenshot)), full_page=True)

    # the ECT's page: the timeline and the chart of sessions against the cadence
    await coached_tr.get_by_role("link", name=f"Ada Lovelace {cohort}").click()
    await page.wait_for_url(f"**/dashboard/ects/{coached}")
    await expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    timeline = page.locator("table.timeline")
    await expect(timeline).to_contain_text("coaching session held, 60 minutes")
    await expect(timeline).to_contain_text("Grace Hopper assigned as mentor")
    await expect(timeline).not_to_contain_text(str(mentor_id))
    chart = page.get_by_role("img", name="Coaching sessions held against the cadence, week by week")
    await expect(chart).to_be_visible()
    await expect(chart.locator("polyline.held")).to_have_count(1)
    await page.get_by_text("The chart's figures as a table").click()
    await expect(page.get_by_role("table", name="Sessions held and expected, week by week")).to_be_visible()
    await page.close()


async def test_without_signing_in_the_browser_is_told_how(platform: Any, browser: Any) -> None:
    from playwright.async_api import expect

    page = await browser.new_page()
    response = await page.goto(platform.url("reporting") + "/dashboard")
    assert response is not None and response.status == 401
    await expect(page.get_by_role("heading", name="Sign in to the dashboard")).to_be_visible()
    await expect(page.locator("body")).to_contain_text("ect token --role hub_lead --user lead-1")
    await page.close()
