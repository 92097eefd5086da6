"""A headteacher of one school signs in, in the real browser (Debian's Chromium) with
JavaScript off, lands on their school's page, and follows the link to one of its ECTs."""

from __future__ import annotations

from datetime import date

import pytest

from contracts import Role
from tests.e2e.test_dashboard_browser import chromium
from tests.integration.test_dashboard_signing_browser import hub, served  # noqa: F401 (fixtures)
from tests.integration.test_reporting_harness import ISSUER, LEAD_P, TUTOR, Hub
from tests.integration.test_reporting_scenarios import START

pytestmark = pytest.mark.integration
DAY = date(2025, 12, 15)


async def test_a_headteacher_lands_on_their_school_page_and_follows_a_link_to_an_ect(
        hub: Hub, served: str) -> None:  # noqa: F811
    from playwright.async_api import expect

    hub.on(START)
    ada = hub.register(name="Ada Landing")
    hub.register(trn="3000009", name="Elm Elsewhere", school_id="100002")
    hub.scheduling.name_school("100001", "Oakwood Primary School", LEAD_P)
    hub.on(DAY)
    await hub.deliver()
    draft = await hub.post(f"/ects/{ada}/term-reports", {
        "draft": True, "kind": "formal_assessment", "term_number": 1, "on_track": True,
        "evidence_summary": "Meets the standards", "targets": "Questioning",
        "drafted_on": DAY.isoformat(), "assessor_role": "headteacher", "assessor_id": "head-1",
        "assessment_meeting_on": DAY.isoformat()}, TUTOR)
    async with chromium() as browser:
        context = await browser.new_context(java_script_enabled=False)  # plain links and forms
        page = await context.new_page()
        await page.goto(f"{served}/dashboard/login")
        await page.get_by_label("Token").fill(ISSUER.issue("head-1", Role.HEADTEACHER, schools=["100001"]))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url(f"{served}/dashboard/schools/100001")
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            "Oakwood Primary School (URN 100001)")
        oakwood = "Oakwood Primary School (URN 100001)"
        table = page.get_by_role("table", name=f"Early career teachers at {oakwood}: 1")
        await expect(table).to_contain_text("waiting for the ECT to sign")
        await expect(table).not_to_contain_text("Elm Elsewhere")
        to_sign = page.get_by_role("heading", name="Waiting for your signature: 0 reports")
        await expect(to_sign).to_be_visible()
        await page.get_by_role("link", name="Ada Landing").click()
        await page.wait_for_url(f"{served}/dashboard/ects/{ada}")
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Landing")
        await expect(page.locator(f"#report-{draft['id']}")).to_contain_text("draft: ect to sign")
        # the masthead leads back to the school
        await page.get_by_role("link", name="your school").click()
        await page.wait_for_url(f"{served}/dashboard/schools/100001")
        await context.close()
