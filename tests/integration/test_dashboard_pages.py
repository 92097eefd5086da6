"""The dashboard's HTML routes on PostgreSQL, in process: sign-in, filters, access, pages, live feed."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from contracts import Role
from reporting.dashboard import live
from reporting.dashboard.auth import COOKIE
from tests.integration.test_reporting_harness import ISSUER, Hub, open_hub
from tests.integration.test_reporting_scenarios import START, coaching_days

pytestmark = pytest.mark.integration

HTML = {"Accept": "text/html"}
DEC = date(2025, 12, 19)


def token(role: Role, user: str, **scope: object) -> str:
    return ISSUER.issue(user, role, **scope)  # type: ignore[arg-type]


def as_(role: Role, user: str, **scope: object) -> dict[str, str]:
    return {**HTML, "Authorization": f"Bearer {token(role, user, **scope)}"}


LEAD = as_(Role.HUB_LEAD, "lead-1")


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


async def three_ects(hub: Hub) -> dict[str, str]:
    """Coached every week (green), never mentored (red by December), at another school (red)."""
    coached = hub.register(trn="3000001", name="Ada Coached")
    alone = hub.register(trn="3000002", name="Bob Alone")
    elsewhere = hub.register(trn="3000003", name="Cy Elsewhere", school_id="100002")
    mentor = hub.mentor()
    hub.assign(coached, mentor, START)
    hub.on(DEC)
    hub.sessions(coached, coaching_days(START, DEC))
    await hub.deliver()
    return {"coached": str(coached), "alone": str(alone), "elsewhere": str(elsewhere),
            "mentor": str(mentor)}


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/dashboard/ects/[0-9a-f-]+">([^<]+)</a>', html)


def loopback(hub: Hub, scheme: str = "http") -> httpx.AsyncClient:
    """A client of the same app as seen on this machine (``make run``): cookies are not Secure."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=hub.api), base_url=f"{scheme}://127.0.0.1")


async def sessions_of(hub: Hub) -> list[dict[str, object]]:
    """The dashboard's stored sessions (none before the first sign-in creates the table)."""
    if await hub.pool.fetchval("SELECT to_regclass('dashboard_sessions')") is None:
        return []
    rows = await hub.pool.fetch("SELECT * FROM dashboard_sessions ORDER BY created_at")
    return [dict(row) for row in rows]


async def test_without_a_token_a_browser_is_offered_the_sign_in_form_and_an_api_client_gets_a_problem(
        hub: Hub):
    page = await hub.http.get("/dashboard", headers=HTML)
    assert page.status_code == 401
    assert page.headers["content-type"].startswith("text/html")
    assert "ect token --role hub_lead --user lead-1" in page.text
    assert '<form class="sign-in" method="post" action="/dashboard/login">' in page.text
    assert 'name="next" value="/dashboard"' in page.text
    assert "?token=" not in page.text
    api = await hub.http.get("/dashboard")
    assert api.status_code == 401 and api.json()["type"].endswith("/not-authenticated")
    bad = await hub.http.post("/dashboard/login", data={"token": "not-a-jwt"}, headers=HTML)
    assert bad.status_code == 401 and "not valid" in bad.text and "set-cookie" not in bad.headers


async def test_signing_in_posts_the_token_and_gives_the_browser_a_strict_http_only_session_not_the_token(
        hub: Hub):
    await three_ects(hub)
    bearer = token(Role.HUB_LEAD, "lead-1")
    async with loopback(hub) as browser:
        form = await browser.get("/dashboard/login", headers=HTML)
        assert form.status_code == 200 and 'method="post"' in form.text
        answer = await browser.post("/dashboard/login", data={"token": bearer}, headers=HTML)
        assert answer.status_code == 303 and answer.headers["location"] == "/dashboard"
        assert answer.headers["cache-control"] == "no-store"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=")
        for attribute in ("HttpOnly", "SameSite=strict", "Path=/dashboard"):
            assert attribute.lower() in cookie.lower(), cookie
        assert "secure" not in cookie.lower(), cookie  # plain http on loopback: no TLS to insist on
        session_id = browser.cookies[COOKIE]
        assert session_id != bearer and session_id not in bearer and bearer not in cookie
        [stored] = await sessions_of(hub)
        assert (stored["user_id"], stored["role"], stored["schools"]) == ("lead-1", "hub_lead", None)
        assert session_id not in str(stored)  # only a hash of the id is kept
        assert stored["expires_at"].timestamp() <= ISSUER.verify_until(bearer)[1]
        page = await browser.get("/dashboard", headers=HTML)  # the client now carries the cookie
        assert page.status_code == 200, page.text
        assert names(page.text) == ["Ada Coached", "Bob Alone", "Cy Elsewhere"]
        assert "Signed in as <strong>lead-1</strong>" in page.text
        assert page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        css = await browser.get("/dashboard/static/dashboard.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        away = await browser.post("/dashboard/login", headers=HTML,
                                  data={"token": bearer, "next": "//evil.example/"})
        assert away.headers["location"] == "/dashboard"
        there = await browser.post("/dashboard/login", headers=HTML,
                                   data={"token": bearer, "next": "/dashboard/abs/ab-1"})
        assert there.headers["location"] == "/dashboard/abs/ab-1"


async def test_signing_out_deletes_the_session_so_the_old_cookie_no_longer_works(hub: Hub):
    async with loopback(hub) as browser:
        await browser.post("/dashboard/login", data={"token": token(Role.HUB_LEAD, "lead-1")}, headers=HTML)
        session_id = browser.cookies[COOKIE]
        assert (await browser.get("/dashboard", headers=HTML)).status_code == 200
        out = await browser.post("/dashboard/logout", headers=HTML)
        assert out.status_code == 303 and COOKIE not in browser.cookies
        assert (await browser.get("/dashboard", headers=HTML)).status_code == 401
        assert await sessions_of(hub) == []
    async with loopback(hub) as thief:  # a copy of the cookie taken before signing out
        thief.cookies.set(COOKIE, session_id, domain="127.0.0.1", path="/dashboard")
        again = await thief.get("/dashboard", headers=HTML)
        assert again.status_code == 401 and "session has ended" in again.text
        # an ended session's cookie neither blocks signing out nor signing in again
        assert (await thief.post("/dashboard/logout", headers=HTML)).status_code == 303
        thief.cookies.set(COOKIE, session_id, domain="127.0.0.1", path="/dashboard")
        back = await thief.post("/dashboard/login", data={"token": token(Role.HUB_LEAD, "lead-1")},
                                headers=HTML)
        assert back.status_code == 303 and thief.cookies[COOKIE] != session_id
        assert (await thief.get("/dashboard", headers=HTML)).status_code == 200


async def test_a_token_in_the_sign_in_address_is_refused_and_sets_nothing(hub: Hub):
    bearer = token(Role.HUB_LEAD, "lead-1")
    async with loopback(hub) as browser:
        answer = await browser.get("/dashboard/login", params={"token": bearer}, headers=HTML)
        assert answer.status_code == 400
        assert "set-cookie" not in answer.headers and not browser.cookies
        assert "not accepted" in answer.text and bearer not in answer.text
        assert (await browser.get("/dashboard", headers=HTML)).status_code == 401
    assert await sessions_of(hub) == []


async def test_the_session_cookie_is_secure_except_over_plain_http_to_loopback(hub: Hub):
    bearer = token(Role.HUB_LEAD, "lead-1")
    answers = {"http://r": await hub.http.post("/dashboard/login", data={"token": bearer})}
    async with loopback(hub, "https") as tls:
        answers["https://127.0.0.1"] = await tls.post("/dashboard/login", data={"token": bearer})
    for where, answer in answers.items():
        assert "; secure" in answer.headers["set-cookie"].lower(), where


async def test_a_session_ends_when_its_token_expires(hub: Hub):
    async with loopback(hub) as browser:
        # A one-second token raced the sign-in under load (expired before the first page: seen
        # failing once in a full run); so the session's end is read, then reached, not waited for.
        signed = ISSUER.issue("lead-1", Role.HUB_LEAD, ttl_seconds=600)
        await browser.post("/dashboard/login", data={"token": signed}, headers=HTML)
        assert (await browser.get("/dashboard", headers=HTML)).status_code == 200
        [session] = await sessions_of(hub)
        assert session["expires_at"].timestamp() == ISSUER.verify_until(signed)[1]  # the token's end
        # the token's end comes: the session is over with it
        await hub.pool.execute("UPDATE dashboard_sessions SET expires_at = now()")
        assert (await browser.get("/dashboard", headers=HTML)).status_code == 401


async def test_signing_in_from_another_site_is_refused(hub: Hub):
    async with loopback(hub) as browser:
        answer = await browser.post("/dashboard/login", data={"token": token(Role.HUB_LEAD, "lead-1")},
                                    headers={**HTML, "Origin": "https://evil.example"})
        assert answer.status_code == 403 and not browser.cookies
        for origin in ("null", "http://127.0.0.1.evil.example"):
            refused = await browser.post("/dashboard/login", data={"token": token(Role.HUB_LEAD, "lead-1")},
                                         headers={**HTML, "Origin": origin})
            assert refused.status_code == 403, origin
        # the form's own page: its referrer policy lets the browser send the real Origin
        form = await browser.get("/dashboard/login", headers=HTML)
        assert form.headers["referrer-policy"] == "same-origin"
        ours = await browser.post("/dashboard/login", data={"token": token(Role.HUB_LEAD, "lead-1")},
                                  headers={**HTML, "Origin": "http://127.0.0.1"})
        assert ours.status_code == 303 and browser.cookies[COOKIE]


async def test_the_overview_shows_status_in_words_and_filters_by_status_school_ab_and_search(hub: Hub):
    ects = await three_ects(hub)
    page = (await hub.http.get("/dashboard", headers=LEAD)).text
    row = page[page.index(f'data-ect="{ects["alone"]}"'):]
    row = row[:row.index("</tr>")]
    assert '<span class="status status-red">Red</span>' in row and "no mentor assigned" in row
    assert "None assigned" in row
    assert '<span class="status status-green">Green</span>' in page
    coached = page[page.index(f'data-ect="{ects["coached"]}"'):]
    coached = coached[:coached.index("</tr>")]
    assert "Grace Hopper" in coached and ects["mentor"] not in page  # people read names
    assert ects["mentor"][:8] not in page
    [one] = (await hub.get("/entitlement", LEAD, q=None, status="green"))["items"]
    assert (one["name"], one["mentor_name"]) == ("Ada Coached", "Grace Hopper")
    ect_page = (await hub.http.get(f"/dashboard/ects/{ects['coached']}", headers=LEAD)).text
    assert "Grace Hopper" in ect_page and ects["mentor"] not in ect_page
    async def listed(**params: str) -> list[str]:
        answer = await hub.http.get("/dashboard", headers=LEAD, params=params)
        assert answer.status_code == 200, answer.text
        return names(answer.text)
    assert await listed(status="green") == ["Ada Coached"]
    assert await listed(status="red") == ["Bob Alone", "Cy Elsewhere"]
    assert await listed(school="100002") == ["Cy Elsewhere"]
    assert await listed(ab="ab-1", status="", q="") == ["Ada Coached", "Bob Alone", "Cy Elsewhere"]
    assert await listed(q="bob") == ["Bob Alone"]
    assert await listed(q="3000003") == ["Cy Elsewhere"]
    assert await listed(q="%") == []  # a search is text, not a pattern
    assert await listed(q="a", status="green") == ["Ada Coached"]
    fragment = await hub.http.get("/dashboard", headers=LEAD, params={"status": "red", "fragment": "table"})
    assert fragment.text.lstrip().startswith('<div class="table-wrap"') and "<html" not in fragment.text
    assert names(fragment.text) == ["Bob Alone", "Cy Elsewhere"]
    bad = await hub.http.get("/dashboard", headers=LEAD, params={"status": "purple"})
    assert bad.status_code == 400 and "status must be one of" in bad.text


async def test_the_overview_pages_through_many_ects(hub: Hub):
    for n in range(55):
        hub.register(trn=f"40000{n:02d}", name=f"ECT {n:02d}")
    await hub.deliver()
    first = (await hub.http.get("/dashboard", headers=LEAD)).text
    assert len(names(first)) == 50 and "Showing 1\u201350 of 55" in first
    assert 'href="/dashboard?offset=50" rel="next"' in first
    second = (await hub.http.get("/dashboard?offset=50", headers=LEAD)).text
    assert names(second) == [f"ECT {n}" for n in range(50, 55)]


async def test_each_role_sees_only_what_reporting_lets_it_read(hub: Hub):
    ects = await three_ects(hub)
    tutor = as_(Role.INDUCTION_TUTOR, "tutor-1", schools=["100001"])
    assert names((await hub.http.get("/dashboard", headers=tutor)).text) == ["Ada Coached", "Bob Alone"]
    refused = await hub.http.get("/dashboard", headers=tutor, params={"school": "100002"})
    assert refused.status_code == 403 and "does not act for school 100002" in refused.text
    elsewhere = await hub.http.get(f"/dashboard/ects/{ects['elsewhere']}", headers=tutor)
    assert elsewhere.status_code == 403
    mentor = as_(Role.MENTOR, ects["mentor"])
    assert names((await hub.http.get("/dashboard", headers=mentor)).text) == ["Ada Coached"]
    assert (await hub.http.get(f"/dashboard/ects/{ects['alone']}", headers=mentor)).status_code == 403
    assert (await hub.http.get("/dashboard/abs/ab-1", headers=mentor)).status_code == 403
    other_ab = as_(Role.APPROPRIATE_BODY, "ab-2")
    assert names((await hub.http.get("/dashboard", headers=other_ab)).text) == []
    assert (await hub.http.get("/dashboard/abs/ab-1", headers=other_ab)).status_code == 403
    own_ab = as_(Role.APPROPRIATE_BODY, "ab-1")
    assert len(names((await hub.http.get("/dashboard", headers=own_ab)).text)) == 3
    auditor = as_(Role.AUDITOR, "auditor-1")
    assert (await hub.http.get(f"/dashboard/ects/{ects['alone']}", headers=auditor)).status_code == 200


async def test_the_ect_page_has_the_timeline_and_the_chart_of_sessions_against_the_cadence(hub: Hub):
    ects = await three_ects(hub)
    await hub.review(hub_uuid(ects["coached"]), 1, DEC)
    row = await hub.entitlement(hub_uuid(ects["coached"]))
    page = await hub.http.get(f"/dashboard/ects/{ects['coached']}", headers=LEAD)
    assert page.status_code == 200
    html = page.text
    assert "<h2 id=\"timeline-heading\">Timeline</h2>" in html
    assert html.count("coaching session held, 60 minutes") == row["sessions_held"] == 15
    assert "Progress review for term 1: on track" in html
    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in html
    held = f"{row['sessions_held']} coaching sessions held, {row['sessions_expected']} expected"
    assert held in html  # the chart's running totals end where the projection's figures are
    last_week = re.findall(r"<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td></tr>", html)[-1]
    assert last_week == (str(row["sessions_held"]), str(row["sessions_expected"]))
    assert (await hub.http.get(f"/dashboard/ects/{ects['alone']}?fragment=live", headers=LEAD)
            ).text.lstrip().startswith("<section")
    unknown = await hub.http.get("/dashboard/ects/00000000-0000-0000-0000-000000000000", headers=LEAD)
    assert unknown.status_code == 404


def hub_uuid(value: str):  # type: ignore[no-untyped-def]
    import uuid

    return uuid.UUID(value)


async def test_the_ab_page_counts_submissions_and_exports_csv_for_the_ab_only(hub: Hub):
    ects = await three_ects(hub)
    await hub.review(hub_uuid(ects["coached"]), 1, DEC)
    hub.on(date(2026, 1, 10))
    await hub.deliver()
    await hub.projections.refresh_stale(hub.pool)
    page = await hub.http.get("/dashboard/abs/ab-1", headers=LEAD)
    assert page.status_code == 200
    summary = page.text[page.text.index('id="summary-caption"'):page.text.index('id="submissions-heading"')]
    autumn = summary[summary.index("2025-autumn"):]
    cells = re.findall(r'<td class="num">(?:<strong class="overdue">)?(\d+)', autumn)[:4]
    assert cells == ["0", "1", "0", "2"]  # not yet due, received, of which late, missing
    assert "Exports are for the appropriate body itself" in page.text
    missing = await hub.http.get("/dashboard/abs/ab-1", headers=LEAD, params={"state": "missing"})
    listed = missing.text[missing.text.index('id="submissions-heading"'):]  # not the work queue
    assert names(listed) == ["Bob Alone", "Cy Elsewhere"]
    queue = missing.text[missing.text.index('id="task-reports_missing"'):]
    assert names(queue[:queue.index("</details>")]) == ["Bob Alone", "Cy Elsewhere"]
    ab = as_(Role.APPROPRIATE_BODY, "ab-1")
    page = await hub.http.get("/dashboard/abs/ab-1", headers=ab)
    assert 'href="/dashboard/abs/ab-1/exports/dfe-claims.csv"' in page.text
    claims = await hub.http.get("/dashboard/abs/ab-1/exports/dfe-claims.csv", headers=ab)
    assert claims.status_code == 200 and claims.headers["content-type"].startswith("text/csv")
    lines = claims.text.splitlines()
    assert lines[0] == "TRN,Date of birth,Induction programme,Induction period start date" and len(lines) == 4
    tra = await hub.http.get("/dashboard/abs/ab-1/exports/tra-return.csv?term=2025-autumn", headers=ab)
    assert tra.text.count(",started,") == 3
    assert (await hub.http.get("/dashboard/abs/ab-1/exports/dfe-claims.csv", headers=LEAD)).status_code == 403
    theirs = await hub.http.get("/dashboard/abs/ab-1/exports/dfe-claims.csv",
                                headers=as_(Role.APPROPRIATE_BODY, "ab-2"))
    assert theirs.status_code == 403
    bad_term = await hub.http.get("/dashboard/abs/ab-1/exports/tra-return.csv?term=2025-winter", headers=ab)
    assert bad_term.status_code == 400


async def test_the_event_stream_announces_a_change_of_the_projection(hub: Hub, monkeypatch):
    monkeypatch.setattr(live, "STREAM_SECONDS", 0.6)
    ects = await three_ects(hub)
    page = (await hub.http.get("/dashboard", headers=LEAD)).text
    since = re.search(r'data-live-since="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    quiet = await hub.http.get("/dashboard/events", headers=LEAD, params={"since": since})
    assert quiet.headers["content-type"].startswith("text/event-stream")
    assert "event: changed" not in quiet.text  # nothing happened since the page was drawn
    hub.sessions(hub_uuid(ects["alone"]), [DEC])
    await hub.deliver()
    # the stream ends after STREAM_SECONDS whatever happens: what matters is that it said so
    changed = await hub.http.get("/dashboard/events", headers=LEAD, params={"since": since})
    assert "event: changed" in changed.text
    new = re.search(r"^id: (.+)$", changed.text, re.M).group(1)  # type: ignore[union-attr]
    assert new != since
    resumed = await hub.http.get("/dashboard/events", headers={**LEAD, "Last-Event-ID": new})
    assert "event: changed" not in resumed.text  # a reconnecting page hears only what is new
    table = await hub.http.get("/dashboard", headers=LEAD, params={"q": "Bob", "fragment": "table"})
    assert '<td class="num sessions">1 / ' in table.text


async def test_a_large_hub_s_pages_filter_and_count_across_every_page(hub: Hub):
    # How fast they answer is measured in bench/, not asserted here (a timed test fails on a
    # loaded machine for no fault of the code); here: the right rows, counted over all pages.
    for n in range(300):
        hub.register(trn=f"5{n:06d}", name=f"ECT {n:03d}", school_id=f"1{n % 20:05d}")
    await hub.deliver()
    expected = {(): 300, (("school", "100003"),): 15, (("q", "ECT 1"),): 100,
                (("q", "ECT 1"), ("school", "100003")): 5}
    for params, total in expected.items():
        answer = await hub.http.get("/dashboard", headers=LEAD, params=dict(params))
        assert answer.status_code == 200
        assert f"of {total}</p>" in answer.text, params
        assert len(names(answer.text)) == min(total, 50)


async def test_api_clients_get_problem_details_from_the_dashboard_routes(hub: Hub):
    client: httpx.AsyncClient = hub.http
    mentor = {"Authorization": f"Bearer {token(Role.MENTOR, 'm-1')}"}
    refused = await client.get("/dashboard/abs/ab-1", headers=mentor)
    assert refused.status_code == 403 and refused.json()["type"].endswith("/forbidden")


async def test_the_ect_page_shows_what_was_written_to_those_who_may_read_it(hub: Hub):
    """Reports with their signatures, action steps and drop-in feedback: read back by the ECT,
    their mentor, school and AB and an auditor; the hub lead sees the programme, not the words."""
    from tests.integration.test_reporting_harness import LEAD_P

    ects = await three_ects(hub)
    coached = hub_uuid(ects["coached"])
    hub.scheduling.record_session(coached, request_id="written-1", held_on=date(2025, 12, 16),
                                  minutes=60, observation_included=False,
                                  action_step="Use cold calling to check every pupil's understanding",
                                  provenance=LEAD_P)
    hub.scheduling.record_drop_in(coached, request_id="drop-1", observed_on=date(2025, 12, 17),
                                  focus_area="Adaptive teaching", strengths="Clear modelling of fractions",
                                  development_areas="Pace in the independent task",
                                  next_step="Plan two hinge questions", provenance=LEAD_P)
    await hub.review(coached, 1, DEC, evidence_summary="Secure subject knowledge shown in Year 5 maths",
                     targets="Build in more retrieval practice")
    await hub.deliver()
    written = ("Use cold calling to check every pupil", "Clear modelling of fractions",
               "Plan two hinge questions", "Secure subject knowledge shown in Year 5 maths",
               "Build in more retrieval practice", "T. Tutor (induction tutor)")
    readers = [as_(Role.ECT, ects["coached"]), as_(Role.MENTOR, ects["mentor"]),
               as_(Role.INDUCTION_TUTOR, "tutor-1", schools=["100001"]),
               as_(Role.HEADTEACHER, "head-1", schools=["100001"]), as_(Role.APPROPRIATE_BODY, "ab-1"),
               as_(Role.AUDITOR, "audit-1")]
    for who in readers:
        page = await hub.http.get(f"/dashboard/ects/{coached}", headers=who)
        assert page.status_code == 200, page.text[:300]
        for text in written:
            assert text.replace("'", "&#39;") in page.text, (who, text)
    lead = await hub.http.get(f"/dashboard/ects/{coached}", headers=LEAD)
    assert lead.status_code == 200 and "What was written" not in lead.text
    assert not any(text in lead.text for text in written[:5])
    # another ECT and another school's headteacher see nothing of it
    other = await hub.http.get(f"/dashboard/ects/{coached}", headers=as_(Role.ECT, ects["alone"]))
    elsewhere = await hub.http.get(f"/dashboard/ects/{coached}",
                                   headers=as_(Role.HEADTEACHER, "head-2", schools=["100002"]))
    for refused in (other, elsewhere):
        assert refused.status_code == 403 and written[0] not in refused.text
