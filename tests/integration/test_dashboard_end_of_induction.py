"""The end of induction on the ECT's dashboard page: every step with whose it is and its last
day, and the forms for the steps the caller may record (the ECT's representations and
appeal, the AB's notice and the appeal's outcome), each running the API's own action."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from contracts import Role
from tests.integration.test_reporting_end_of_induction import to_final_recommendation
from tests.integration.test_reporting_harness import AB, ISSUER, Hub, open_hub
from tests.integration.test_reporting_progress_scenarios import published
from tests.integration.test_reporting_scenarios import START

pytestmark = pytest.mark.integration
HTML = {"Accept": "text/html", "Origin": "http://t"}


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


def as_(role: Role, user: str, **scope: object) -> dict[str, str]:
    return {**HTML, "Authorization": f"Bearer {ISSUER.issue(user, role, **scope)}"}  # type: ignore[arg-type]


async def test_a_fail_is_answered_noticed_and_appealed_from_the_ect_page(hub: Hub):
    ect = hub.register()
    await to_final_recommendation(hub, ect, "unsatisfactory")
    hub.on(date(2027, 7, 20))
    await hub.deliver()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=hub.api), base_url="http://t")
    page, own, ab = f"/dashboard/ects/{ect}", as_(Role.ECT, str(ect)), as_(Role.APPROPRIATE_BODY, "ab-1")
    shown = (await client.get(page, headers=own)).text
    assert "End of induction" in shown and "27 Jul 2027" in shown  # representations' last day
    assert 'action="/dashboard/ects/' in shown and "Your written representations" in shown
    assert "Record the notice" not in shown  # nothing decided yet, and notice is the AB's

    posted = await client.post(f"{page}/end-of-induction/representations", headers=own,
                               data={"summary": "My term 5 targets were met"})
    assert posted.status_code == 303 and posted.headers["location"].endswith("#end-of-induction")
    (made,) = published(hub, "EctRepresentationsMade")
    assert made.payload.summary == "My term 5 targets were met"
    empty = await client.post(f"{page}/end-of-induction/representations", headers=own,
                              data={"summary": "  "})
    assert empty.status_code == 422 and "could not be recorded" in empty.text
    assert len(published(hub, "EctRepresentationsMade")) == 1  # nothing more recorded

    hub.on(date(2027, 7, 21))
    await hub.post(f"/ects/{ect}/outcome", {"outcome": "failed", "decided_on": "2027-07-21"}, AB)
    hub.on(date(2027, 7, 22))
    await hub.deliver()
    for_ab = (await client.get(page, headers=ab)).text
    assert "Record the notice" in for_ab and "the Teaching Regulation Agency" in for_ab
    assert (await client.post(f"{page}/end-of-induction/notice", headers=own,
                              data={"recipients": "ect", "method": "email"})).status_code == 403
    noticed = await client.post(f"{page}/end-of-induction/notice", headers=ab,
                                data={"recipients": ["ect", "tra"], "method": "post"})
    assert noticed.status_code == 303
    (notice,) = published(hub, "DecisionNoticeRecorded")
    assert sorted(notice.payload.recipients) == ["ect", "tra"] and notice.payload.method == "post"
    await hub.deliver()
    after = (await client.get(page, headers=ab)).text
    assert "still owed to headteacher, employer" in after

    appeal_form = (await client.get(page, headers=own)).text
    assert "Grounds of the appeal" in appeal_form
    appealed = await client.post(f"{page}/end-of-induction/appeal", headers=own,
                                 data={"grounds": "The evidence of term 5 was not considered"})
    assert appealed.status_code == 303
    await hub.deliver()
    assert "Record the appeal's outcome" in (await client.get(page, headers=ab)).text
    forged = await client.post(f"{page}/end-of-induction/appeal-outcome", data={
        "appeal_outcome": "allowed"}, headers={**ab, "Origin": "https://elsewhere.example"})
    assert forged.status_code == 403 and published(hub, "AppealDecided") == []
    decided = await client.post(f"{page}/end-of-induction/appeal-outcome", headers=ab,
                                data={"appeal_outcome": "allowed"})
    assert decided.status_code == 303
    (outcome,) = published(hub, "AppealDecided")
    assert outcome.payload.appeal_outcome == "allowed"
    await client.aclose()
