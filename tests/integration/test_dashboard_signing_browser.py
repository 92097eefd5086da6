"""A term report signed in turn on the dashboard, in the real browser (Debian's Chromium):
the ECT adds comments and signs, the headteacher signs, the tutor submits to the AB, each
with a plain form that needs no JavaScript; each sees only their own step's form."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
import uvicorn

from contracts import Role
from ect_platform.embedded import free_port
from tests.e2e.test_dashboard_browser import chromium
from tests.integration.test_reporting_harness import ISSUER, TUTOR, Hub, open_hub
from tests.integration.test_reporting_scenarios import START
from tests.support import eventually

pytestmark = pytest.mark.integration
DAY = date(2025, 12, 15)


@pytest.fixture
async def hub(database_url: str) -> AsyncIterator[Hub]:
    hub = await open_hub(database_url, START, event_store_on_postgres=True)
    yield hub
    await hub.pool.close()
    hub.reporting.close()


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


async def signed_in(browser: Any, served: str, role: Role, user: str, **scope: Any) -> Any:
    context = await browser.new_context(java_script_enabled=False)  # the forms work without it
    page = await context.new_page()
    await page.goto(f"{served}/dashboard/login")
    await page.get_by_label("Token").fill(ISSUER.issue(user, role, **scope))
    await page.get_by_role("button", name="Sign in").click()
    # a tutor or headteacher of one school lands on its page; everyone else on the overview
    schools = scope.get("schools") or []
    one_school = role in (Role.HEADTEACHER, Role.INDUCTION_TUTOR) and len(schools) == 1
    await page.wait_for_url(f"{served}/dashboard/schools/{schools[0]}" if one_school
                            else f"{served}/dashboard")
    return page


async def drafted(hub: Hub, name: str) -> tuple[Any, dict[str, Any]]:
    """A teacher claimed at the start of the year, and the tutor's draft of their term-3
    formal assessment, on 15 December."""
    hub.on(START)
    ect = hub.register(name=name)
    hub.on(DAY)
    await hub.deliver()
    draft = await hub.post(f"/ects/{ect}/term-reports", {
        "draft": True, "kind": "formal_assessment", "term_number": 3, "on_track": True,
        "evidence_summary": "Meets the standards", "targets": "Questioning",
        "drafted_on": DAY.isoformat(), "assessor_role": "headteacher", "assessor_id": "head-1",
        "assessment_meeting_on": DAY.isoformat()}, TUTOR)
    return ect, draft


async def test_an_assessment_is_signed_in_turn_and_submitted_on_the_dashboard(hub: Hub, served: str):
    from playwright.async_api import expect

    ada, draft = await drafted(hub, "Ada Signing")
    report = f"#report-{draft['id']}"
    url = f"{served}/dashboard/ects/{ada}"
    async with chromium() as browser:
        head = await signed_in(browser, served, Role.HEADTEACHER, "head-1", schools=["100001"])
        await head.goto(url)
        await expect(head.locator("form.step-form")).to_have_count(0)  # the ECT signs first

        ect = await signed_in(browser, served, Role.ECT, str(ada))
        await ect.goto(url)
        await expect(ect.locator(report)).to_contain_text("draft: ect to sign")
        await ect.get_by_label("Your comments on this formal assessment (optional)").fill(
            "I agree, and I want to work on questioning")
        await ect.get_by_role("button", name="Sign the formal assessment").click()
        await ect.wait_for_url(url + report)
        article = ect.locator("article.report")
        await expect(article).to_contain_text("I agree, and I want to work on questioning")
        await expect(article).to_contain_text("Ada Signing (ect)")
        await expect(ect.locator("form.step-form")).to_have_count(0)  # their step is done

        await head.goto(url)
        await head.get_by_label("Your name, as you sign").fill("Hana Head")
        await head.get_by_role("button", name="Sign the formal assessment").click()
        await head.wait_for_url(url + report)
        await expect(head.locator("article.report")).to_contain_text("Hana Head (headteacher)")

        tutor = await signed_in(browser, served, Role.INDUCTION_TUTOR, "tutor-1", schools=["100001"])
        await tutor.goto(url)
        await expect(tutor.locator("article.report")).to_contain_text("draft: tutor to submit")
        await tutor.get_by_label("Your name, as you sign").fill("Tom Tutor")
        await tutor.get_by_role("button", name="Submit to the appropriate body").click()
        await tutor.wait_for_url(url + report)
        await expect(tutor.locator("article.report")).to_contain_text("submitted")
        await expect(tutor.locator("form.step-form")).to_have_count(0)

    submitted = await hub.get(f"/ects/{ada}/term-reports/{draft['id']}", TUTOR)
    assert submitted["status"] == "submitted" and submitted["fully_signed"] is True
    assert {s["role"] for s in submitted["signatures"]} == {"ect", "headteacher", "induction_tutor"}
    assert submitted["ect_comments"] == "I agree, and I want to work on questioning"


async def test_a_step_out_of_turn_is_refused_on_the_page_and_changes_nothing(hub: Hub, served: str):
    import httpx

    ada, draft = await drafted(hub, "Ada Early")
    token = ISSUER.issue("head-1", Role.HEADTEACHER, schools=["100001"])
    async with httpx.AsyncClient(base_url=served) as client:
        signed = await client.post(f"/dashboard/ects/{ada}/reports/{draft['id']}/sign",
                                   data={"name": "Hana Head"}, headers={
                                       "Accept": "text/html", "Authorization": f"Bearer {token}"})
        assert signed.status_code == 409 and "Not done" in signed.text
        forged = await client.post(f"/dashboard/ects/{ada}/reports/{draft['id']}/sign",
                                   data={"name": "Hana Head"}, headers={
                                       "Accept": "text/html", "Origin": "https://elsewhere.example",
                                       "Authorization": f"Bearer {token}"})
        assert forged.status_code == 403
    after = await hub.get(f"/ects/{ada}/term-reports/{draft['id']}", TUTOR)
    assert after["signatures"] == [] and after["step"] == "ect_to_sign"


async def test_the_ect_makes_representations_on_the_end_of_induction_form(hub: Hub, served: str):
    """In Chromium, JavaScript off: after an unsatisfactory final recommendation the ECT sees
    the steps with their last days and records written representations from their page."""
    from playwright.async_api import expect

    from tests.integration.test_reporting_end_of_induction import to_final_recommendation
    from tests.integration.test_reporting_progress_scenarios import published

    ada = hub.register(name="Ada Representing")
    await to_final_recommendation(hub, ada, "unsatisfactory")
    hub.on(date(2027, 7, 20))
    await hub.deliver()
    url = f"{served}/dashboard/ects/{ada}"
    async with chromium() as browser:
        page = await signed_in(browser, served, Role.ECT, str(ada))
        await page.goto(url)
        steps = page.locator("section.end-of-induction")
        await expect(steps).to_contain_text("27 Jul 2027")  # 10 working days after 13 July
        await page.get_by_label("Your written representations on the recommendation").fill(
            "My term 5 targets were met")
        await page.get_by_role("button", name="Record the representations").click()
        await page.wait_for_url(url + "#end-of-induction")
        await hub.deliver()
        await page.goto(url)
        await expect(page.locator("section.end-of-induction")).to_contain_text("received 20 Jul 2027")
    (made,) = published(hub, "EctRepresentationsMade")
    assert made.payload.summary == "My term 5 targets were met" and not made.payload.recorded_on_behalf
