"""The dashboard in a real browser over a hub with five months of history (in process).

The e2e test drives the running platform, where every date is today; here the scenario
harness fills the projection with a term and a half of sessions, reviews and absences, so the
chart spans many weeks and holidays, and the overview has every status. Served by uvicorn on
the test's event loop; Debian's Chromium through Playwright.

ECT_DASHBOARD_SCREENSHOT=docs/dashboard.png refreshes the screenshot in the docs.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
import uvicorn

from contracts import Role
from ect_platform.embedded import free_port
from tests.e2e.test_dashboard_browser import chromium
from tests.integration.test_reporting_harness import ISSUER, LEAD_P, Hub, open_hub
from tests.integration.test_reporting_scenarios import START, coaching_days
from tests.support import eventually

pytestmark = pytest.mark.integration

TODAY = date(2026, 2, 11)


@pytest.fixture
async def hub(database_url: str) -> AsyncIterator[Hub]:
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def served(hub: Hub) -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(hub.api, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off", access_log=False))
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def a_hub_in_february(hub: Hub) -> dict[str, uuid.UUID]:
    names = ["Amara Okafor", "Ben Hughes", "Chloe Evans", "Dev Patel", "Ella Wright", "Finn Murphy",
             "Grace Lee"]
    ects = {n.split()[0]: hub.register(trn=f"31{i:05d}", name=n, school_id="100001" if i < 5 else "100002",
                                       appropriate_body_id="ab-1" if i % 3 else "ab-2")
            for i, n in enumerate(names)}
    mentors = {"100001": hub.mentor("7100001"), "100002": hub.mentor("7100002", school_id="100002")}
    hub.on(TODAY)
    weekly = coaching_days(START, TODAY)
    for name, ect in ects.items():
        if name == "Ben":
            continue  # never given a mentor
        hub.assign(ect, mentors["100001" if name not in ("Finn", "Grace") else "100002"], START)
    for name in ("Amara", "Dev", "Ella", "Finn"):
        hub.sessions(ects[name], weekly)
    hub.sessions(ects["Chloe"], weekly[::2])  # fortnightly in year one: short of the cadence
    hub.sessions(ects["Grace"], [d for d in weekly if d < date(2025, 12, 1)])  # stopped in December
    for day in weekly[:6]:
        hub.scheduling.record_drop_in(ects["Amara"], request_id=f"d-{day}", observed_on=day,
                                      focus_area="Adaptive teaching", strengths="Clear modelling",
                                      development_areas="Checking for understanding", next_step=None,
                                      provenance=LEAD_P)
    hub.scheduling.record_absence(ects["Dev"], request_id="flu", first_day=date(2026, 1, 5), days=22,
                                  reason="sickness", provenance=LEAD_P)
    other_school = {"Authorization": "Bearer " + ISSUER.issue("tutor-2", Role.INDUCTION_TUTOR,
                                                               schools=["100002"])}
    for name in ("Amara", "Chloe", "Dev", "Finn"):
        await hub.review(ects[name], 1, date(2025, 12, 17),
                         **({"who": other_school} if name == "Finn" else {}))
    await hub.review(ects["Ella"], 1, date(2025, 12, 17), on_track=False)
    await hub.deliver()
    return ects


async def test_the_dashboard_over_a_term_and_a_half_of_history(hub: Hub, served: str, browser: Any) -> None:
    from playwright.async_api import expect

    ects = await a_hub_in_february(hub)
    page = await browser.new_page(viewport={"width": 1440, "height": 900})
    await page.goto(f"{served}/dashboard/login")  # the token is posted, never put in an address
    await page.get_by_label("Token").fill(ISSUER.issue("lead-1", Role.HUB_LEAD))
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{served}/dashboard")
    rows = page.locator("table.ects tbody tr")
    await expect(rows).to_have_count(7)
    for status in ("Green", "Amber", "Red"):
        await expect(page.locator(f".status-{status.lower()}").first).to_have_text(status)
    await expect(page.locator(f'tr[data-ect="{ects["Ben"]}"] .status')).to_have_text("Red")
    await expect(page.locator(f'tr[data-ect="{ects["Ella"]}"]')).to_contain_text("not on track")
    screenshot = os.environ.get("ECT_DASHBOARD_SCREENSHOT")
    if screenshot:
        await page.screenshot(path=screenshot, full_page=True)

    # keyboard users skip the header straight to the content
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()

    await page.get_by_role("link", name="Amara Okafor").click()
    chart = page.get_by_role("img", name="Coaching sessions held against the cadence, week by week")
    await expect(chart).to_be_visible()
    assert await chart.locator("rect").count() >= 2  # the Christmas holiday and half-terms are shaded
    await expect(page.locator("table.timeline")).to_contain_text("Progress review for term 1: on track")
    await expect(page.locator("table.timeline")).to_contain_text("drop-in observation recorded")

    await page.goto(f"{served}/dashboard/abs/ab-1")
    await expect(page.get_by_role("heading", name="Outcomes and their deadlines")).to_be_visible()
    owed = "Reviews and assessments owed to appropriate body ab-1, per school term"
    await expect(page.get_by_role("table", name=owed)).to_contain_text("2025-autumn")

    # signing out ends the session: back on the sign-in page, and the dashboard is closed
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(f"{served}/dashboard/login")
    closed = await page.goto(f"{served}/dashboard")
    assert closed is not None and closed.status == 401
    await page.close()
