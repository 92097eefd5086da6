"""The school page (``/dashboard/schools/{urn}``) and the AB page's end-of-induction clocks, on
PostgreSQL through the reporting harness: names, statuses, whose step each draft is, what
waits for the headteacher, the mentors' training; who may see which school, down to the row."""

from __future__ import annotations

import html as entities
import re
from datetime import date
from typing import Any
from uuid import UUID

import httpx
import pytest

from contracts import Role
from reporting.dashboard.auth import COOKIE
from tests.integration.test_dashboard_pages import as_
from tests.integration.test_reporting_end_of_induction import to_final_recommendation
from tests.integration.test_reporting_harness import ISSUER, LEAD_P, Hub, open_hub
from tests.integration.test_reporting_scenarios import START, coaching_days

pytestmark = pytest.mark.integration

DAY = date(2025, 12, 15)
OAKWOOD, ELM = "100001", "100002"
TUTOR = as_(Role.INDUCTION_TUTOR, "tutor-1", schools=[OAKWOOD])
HEAD = as_(Role.HEADTEACHER, "head-1", schools=[OAKWOOD])
OTHER_HEAD = as_(Role.HEADTEACHER, "head-9", schools=[ELM])
AB1 = as_(Role.APPROPRIATE_BODY, "ab-1")
PAGE = f"/dashboard/schools/{OAKWOOD}"


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START, event_store_on_postgres=True)
    yield hub
    await hub.pool.close()
    hub.reporting.close()


def api(role: Role, user: str, **scope: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER.issue(user, role, **scope)}"}  # type: ignore[arg-type]


async def oakwood(hub: Hub) -> dict[str, UUID]:
    """Oakwood: Ada (mentored by Grace, who went to a conference and missed a clinic) and Bob
    (no mentor); Cy at Oakwood with another AB; Dee at Elm. Named schools and ABs."""
    hub.on(START)
    ada = hub.register()
    bob = hub.register(trn="3000002", name="Bob Alone")
    cy = hub.register(trn="3000003", name="Cy Otherab", appropriate_body_id="ab-2")
    dee = hub.register(trn="3000004", name="Dee Elm", school_id=ELM)
    grace = hub.mentor()
    alan = hub.mentor("7000002", name="Alan Turing")  # registered at Oakwood, mentors nobody yet
    hub.assign(ada, grace, START)
    hub.scheduling.record_mentor_training(grace, request_id="t1", kind="conference",
                                          held_on=date(2025, 10, 1), attended=True, provenance=LEAD_P)
    hub.scheduling.record_mentor_training(grace, request_id="t2", kind="clinic",
                                          held_on=date(2025, 11, 5), attended=False, provenance=LEAD_P)
    hub.scheduling.name_school(OAKWOOD, "Oakwood Primary School", LEAD_P)
    hub.scheduling.name_school(ELM, "Elm Academy", LEAD_P)
    hub.scheduling.name_appropriate_body("ab-1", "Northern Teaching School Hub AB", LEAD_P)
    hub.on(DAY)
    hub.sessions(ada, coaching_days(START, DAY))  # coached every week: green
    await hub.deliver()
    return {"ada": ada, "bob": bob, "cy": cy, "dee": dee, "grace": grace, "alan": alan}


async def draft(hub: Hub, ect: UUID, kind: str = "formal_assessment", term: int = 1) -> str:
    body = {"draft": True, "kind": kind, "term_number": term, "on_track": True,
            "evidence_summary": "Meets the standards", "targets": "Questioning",
            "drafted_on": DAY.isoformat(),
            **({"assessor_role": "headteacher", "assessor_id": "head-1",
                "assessment_meeting_on": DAY.isoformat()} if kind == "formal_assessment" else
               {"assessor_role": "induction_tutor"})}
    created = await hub.http.post(f"/ects/{ect}/term-reports", headers=api(
        Role.INDUCTION_TUTOR, "tutor-1", schools=[OAKWOOD]), json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def sign_as_ect(hub: Hub, ect: UUID, report: str) -> None:
    signed = await hub.http.post(f"/ects/{ect}/term-reports/{report}/sign", headers=api(Role.ECT, str(ect)),
                                 json={"signed_on": DAY.isoformat(), "comments": "A fair account"})
    assert signed.status_code == 200, signed.text
    await hub.deliver()


def row(html: str, name: str) -> str:
    """The table row of the ECT named ``name`` (its header cell holds the link to their page)."""
    found = re.search(r"<tr data-ect=[^>]*>(?:(?!</tr>).)*?>" + re.escape(name) + r"</a>.*?</tr>",
                      html, re.S)
    assert found, f"{name} not on the page"
    return entities.unescape(found.group(0))


def section(html: str, heading_id: str) -> str:
    found = re.search(r'<section[^>]*aria-labelledby="' + heading_id + r'".*?</section>', html, re.S)
    assert found, heading_id
    return entities.unescape(found.group(0))


async def test_a_tutor_and_a_headteacher_see_their_school_by_name_with_statuses_and_whose_step(hub: Hub):
    people = await oakwood(hub)
    ada_report = await draft(hub, people["ada"])  # the ECT to sign
    bob_review = await draft(hub, people["bob"], kind="progress_review")
    await sign_as_ect(hub, people["bob"], bob_review)  # a review: no headteacher, the tutor submits
    for who in (TUTOR, HEAD):
        page = await hub.http.get(PAGE, headers=who)
        assert page.status_code == 200, page.text
        html = page.text
        assert "<h1>Oakwood Primary School (URN 100001)</h1>" in html
        assert "Dee Elm" not in html  # Elm's ECT is not Oakwood's
        ada, bob = row(html, "Ada Lovelace"), row(html, "Bob Alone")
        assert f'href="/dashboard/ects/{people["ada"]}"' in ada and "(TRN 1234567)" in ada
        assert "Grace Hopper" in ada and "Year 1, term 1" in ada
        # coached every week, but her mentor missed a clinic: amber, the reason in words
        assert 'class="status status-amber">Amber' in ada
        assert "the mentor missed 1 training session(s): clinic" in ada
        # never mentored: red, with the reason in words beside the colour
        assert 'class="status status-red">Red' in bob and "None assigned" in bob
        assert re.search(r'<li><span class="level">Red:</span> [^<]*mentor', bob)
        assert (f'href="/dashboard/ects/{people["ada"]}#report-{ada_report}">Formal assessment, term 1</a>: '
                "waiting for the ECT to sign") in ada
        assert "Progress review, term 1</a>: waiting for the induction tutor to submit" in bob
        assert "Next report due" in html and "progress review, term 1" in ada
        # Cy is Oakwood's too, with another AB: the school sees every ECT of its own
        assert "Cy Otherab" in html
        mentors = section(html, "mentors-heading")
        assert "Grace Hopper" in mentors and "Alan Turing" in mentors
        assert "Conference: 1 attended, none missed" in mentors
        assert "Clinic: 0 attended, <strong>1 missed</strong>" in mentors
        grace = re.search(r"<tr><th scope=\"row\">Grace Hopper.*?</tr>", mentors, re.S)
        assert grace and "Ada Lovelace" in grace.group(0) and "Bob Alone" not in grace.group(0)
        alan = re.search(r"<tr><th scope=\"row\">Alan Turing.*?</tr>", mentors, re.S)
        assert alan and "No ECT at present" in alan.group(0)
    head = await hub.http.get(PAGE, headers=HEAD)
    assert "Waiting for your signature: 0 reports" in head.text
    assert "No report is waiting for the headteacher's signature." in head.text


async def test_the_headteacher_sees_a_draft_to_sign_once_the_ect_has_signed_it(hub: Hub):
    people = await oakwood(hub)
    report = await draft(hub, people["ada"])
    before = section((await hub.http.get(PAGE, headers=HEAD)).text, "to-sign-heading")
    assert "Waiting for your signature: 0 reports" in before and report not in before
    await sign_as_ect(hub, people["ada"], report)
    html = (await hub.http.get(PAGE, headers=HEAD)).text
    to_sign = section(html, "to-sign-heading")
    assert "Waiting for your signature: 1 report<" in to_sign
    assert (f'<a href="/dashboard/ects/{people["ada"]}#report-{report}">Formal assessment, term 1, for '
            "Ada Lovelace (TRN 1234567)</a>: signed by the ECT") in to_sign
    assert "waiting for the headteacher to sign" in row(html, "Ada Lovelace")
    # the tutor reads the same list, worded for someone else's signature
    tutor = section((await hub.http.get(PAGE, headers=TUTOR)).text, "to-sign-heading")
    assert "Waiting for the headteacher's signature: 1 report<" in tutor and report in tutor
    # once the headteacher has signed, it leaves the list: the tutor's step now
    signed = await hub.http.post(f"/ects/{people['ada']}/term-reports/{report}/sign", headers=api(
        Role.HEADTEACHER, "head-1", schools=[OAKWOOD]), json={"signed_on": DAY.isoformat(),
                                                             "name": "H. Head"})
    assert signed.status_code == 200, signed.text
    after = (await hub.http.get(PAGE, headers=HEAD)).text
    assert "Waiting for your signature: 0 reports" in after
    assert "waiting for the induction tutor to submit" in row(after, "Ada Lovelace")
    # submitted, it is the AB's: no longer a draft on the school's page
    sent = await hub.http.post(f"/ects/{people['ada']}/term-reports/{report}/submit", headers=api(
        Role.INDUCTION_TUTOR, "tutor-1", schools=[OAKWOOD]), json={"submitted_on": DAY.isoformat(),
                                                                  "name": "T. Tutor"})
    assert sent.status_code == 200, sent.text
    await hub.deliver()
    submitted = row((await hub.http.get(PAGE, headers=TUTOR)).text, "Ada Lovelace")
    assert "Formal assessment, term 1" not in submitted and "<td>None</td>" in submitted


async def test_another_schools_headteacher_an_ect_and_a_mentor_are_refused_by_a_named_rule(hub: Hub):
    people = await oakwood(hub)
    other = await hub.http.get(PAGE, headers=OTHER_HEAD)
    assert other.status_code == 403 and "Not yours to see" in other.text
    assert "head-9 does not act for Oakwood Primary School (URN 100001)" in other.text
    assert "Ada Lovelace" not in other.text
    tutor_elsewhere = await hub.http.get(PAGE, headers=as_(Role.INDUCTION_TUTOR, "tutor-9", schools=[ELM]))
    assert tutor_elsewhere.status_code == 403 and "does not act for Oakwood" in tutor_elsewhere.text
    for who in (as_(Role.ECT, str(people["ada"])), as_(Role.MENTOR, str(people["grace"]))):
        refused = await hub.http.get(PAGE, headers=who)
        assert refused.status_code == 403 and "Ada Lovelace" not in refused.text
        assert "may read a school's page" in entities.unescape(refused.text)
    # their own school still opens for the Elm headteacher, with only Elm's ECT
    elm = await hub.http.get(f"/dashboard/schools/{ELM}", headers=OTHER_HEAD)
    assert elm.status_code == 200 and "Dee Elm" in elm.text and "Ada Lovelace" not in elm.text


async def test_an_ab_sees_only_the_ects_it_holds_at_the_school_and_no_drafts(hub: Hub):
    people = await oakwood(hub)
    await draft(hub, people["ada"])
    page = await hub.http.get(PAGE, headers=AB1)
    assert page.status_code == 200, page.text
    html = page.text
    assert "Ada Lovelace" in html and "Bob Alone" in html
    assert "Cy Otherab" not in html  # held by ab-2
    assert "Only the early career teachers whose induction Northern Teaching School Hub AB holds" in html
    assert "Waiting for" not in html and "Formal assessment, term 1" not in html  # drafts are the school's
    assert "Drafts are the school's and the ECT's" in row(html, "Ada Lovelace")
    mentors = section(html, "mentors-heading")
    assert "Grace Hopper" in mentors and "Alan Turing" not in mentors  # only its ECTs' mentors
    ab2 = (await hub.http.get(PAGE, headers=as_(Role.APPROPRIATE_BODY, "ab-2"))).text
    assert "Cy Otherab" in ab2 and "Ada Lovelace" not in ab2 and "Grace Hopper" not in ab2
    # an auditor and a hub lead see every Oakwood ECT; the hub lead no drafts (not content)
    auditor = (await hub.http.get(PAGE, headers=as_(Role.AUDITOR, "auditor-1"))).text
    assert all(n in auditor for n in ("Ada Lovelace", "Bob Alone", "Cy Otherab"))
    lead = (await hub.http.get(PAGE, headers=as_(Role.HUB_LEAD, "lead-1"))).text
    assert "Cy Otherab" in lead and "Formal assessment, term 1" not in lead


async def test_the_overview_links_a_school_to_its_page_and_a_one_school_head_lands_there(hub: Hub):
    people = await oakwood(hub)
    overview = (await hub.http.get("/dashboard", headers=HEAD)).text
    assert f'<a href="{PAGE}">Oakwood Primary School (URN 100001)</a>' in overview
    assert f'<a href="{PAGE}">your school</a>' in overview
    ect = (await hub.http.get("/dashboard", headers=as_(Role.ECT, str(people["ada"])))).text
    assert PAGE not in ect  # an ECT has no school page to follow
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hub.api),
                                 base_url="http://127.0.0.1") as browser:
        head = ISSUER.issue("head-1", Role.HEADTEACHER, schools=[OAKWOOD])
        landed = await browser.post("/dashboard/login", data={"token": head, "next": "/dashboard"},
                                    headers={"Origin": "http://127.0.0.1"})
        assert landed.status_code == 303 and landed.headers["location"] == PAGE
        assert COOKIE in landed.cookies
        asked = await browser.post("/dashboard/login", data={
            "token": head, "next": f"/dashboard/ects/{people['ada']}"}, headers={"Origin": "http://127.0.0.1"})
        assert asked.headers["location"] == f"/dashboard/ects/{people['ada']}"  # where they asked to go
        lead = ISSUER.issue("lead-1", Role.HUB_LEAD)
        overview_first = await browser.post("/dashboard/login", data={"token": lead, "next": "/dashboard"},
                                            headers={"Origin": "http://127.0.0.1"})
        assert overview_first.headers["location"] == "/dashboard"


async def test_the_ab_page_shows_each_end_of_induction_step_whose_it_is_and_what_is_overdue(
        hub: Hub, database_url: str):
    ect = hub.register()
    hub.scheduling.name_school(OAKWOOD, "Oakwood Primary School", LEAD_P)
    await to_final_recommendation(hub, ect, "unsatisfactory")  # received Tue 13 Jul 2027
    hub.on(date(2027, 7, 21))
    await hub.post(f"/ects/{ect}/outcome", {"outcome": "failed", "decided_on": "2027-07-21"},
                   api(Role.APPROPRIATE_BODY, "ab-1"))
    hub.on(date(2027, 7, 22))
    await hub.post(f"/ects/{ect}/outcome/notice", {"recipients": ["ect", "tra"], "given_on": "2027-07-22",
                                                   "method": "email"}, api(Role.APPROPRIATE_BODY, "ab-1"))
    hub.on(date(2027, 7, 28))  # the notice's last day (Mon 26 Jul) has passed, two still owed it
    await hub.deliver()
    html = (await hub.http.get("/dashboard/abs/ab-1", headers=AB1)).text
    steps = section(html, "end-of-induction-heading")
    assert (f'<a href="/dashboard/ects/{ect}">Ada Lovelace</a> (TRN 1234567), '
            "Oakwood Primary School (URN 100001)") in steps
    assert ("<strong>Final recommendation</strong> (the headteacher's step; last day") in steps
    assert "unsatisfactory received 13 Jul 2027" in steps
    # no representations were made by Tue 27 Jul: said so, not marked overdue (a right, not a duty)
    assert ("<strong>Representations</strong> (the ECT's right; last day 27 Jul 2027): "
            "none made by the last day") in steps
    assert ("<strong>Decision</strong> (the appropriate body's step; last day 10 Aug 2027): "
            "done on time; failed on 21 Jul 2027") in steps
    assert ("<strong>Written notice</strong> (the appropriate body's step; last day 26 Jul 2027): "
            '<strong class="overdue">overdue</strong>; given to the ECT on 22 Jul 2027, the TRA on '
            "22 Jul 2027; <strong>still owed to the headteacher, the employer</strong>") in steps
    assert ("<strong>Appeal to the TRA</strong> (the ECT's right; window ends 19 Aug 2027): "
            "due, not yet done") in steps
