"""The public contracts and the statutory kernel spell the same vocabularies the same way.

They are written twice on purpose (the kernel imports nothing of the platform), so this test is
what keeps a new absence reason or term name from reaching one and not the other.
"""

from __future__ import annotations

from contracts.reporting import v1 as reporting
from contracts.scheduling import v1
from statutory import absence, calendar, end_of_induction


def test_absence_reasons_are_the_same_in_the_contract_and_the_kernel():
    assert {r.value for r in v1.AbsenceReason} == {r.value for r in absence.AbsenceReason}


def test_term_names_are_the_same_in_the_contract_and_the_kernel():
    assert {t.value for t in v1.TermName} == {t.value for t in calendar.TermName}


def test_the_end_of_induction_vocabularies_are_the_same_in_the_contract_and_the_kernel():
    assert [r.value for r in reporting.NoticeRecipient] == list(end_of_induction.NOTICE_RECIPIENTS)
    assert [o.value for o in reporting.AppealOutcome] == list(end_of_induction.APPEAL_OUTCOMES)
    assert {d.value for d in reporting.Decision} == {
        end_of_induction.PASSED, end_of_induction.FAILED, end_of_induction.EXTENDED}
