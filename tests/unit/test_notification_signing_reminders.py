"""A due report the school has in draft is chased with whoever's step it is: the ECT to comment
and sign, the headteacher named on an assessment to sign, then the tutor to submit it; on the
reminder timings of every report (a week before, the day before, on the day, weekly overdue),
each person once per occasion. The step passing to someone tells them of the current occasion
that day, so nobody waits for the next one to hear it is theirs. Day by day, as in
test_notification_reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from contracts import Role
from contracts.reporting import v1
from notifications.induction import InductionState, evolve
from notifications.message import Rule
from tests.unit.test_notification_reminders import ECT, ect, fired, reviewed, schedule
from tests.unit.test_notification_rules import envelope

REPORT = UUID("00000000-0000-4000-8000-00000000d001")
STEPS = {Rule.REPORT_DUE, Rule.REPORT_ECT_SIGNATURE_DUE, Rule.REPORT_HEADTEACHER_SIGNATURE_DUE}
REVIEW = v1.TermReportKind.PROGRESS_REVIEW
ASSESSMENT = v1.TermReportKind.FORMAL_ASSESSMENT


def drafted(on: date, kind: v1.TermReportKind = REVIEW, term: int = 1,
            head: str | None = None) -> v1.TermReportDrafted:
    return v1.TermReportDrafted(report_id=REPORT, kind=kind, term_number=term, drafted_on=on,
                                drafted_by="tutor-1", headteacher_id=head)


def ect_signed(on: date, kind: v1.TermReportKind = REVIEW, term: int = 1) -> v1.TermReportSignedByEct:
    return v1.TermReportSignedByEct(report_id=REPORT, kind=kind, term_number=term, signed_on=on,
                                    name="Ada Lovelace", comments="Fair")


def head_signed(on: date, term: int = 3) -> v1.TermReportSignedByHeadteacher:
    return v1.TermReportSignedByHeadteacher(report_id=REPORT, kind=ASSESSMENT, term_number=term,
                                            signed_on=on, name="H. Head", headteacher_id="head-1")


def corrected(on: date) -> v1.TermReportCorrected:
    return v1.TermReportCorrected(report_id=REPORT, kind=REVIEW, term_number=1, corrected_on=on,
                                  corrected_by="tutor-1")


def submitted(on: date, kind: v1.TermReportKind = REVIEW, term: int = 1) -> v1.TermReportSubmitted:
    return v1.TermReportSubmitted(report_id=REPORT, kind=kind, term_number=term, on_track=True,
                                  evidence_summary="e", targets="t", submitted_on=on)


def on_days(base: InductionState, steps: list[tuple[date, Any]]) -> Callable[[date], InductionState]:
    """The ECT's state each day: ``base`` with the report's steps taken by then, in order."""
    def state(today: date) -> InductionState:
        current = base
        for day, payload in steps:
            if day <= today:
                current = evolve(current, envelope(payload, ect_id=ECT))
        return current
    return state


def test_a_review_in_draft_chases_the_ect_to_sign_then_the_tutor_to_submit():
    # the term-1 review is due Friday 19 December 2025: reminders on the 12th, 18th and 19th
    state = on_days(ect(), [(date(2025, 12, 10), drafted(date(2025, 12, 10))),
                            (date(2025, 12, 15), ect_signed(date(2025, 12, 15)))])
    sent = fired(state, date(2025, 12, 1), date(2025, 12, 19), rules=STEPS)
    assert schedule(sent) == [
        (date(2025, 12, 12), "report_ect_signature_due", str(ECT)),  # the ECT's step: not the tutor's
        (date(2025, 12, 15), "report_due", "tutor-1"),  # signed: now the tutor's, told that day
        (date(2025, 12, 18), "report_due", "tutor-1"),
        (date(2025, 12, 19), "report_due", "tutor-1"),
    ]
    to_ect = sent[0][1]
    assert to_ect.recipient_role == Role.ECT and to_ect.statutory
    assert to_ect.subject == ("Please read and sign the progress review for term 1 "
                              "(due Friday 19 December 2025)")
    assert "the progress review for term 1 of Ada Lovelace (TRN 1234567)" in to_ect.body
    assert "add your comments and sign it" in to_ect.body and "in 7 days" in to_ect.body
    assert "The draft is signed and ready to submit." in sent[1][1].body
    assert "due in 4 days, on Friday 19 December 2025" in sent[1][1].body


def test_an_assessment_waits_for_the_ect_then_the_headteacher_named_on_it_then_the_tutor():
    # term 3's formal assessment is due Friday 31 July 2026: reminders on 24, 30 and 31 July
    state = on_days(ect(reports=reviewed(1, 2)), [
        (date(2026, 7, 20), drafted(date(2026, 7, 20), ASSESSMENT, 3, head="head-1")),
        (date(2026, 7, 27), ect_signed(date(2026, 7, 27), ASSESSMENT, 3)),
        (date(2026, 7, 31), head_signed(date(2026, 7, 31)))])
    sent = fired(state, date(2026, 7, 1), date(2026, 8, 1), rules=STEPS)
    assert schedule(sent) == [
        (date(2026, 7, 24), "report_ect_signature_due", str(ECT)),
        (date(2026, 7, 27), "report_headteacher_signature_due", "head-1"),  # the ECT signed
        (date(2026, 7, 30), "report_headteacher_signature_due", "head-1"),
        (date(2026, 7, 31), "report_due", "tutor-1"),  # the headteacher signed
    ]
    to_head = sent[2][1]
    assert to_head.recipient_role == Role.HEADTEACHER
    assert to_head.subject == "Your signature: the formal assessment for term 3 of Ada Lovelace (TRN 1234567)"
    assert "due at the appropriate body tomorrow, Friday 31 July 2026" in to_head.body


def test_an_assessment_with_no_headteacher_named_has_the_tutor_get_it_signed():
    state = on_days(ect(reports=reviewed(1, 2)), [
        (date(2026, 7, 20), drafted(date(2026, 7, 20), ASSESSMENT, 3)),
        (date(2026, 7, 20), ect_signed(date(2026, 7, 20), ASSESSMENT, 3))])
    sent = fired(state, date(2026, 7, 21), date(2026, 7, 24), rules=STEPS)
    assert schedule(sent) == [(date(2026, 7, 24), "report_due", "tutor-1")]
    assert "no headteacher was named on it, so please have them sign it" in sent[0][1].body


def test_overdue_and_unsigned_the_ect_is_chased_weekly_and_the_ab_told_once():
    state = on_days(ect(), [(date(2025, 12, 10), drafted(date(2025, 12, 10)))])
    sent = fired(state, date(2025, 12, 19), date(2026, 1, 3), rules={*STEPS, Rule.REPORT_LATE})
    assert schedule(sent) == [
        (date(2025, 12, 19), "report_ect_signature_due", str(ECT)),
        (date(2025, 12, 20), "report_late", "ab-1"),
        (date(2025, 12, 26), "report_ect_signature_due", str(ECT)),
        (date(2026, 1, 2), "report_ect_signature_due", str(ECT)),
    ]
    assert "It is overdue at the appropriate body" in sent[2][1].body


def test_a_correction_takes_the_signature_off_so_the_ect_is_asked_again():
    state = on_days(ect(), [(date(2025, 12, 10), drafted(date(2025, 12, 10))),
                            (date(2025, 12, 11), ect_signed(date(2025, 12, 11))),
                            (date(2025, 12, 16), corrected(date(2025, 12, 16)))])
    sent = fired(state, date(2025, 12, 11), date(2025, 12, 18), rules=STEPS)
    assert schedule(sent) == [(date(2025, 12, 12), "report_due", "tutor-1"),
                              (date(2025, 12, 16), "report_ect_signature_due", str(ECT)),
                              (date(2025, 12, 18), "report_ect_signature_due", str(ECT))]


def test_a_submitted_draft_is_nobodys_step():
    state = on_days(ect(), [(date(2025, 12, 10), drafted(date(2025, 12, 10))),
                            (date(2025, 12, 11), submitted(date(2025, 12, 11)))])
    assert fired(state, date(2025, 12, 11), date(2026, 1, 31), rules={*STEPS, Rule.REPORT_LATE}) == []
    assert state(date(2025, 12, 11)).drafts == {}


def test_the_draft_survives_the_states_trip_through_json():
    state = on_days(ect(), [(date(2025, 12, 10), drafted(date(2025, 12, 10))),
                            (date(2025, 12, 11), ect_signed(date(2025, 12, 11)))])(date(2025, 12, 11))
    again = InductionState.model_validate_json(state.model_dump_json())
    assert again == state and again.drafts[str(REPORT)].step == "tutor_to_submit"
