"""The end of induction on PostgreSQL: the ECT's representations (regulation 11(4)), the AB's
decision considering them (2.67), written notice (2.69), the appeal to the TRA and its outcome
(regulation 14); each clock shown to the ECT (entitlement) and the AB (``GET /outcomes``).

Calendar: see test_reporting_scenarios. Working days exclude English bank holidays.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from contracts import Role
from tests.integration.test_reporting_harness import AB, Hub, headers, open_hub
from tests.integration.test_reporting_progress_scenarios import OTHER_AB, published
from tests.integration.test_reporting_scenarios import START

pytestmark = pytest.mark.integration


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


def ect_token(ect: UUID) -> dict[str, str]:
    return headers(Role.ECT, str(ect))


async def to_final_recommendation(hub: Hub, ect: UUID, recommendation: str) -> None:
    """Every report of a full-timer's induction; the final one, recommending, reaches the AB on
    Tuesday 13 July 2027."""
    hub.on(date(2027, 7, 13))
    for term, day in [(1, date(2025, 12, 19)), (2, date(2026, 4, 2)), (4, date(2026, 12, 18)),
                      (5, date(2027, 3, 25))]:
        await hub.review(ect, term, day)
    await hub.assessment(ect, 3, meeting=date(2026, 7, 13), sent=date(2026, 7, 17))
    await hub.assessment(ect, 6, meeting=date(2027, 7, 9), sent=date(2027, 7, 13),
                         on_track=recommendation == "satisfactory", recommendation=recommendation)


async def test_a_fail_is_decided_on_representations_noticed_and_appealed_regulations_11_and_14(
        hub: Hub):
    ect = hub.register()
    other = hub.register(trn="7654321", name="Grace Hopper")
    await to_final_recommendation(hub, ect, "unsatisfactory")

    # the ECT's representations: by the ECT themself, never by another ECT or another AB
    hub.on(date(2027, 7, 20))
    body = {"received_on": "2027-07-20", "summary": "My term 5 targets were met; see the evidence."}
    refused = await hub.post(f"/ects/{ect}/representations", body, ect_token(other), expect=403)
    assert "only for themself" in refused["detail"]
    await hub.post(f"/ects/{ect}/representations", body, OTHER_AB, expect=403)
    made = await hub.post(f"/ects/{ect}/representations", body, ect_token(ect))
    assert (made["name"], made["trn"]) == ("Ada Lovelace", "1234567")
    # Tue 13 Jul 2027 + 10 working days: Tue 27 Jul
    steps = made["end_of_induction"]
    assert (steps["representations"]["due_by"], steps["representations"]["state"],
            steps["representations"]["party"]) == ("2027-07-27", "on_time", "ect")
    (event,) = published(hub, "EctRepresentationsMade")
    assert (event.payload.late, event.payload.recorded_on_behalf, event.payload.representations_due_by,
            str(event.ect_id)) == (False, False, date(2027, 7, 27), str(ect))

    # notice before the decision is refused and records nothing
    early = await hub.post(f"/ects/{ect}/outcome/notice", {
        "recipients": ["ect"], "given_on": "2027-07-20", "method": "email"}, AB, expect=409)
    assert "2.69" in early["detail"]
    assert published(hub, "DecisionNoticeRecorded") == []

    # the decision records that it considered the representations
    hub.on(date(2027, 7, 21))
    await hub.post(f"/ects/{ect}/outcome", {"outcome": "failed", "decided_on": "2027-07-21"}, AB)
    (decided,) = published(hub, "InductionOutcomeRecorded")
    assert (decided.payload.representations_received_on, decided.payload.representations_due_by) == (
        date(2027, 7, 20), date(2027, 7, 27))
    closed = await hub.post(f"/ects/{ect}/representations", body, AB, expect=409)
    assert "regulation 14" in closed["detail"]

    # notice: to the ECT and the TRA first; the headteacher and the employer still owed it
    hub.on(date(2027, 7, 22))
    body_notice = {"recipients": ["ect"], "given_on": "2027-07-22", "method": "email"}
    other_ab = await hub.post(f"/ects/{ect}/outcome/notice", body_notice, OTHER_AB, expect=403)
    assert "does not hold this ECT's induction" in other_ab["detail"]
    await hub.post(f"/ects/{ect}/outcome/notice", body_notice, ect_token(ect), expect=403)
    noticed = await hub.post(f"/ects/{ect}/outcome/notice", {
        "recipients": ["ect", "tra"], "given_on": "2027-07-22", "method": "email"}, AB)
    notice = noticed["end_of_induction"]["notice"]
    # Wed 21 Jul + 3 working days: Mon 26 Jul; the appeal: Thu 22 Jul + 20 working days, Thu 19 Aug
    assert (notice["due_by"], notice["owed"], notice["state"]) == (
        "2027-07-26", ["headteacher", "employer"], "due")
    assert noticed["end_of_induction"]["appeal"]["due_by"] == "2027-08-19"
    owed = (await hub.get("/abs/ab-1/work-queue", AB))["tasks"]["notices_owed"]
    assert [(i["name"], i["trn"], i["notice_owed"], i["overdue"]) for i in owed["items"]] == [
        ("Ada Lovelace", "1234567", ["headteacher", "employer"], False)]
    again = await hub.post(f"/ects/{ect}/outcome/notice", {
        "recipients": ["ect"], "given_on": "2027-07-22", "method": "post"}, AB, expect=422)
    assert "already recorded for ect" in again["detail"]
    hub.on(date(2027, 7, 27))
    late = await hub.post(f"/ects/{ect}/outcome/notice", {
        "recipients": ["headteacher", "employer"], "given_on": "2027-07-27", "method": "hand"}, AB)
    assert (late["end_of_induction"]["notice"]["owed"], late["end_of_induction"]["notice"]["state"]) == (
        [], "late")
    assert (await hub.get("/abs/ab-1/work-queue", AB))["tasks"]["notices_owed"]["count"] == 0
    notices = published(hub, "DecisionNoticeRecorded")
    assert [(n.payload.recipients, n.payload.late, n.payload.recipients_owed) for n in notices] == [
        (["ect", "tra"], False, ["headteacher", "employer"]), (["headteacher", "employer"], True, [])]

    (outcome,) = (await hub.get("/outcomes", AB))["items"]
    assert (outcome["name"], outcome["notice_owed"], outcome["appeal_due_by"]) == (
        "Ada Lovelace", [], "2027-08-19")
    assert outcome["end_of_induction"]["decision"]["representations_considered"] is True

    # the ECT appeals to the TRA in time; once only
    hub.on(date(2027, 8, 10))
    appeal = {"lodged_on": "2027-08-10", "grounds": "The support plan agreed in term 4 was never given."}
    lodged = await hub.post(f"/ects/{ect}/appeal", appeal, ect_token(ect))
    assert (lodged["end_of_induction"]["appeal"]["state"], lodged["end_of_induction"]["appeal"]["late"]) == (
        "on_time", False)
    await hub.post(f"/ects/{ect}/appeal", appeal, AB, expect=409)
    await hub.post(f"/ects/{ect}/appeal", appeal, ect_token(other), expect=403)
    await hub.post(f"/ects/{ect}/appeal/outcome", {"appeal_outcome": "allowed", "decided_on": "2027-10-01"},
                   ect_token(ect), expect=403)

    # allowed: the fail is set aside and the induction record is open again
    hub.on(date(2027, 10, 1))
    await hub.post(f"/ects/{ect}/appeal/outcome", {"appeal_outcome": "allowed", "decided_on": "2027-10-01"},
                   AB)
    (allowed,) = published(hub, "AppealDecided")
    assert (allowed.payload.appeal_outcome, allowed.payload.decision) == ("allowed", "failed")
    row = await hub.get(f"/ects/{ect}/entitlement", ect_token(ect))
    assert row["induction_status"] == "open"
    assert row["end_of_induction"]["appeal"]["outcome"] == "allowed"
    await hub.assert_rebuild_equals_live()


async def test_a_pass_owes_no_notice_to_the_tra_and_cannot_be_appealed_guidance_2_69(hub: Hub):
    ect = hub.register()
    await to_final_recommendation(hub, ect, "satisfactory")
    # representations recorded by the AB on the ECT's behalf, late: received, and marked late
    hub.on(date(2027, 7, 29))
    made = await hub.post(f"/ects/{ect}/representations", {
        "received_on": "2027-07-28", "summary": "A letter thanking the school."}, AB)
    assert (made["end_of_induction"]["representations"]["state"],
            made["end_of_induction"]["representations"]["late"]) == ("late", True)
    (event,) = published(hub, "EctRepresentationsMade")
    assert (event.payload.late, event.payload.recorded_on_behalf) == (True, True)
    await hub.post(f"/ects/{ect}/outcome", {"outcome": "passed", "decided_on": "2027-07-29"}, AB)
    refused = await hub.post(f"/ects/{ect}/outcome/notice", {
        "recipients": ["ect", "tra"], "given_on": "2027-07-29", "method": "email"}, AB, expect=422)
    assert "termly return" in refused["detail"]
    assert published(hub, "DecisionNoticeRecorded") == []
    noticed = await hub.post(f"/ects/{ect}/outcome/notice", {
        "recipients": ["ect", "headteacher", "employer"], "given_on": "2027-07-29", "method": "email"}, AB)
    assert (noticed["end_of_induction"]["notice"]["owed"], noticed["end_of_induction"]["appeal"]["due_by"]
            ) == ([], None)
    appealed = await hub.post(f"/ects/{ect}/appeal", {"lodged_on": "2027-07-29", "grounds": "none"},
                              ect_token(ect), expect=409)
    assert "only a fail or an extension" in appealed["detail"]
    bad = await hub.post(f"/ects/{ect}/outcome/notice", {
        "recipients": ["ect", "ect"], "given_on": "2027-07-29", "method": "email"}, AB, expect=422)
    assert "once" in str(bad)


async def test_an_appeal_outcome_of_extended_extends_the_induction_regulation_14(hub: Hub):
    ect = hub.register()
    await to_final_recommendation(hub, ect, "unsatisfactory")
    await hub.post(f"/ects/{ect}/outcome", {"outcome": "failed", "decided_on": "2027-07-13"}, AB)
    early = await hub.post(f"/ects/{ect}/appeal", {"lodged_on": "2027-07-13", "grounds": "g"},
                           ect_token(ect), expect=409)
    assert "record the notice first" in early["detail"]
    await hub.post(f"/ects/{ect}/outcome/notice", {
        "recipients": ["ect", "headteacher", "employer", "tra"], "given_on": "2027-07-13",
        "method": "post"}, AB)
    hub.on(date(2027, 9, 1))
    # Tue 13 Jul + 20 working days: Tue 10 Aug; lodged later, the appeal is recorded, marked late
    lodged = await hub.post(f"/ects/{ect}/appeal", {"lodged_on": "2027-08-12", "grounds": "g"}, AB)
    assert (lodged["end_of_induction"]["appeal"]["due_by"], lodged["end_of_induction"]["appeal"]["late"]) == (
        "2027-08-10", True)
    await hub.post(f"/ects/{ect}/appeal/outcome", {"appeal_outcome": "extended", "decided_on": "2027-09-01"},
                   AB, expect=422)
    await hub.post(f"/ects/{ect}/appeal/outcome", {"appeal_outcome": "extended", "decided_on": "2027-09-01",
                                                   "extension_terms": 2}, AB)
    row = await hub.entitlement(ect)
    assert (row["induction_status"], row["terms_required"]) == ("open", 8.0)
    await hub.post(f"/ects/{ect}/appeal/outcome", {"appeal_outcome": "dismissed", "decided_on": "2027-09-01"},
                   AB, expect=409)
