"""What was written about an ECT, read back, and a report written and signed in steps, through
reporting's routes, on PostgreSQL: reporting's event store and projections there, its real
consumer and API (the harness; scheduling's application feeds it in process)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from contracts import Role, decode
from reporting.domain.term_report_draft import draft_id
from tests.integration.test_reporting_harness import (
    AB,
    AUDITOR,
    LEAD,
    LEAD_P,
    TUTOR,
    Hub,
    headers,
    open_hub,
)
from tests.integration.test_reporting_scenarios import START

pytestmark = pytest.mark.integration

HEAD = headers(Role.HEADTEACHER, "head-1", schools=["100001"])
DAY = date(2025, 12, 15)


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START, event_store_on_postgres=True)
    yield hub
    await hub.pool.close()
    hub.reporting.close()


def register(hub: Hub, **details: Any) -> uuid.UUID:
    """Claimed on the day the induction starts (a claim is never backdated); the test then
    goes on to the end of the autumn term."""
    hub.on(START)
    ect = hub.register(**details)
    hub.on(DAY)
    return ect


def ect_token(ect: uuid.UUID) -> dict[str, str]:
    return headers(Role.ECT, str(ect))


async def two_ects_with_a_review_and_a_plan(hub: Hub) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Ada at school 100001 (mentor Grace), Bo at 100002 with another AB; Ada has a review that
    found her not on track and a support plan."""
    ada = register(hub)
    bo = register(hub, trn="2222222", name="Bo Diddley", school_id="100002", appropriate_body_id="ab-2")
    grace = hub.mentor()
    other_mentor = hub.mentor("7000002", school_id="100002")
    hub.assign(ada, grace, START)
    hub.assign(bo, other_mentor, START)
    review = await hub.review(ada, 1, DAY, on_track=False, ect_comments="I need more time")
    await hub.post(f"/ects/{ada}/support-plans", {"report_id": review, "shared_on": DAY.isoformat(),
                                                  "summary": "Weekly behaviour coaching"})
    return ada, bo, grace


async def test_each_role_reads_what_was_written_about_the_ects_in_its_scope(hub: Hub):
    ada, bo, grace = await two_ects_with_a_review_and_a_plan(hub)
    hub.scheduling.name_school("100001", "Oakwood Primary School", LEAD_P)
    hub.scheduling.name_appropriate_body("ab-1", "Northern Teaching School Hub AB", LEAD_P)
    readers = {
        "the ECT": ect_token(ada), "their mentor": headers(Role.MENTOR, str(grace)), "tutor": TUTOR,
        "headteacher": HEAD, "their AB": AB, "auditor": AUDITOR}
    for who, token in readers.items():
        reports = await hub.get(f"/ects/{ada}/term-reports", token)
        assert reports["total"] == 1, who
        review = reports["items"][0]
        assert (review["ect_name"], review["ect_trn"], review["status"]) == ("Ada Lovelace", "1234567",
                                                                           "submitted"), who
        assert review["evidence_summary"] == "Evidence against the Teachers' Standards"
        assert review["targets"] == "Next steps" and review["ect_comments"] == "I need more time"
        assert review["signatures"] == [{"role": "induction_tutor", "name": "T. Tutor",
                                         "signed_on": DAY.isoformat()}]
        assert review["assessor_name"] == "T. Tutor" and review["on_track"] is False
        assert (review["school_name"], review["appropriate_body_name"]) == (
            "Oakwood Primary School", "Northern Teaching School Hub AB")
        one = await hub.get(f"/ects/{ada}/term-reports/{review['id']}", token)
        assert one == review, who
        plans = await hub.get(f"/ects/{ada}/support-plans", token)
        assert [p["summary"] for p in plans["items"]] == ["Weekly behaviour coaching"], who
        plan = plans["items"][0]
        assert plan["report_id"] == review["id"] and plan["ect_name"] == "Ada Lovelace"
        assert plan["school_name"] == "Oakwood Primary School"
    refused = {
        "another ECT": (ect_token(bo), "only their own"),
        "the mentor of another ECT": (headers(Role.MENTOR, "someone-else"), "not assigned to this ECT"),
        "a tutor of another school": (headers(Role.INDUCTION_TUTOR, "tutor-9", schools=["100002"]),
                                      "does not act for school 100001"),
        "a headteacher of another school": (headers(Role.HEADTEACHER, "head-9", schools=["100002"]),
                                            "does not act for school 100001"),
        "an AB that never held her": (headers(Role.APPROPRIATE_BODY, "ab-2"), "never held"),
        "a hub lead": (LEAD, "only ect, mentor"),
    }
    for who, (token, rule) in refused.items():
        for path in (f"/ects/{ada}/term-reports", f"/ects/{ada}/term-reports/{review['id']}",
                     f"/ects/{ada}/support-plans"):
            response = await hub.http.get(path, headers=token)
            assert response.status_code == 403, (who, path, response.text)
            assert rule in response.json()["detail"], (who, response.json()["detail"])
    # Bo's own reads answer his (empty) record, and Ada's report is not under his path
    assert (await hub.get(f"/ects/{bo}/term-reports", ect_token(bo)))["total"] == 0
    missing = await hub.http.get(f"/ects/{bo}/term-reports/{review['id']}", headers=AUDITOR)
    assert missing.status_code == 404


def draft_body(**extra: Any) -> dict[str, Any]:
    return {"draft": True, "kind": "formal_assessment", "term_number": 3, "on_track": True,
            "evidence_summary": "Meets the standards", "targets": "Questioning",
            "drafted_on": DAY.isoformat(), "assessor_role": "headteacher", "assessor_id": "head-1",
            "assessment_meeting_on": DAY.isoformat(), **extra}


async def published(hub: Hub, *types: str) -> list[Any]:
    """What was published, opened with the hub's keys as a consumer opens it (it goes sealed)."""
    await hub.deliver()
    return hub.sealer.open_all([e for e in (decode(v) for v in hub.delivered) if e.event_type in types])


async def test_an_assessment_is_drafted_signed_by_the_ect_and_headteacher_and_submitted(hub: Hub):
    ada = register(hub)
    await hub.deliver()
    created = await hub.http.post(f"/ects/{ada}/term-reports", headers=TUTOR, json=draft_body())
    assert created.status_code == 201, created.text
    report = created.json()["id"]
    assert created.headers["Location"] == f"/ects/{ada}/term-reports/{report}"
    path = f"/ects/{ada}/term-reports/{report}"
    assert (await hub.get(path, TUTOR))["step"] == "ect_to_sign"
    # a draft is not the AB's (nor the mentor's) until it is submitted
    assert (await hub.http.get(path, headers=AB)).status_code == 403
    assert (await hub.get(f"/ects/{ada}/term-reports", AB))["total"] == 0
    # the headteacher signs what the ECT signed: not before
    early = await hub.http.post(f"{path}/sign", headers=HEAD, json={"signed_on": DAY.isoformat(),
                                                                    "name": "H. Head"})
    assert early.status_code == 409 and "the ECT adds their comments and signs first" in early.text
    # the tutor corrects the draft: the corrected text is what gets signed
    corrected = await hub.http.put(path, headers=TUTOR, json={
        "on_track": True, "evidence_summary": "Meets every standard", "targets": "Questioning",
        "corrected_on": DAY.isoformat(), "assessor_role": "headteacher", "assessor_id": "head-1",
        "assessment_meeting_on": DAY.isoformat()})
    assert corrected.status_code == 200 and corrected.json()["step"] == "ect_to_sign", corrected.text
    named = await hub.http.post(f"{path}/sign", headers=ect_token(ada), json={
        "signed_on": DAY.isoformat(), "name": "Someone Else"})
    assert named.status_code == 422 and "the name on their record" in named.text
    signed = await hub.http.post(f"{path}/sign", headers=ect_token(ada), json={
        "signed_on": DAY.isoformat(), "comments": "A fair account"})
    assert signed.status_code == 200 and signed.json()["step"] == "headteacher_to_sign", signed.text
    again = await hub.http.post(f"{path}/sign", headers=ect_token(ada), json={"signed_on": DAY.isoformat()})
    assert again.status_code == 409
    head = await hub.http.post(f"{path}/sign", headers=HEAD, json={"signed_on": DAY.isoformat(),
                                                                   "name": "H. Head"})
    assert head.status_code == 200 and head.json()["step"] == "tutor_to_submit", head.text
    draft = await hub.get(path, ect_token(ada))
    assert draft["status"] == "draft" and draft["evidence_summary"] == "Meets every standard"
    assert [(s["role"], s["name"]) for s in draft["signatures"]] == [("ect", "Ada Lovelace"),
                                                                      ("headteacher", "H. Head")]
    sent = await hub.http.post(f"{path}/submit", headers=TUTOR, json={"submitted_on": DAY.isoformat(),
                                                                      "name": "T. Tutor"})
    assert sent.status_code == 200 and sent.json()["id"] == report, sent.text
    final = await hub.get(path, AB)
    assert (final["status"], final["fully_signed"], final["ect_comments"]) == ("submitted", True,
                                                                               "A fair account")
    assert {s["role"] for s in final["signatures"]} == {"induction_tutor", "ect", "headteacher"}
    assert final["assessor_name"] == "H. Head" and final["drafted_on"] == DAY.isoformat()
    # every step is a public event with who and when; submission is TermReportSubmitted as before
    steps = await published(hub, "TermReportDrafted", "TermReportCorrected", "TermReportSignedByEct",
                            "TermReportSignedByHeadteacher", "TermReportSubmitted")
    assert [e.event_type for e in steps] == ["TermReportDrafted", "TermReportCorrected",
                                             "TermReportSignedByEct", "TermReportSignedByHeadteacher",
                                             "TermReportSubmitted"]
    assert {str(e.payload.report_id) for e in steps} == {report}
    assert steps[0].payload.headteacher_id == "head-1"  # the assessor, who is the headteacher
    assert steps[2].actor.id == str(ada) and steps[2].payload.comments == "A fair account"
    assert steps[3].payload.name == "H. Head" and steps[3].actor.id == "head-1"
    assert steps[4].payload.fully_signed is True and steps[4].payload.ect_comments == "A fair account"
    assert (await hub.entitlement(ada))["reports_submitted"] == 1  # the projections count it, as before
    stored = await hub.pool.fetchval("SELECT count(*) FROM reporting_events WHERE originator_id = $1",
                                     draft_id(uuid.UUID(report)))
    assert stored == 5  # drafted, corrected, signed twice, submitted: in reporting's event store
    # once submitted, nothing more is corrected or signed here
    late = await hub.http.put(path, headers=TUTOR, json={
        "on_track": False, "evidence_summary": "x", "targets": "y", "corrected_on": DAY.isoformat()})
    assert late.status_code == 409 and "went to the appropriate body" in late.text


async def test_a_correction_takes_the_signatures_off_and_a_review_needs_no_headteacher(hub: Hub):
    ada = register(hub)
    review = (await hub.post(f"/ects/{ada}/term-reports", draft_body(
        kind="progress_review", term_number=1, assessor_role="induction_tutor", assessor_id=None,
        assessment_meeting_on=None)))["id"]
    path = f"/ects/{ada}/term-reports/{review}"
    head = await hub.http.post(f"{path}/sign", headers=HEAD, json={"signed_on": DAY.isoformat(),
                                                                   "name": "H. Head"})
    assert head.status_code == 422 and "2.55" in head.text
    signed = await hub.http.post(f"{path}/sign", headers=ect_token(ada), json={"signed_on": DAY.isoformat()})
    assert signed.json()["step"] == "tutor_to_submit"
    await hub.http.put(path, headers=TUTOR, json={"on_track": True, "evidence_summary": "Rewritten",
                                                  "targets": "t", "corrected_on": DAY.isoformat()})
    assert (await hub.get(path, TUTOR))["signatures"] == []
    assert (await hub.get(path, TUTOR))["step"] == "ect_to_sign"
    # nobody but the ECT signs as the ECT, nor the tutor as anyone
    other = await hub.http.post(f"{path}/sign", headers=ect_token(uuid.uuid4()),
                                json={"signed_on": DAY.isoformat()})
    assert other.status_code == 403 and "only their own" in other.text
    assert (await hub.http.post(f"{path}/sign", headers=TUTOR, json={"signed_on": DAY.isoformat()})
            ).status_code == 403
    # a one-step submission of a report in draft is refused: the draft is the report
    twice = await hub.http.post(f"/ects/{ada}/term-reports", headers=TUTOR, json={
        "kind": "progress_review", "term_number": 1, "on_track": True, "evidence_summary": "e",
        "targets": "t", "submitted_on": DAY.isoformat()})
    assert twice.status_code == 409 and "already drafted" in twice.text
    # submitted without the ECT's signature (taken off by the correction): a review needs only
    # the tutor's, so it goes fully signed, and signed by the tutor alone
    await hub.post(f"{path}/submit", {"submitted_on": DAY.isoformat(), "name": "T. Tutor"}, expect=200)
    sent = (await published(hub, "TermReportSubmitted"))[-1].payload
    assert (sent.fully_signed, sent.signed_off_by, sent.evidence_summary) == (True, ["induction_tutor"],
                                                                             "Rewritten")


async def test_a_draft_is_refused_with_a_named_field_and_changes_nothing(hub: Hub):
    ada = register(hub)
    await hub.deliver()
    bad = await hub.http.post(f"/ects/{ada}/term-reports", headers=TUTOR,
                              json=draft_body(submitted_on=DAY.isoformat()))
    assert bad.status_code == 422 and "a draft has no submitted_on" in bad.text
    assert (await hub.get(f"/ects/{ada}/term-reports", TUTOR))["total"] == 0
    unknown = await hub.http.post(f"/ects/{ada}/term-reports/{uuid.uuid4()}/sign",
                                  headers=ect_token(ada), json={"signed_on": DAY.isoformat()})
    assert unknown.status_code == 404
