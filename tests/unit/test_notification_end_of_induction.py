"""Reminders of the end of induction to the party whose step it is, worked day by day (see
``test_notification_reminders`` for ``fired``): the headteacher's recommendation (2.61, 2.65),
the ECT's representations (regulation 11(4)) and appeal (regulation 14), the AB's notice until every
recipient owed it has it (2.69). Each names the teacher by name and TRN and is sent once.

England default calendar, 2026/27: summer term ends Friday 16 July 2027.
"""

from __future__ import annotations

from datetime import date

from contracts.reporting import v1 as reporting
from notifications.decision_steps import DecisionSteps
from notifications.induction import evolve
from notifications.message import Rule
from tests.unit.test_notification_induction import ECT as FOLDED_ECT
from tests.unit.test_notification_induction import fold, registered
from tests.unit.test_notification_reminders import ASSESSMENT, ECT, ect, fired, reviewed, schedule
from tests.unit.test_notification_rules import envelope


def test_the_headteacher_is_reminded_of_the_recommendation_10_working_days_after_the_final_meeting_2_65():
    sent = fired(ect(), date(2027, 7, 1), date(2027, 8, 10), rules={Rule.RECOMMENDATION_DUE})
    # the final assessment on Friday 16 July 2027: due Friday 30 July; then weekly while overdue
    assert schedule(sent) == [(date(2027, 7, 23), "recommendation_due", "headteacher:100001"),
                              (date(2027, 7, 29), "recommendation_due", "headteacher:100001"),
                              (date(2027, 7, 30), "recommendation_due", "headteacher:100001"),
                              (date(2027, 8, 6), "recommendation_due", "headteacher:100001")]
    assert "Ada Lovelace (TRN 1234567)" in sent[0][1].subject
    assert "within 10 working days, in 7 days, on Friday 30 July 2027" in sent[0][1].body
    submitted = ect(reports=reviewed(6, kind=ASSESSMENT))
    assert fired(submitted, date(2027, 7, 1), date(2027, 8, 10), rules={Rule.RECOMMENDATION_DUE}) == []


def test_the_ect_is_told_once_of_the_right_to_make_representations_regulation_11_4():
    state = ect(recommendation_received_on=date(2026, 7, 10))
    sent = fired(state, date(2026, 7, 13), date(2026, 8, 31), rules={Rule.REPRESENTATIONS_DUE})
    # received Friday 10 July 2026 (first run on Monday 13th): due Friday 24 July, told once
    assert schedule(sent) == [(date(2026, 7, 13), "representations_due", str(ECT))]
    assert "Ada Lovelace (TRN 1234567)" in sent[0][1].body
    assert "within 10 working days, in 11 days, on Friday 24 July 2026" in sent[0][1].body
    made = ect(recommendation_received_on=date(2026, 7, 10),
               steps=DecisionSteps(representations_on=[date(2026, 7, 10)]))
    decided = ect(recommendation_received_on=date(2026, 7, 10), decided_on=date(2026, 7, 14))
    for quiet in (made, decided):
        assert fired(quiet, date(2026, 7, 10), date(2026, 8, 31), rules={Rule.REPRESENTATIONS_DUE}) == []


def fail(**steps):  # type: ignore[no-untyped-def]
    return ect(outcome="failed", recommendation_received_on=date(2026, 7, 10), decided_on=date(2026, 8, 3),
               completed_on=date(2026, 8, 3), steps=DecisionSteps(decision="failed", **steps))


def test_the_ect_is_told_once_of_the_right_of_appeal_after_a_fail_regulation_14():
    sent = fired(fail(noticed=["ect"], appeal_due_by=date(2026, 9, 1)), date(2026, 8, 4), date(2026, 9, 30),
                 rules={Rule.APPEAL_WINDOW})
    assert schedule(sent) == [(date(2026, 8, 4), "appeal_window", str(ECT))]
    assert sent[0][1].subject == "By Tuesday 1 September 2026: an appeal to the Teaching Regulation Agency"
    assert "Ada Lovelace (TRN 1234567)" in sent[0][1].body and "(failed)" in sent[0][1].body
    lodged = fail(noticed=["ect"], appeal_due_by=date(2026, 9, 1), appeal_lodged_on=date(2026, 8, 4))
    passed = ect(outcome="passed", decided_on=date(2026, 8, 3),
                 steps=DecisionSteps(decision="passed", noticed=["ect"]))
    for quiet in (lodged, passed):
        assert fired(quiet, date(2026, 8, 4), date(2026, 9, 30), rules={Rule.APPEAL_WINDOW}) == []


def test_the_notice_reminder_names_who_is_still_owed_it_and_stops_when_nobody_is_guidance_2_69():
    sent = fired(fail(noticed=["ect", "tra"]), date(2026, 8, 1), date(2026, 8, 31),
                 rules={Rule.OUTCOME_NOTICE_DUE})
    # decided Monday 3 August: notice due Thursday 6 August
    assert schedule(sent) == [(date(2026, 8, 5), "outcome_notice_due", "ab-1"),
                              (date(2026, 8, 6), "outcome_notice_due", "ab-1")]
    assert "still owed it: the headteacher and the employer" in sent[0][1].body
    everyone = fail(noticed=["ect", "employer", "headteacher", "tra"])
    assert fired(everyone, date(2026, 8, 1), date(2026, 8, 31), rules={Rule.OUTCOME_NOTICE_DUE}) == []


def test_notice_representations_and_an_allowed_appeal_fold_into_the_state():
    def reported(payload):  # type: ignore[no-untyped-def]
        return envelope(payload, ect_id=FOLDED_ECT, source="reporting")

    state = fold(
        registered(),
        reported(reporting.EctRepresentationsMade(
            representations_id=FOLDED_ECT, received_on=date(2027, 7, 20), summary="s",
            recorded_on_behalf=False, appropriate_body_id="ab-1",
            recommendation_received_on=date(2027, 7, 13))),
        reported(reporting.InductionOutcomeRecorded(
            outcome=reporting.Outcome.FAILED, decided_on=date(2027, 7, 21), appropriate_body_id="ab-1")),
        reported(reporting.DecisionNoticeRecorded(
            notice_id=FOLDED_ECT, decision=reporting.Decision.FAILED, decided_on=date(2027, 7, 21),
            recipients=[reporting.NoticeRecipient.ECT], given_on=date(2027, 7, 22),
            method=reporting.NoticeMethod.EMAIL, appropriate_body_id="ab-1",
            notice_due_by=date(2027, 7, 26), appeal_due_by=date(2027, 8, 19))),
        reported(reporting.AppealLodged(
            appeal_id=FOLDED_ECT, decision=reporting.Decision.FAILED, lodged_on=date(2027, 8, 10),
            grounds="g", appropriate_body_id="ab-1")),
    )
    steps = state.steps
    assert (steps.representations_on, steps.decision, steps.noticed, steps.appeal_due_by,
            steps.appeal_lodged_on, state.outcome) == (
        [date(2027, 7, 13)], "failed", ["ect"], date(2027, 8, 19), date(2027, 8, 10), "failed")
    allowed = evolve(state, reported(reporting.AppealDecided(
        appeal_id=FOLDED_ECT, appeal_outcome=reporting.AppealOutcome.ALLOWED, decided_on=date(2027, 10, 1),
        decision=reporting.Decision.FAILED, appropriate_body_id="ab-1")))
    assert (allowed.outcome, allowed.completed_on, allowed.in_progress) == (None, None, True)
