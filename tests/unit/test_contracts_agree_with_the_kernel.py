"""The public contracts and the statutory kernel spell the same vocabularies the same way.

They are written twice on purpose (the kernel imports nothing of the platform), so this test is
what keeps a new absence reason or term name from reaching one and not the other.
"""

from __future__ import annotations

from contracts.scheduling import v1
from statutory import absence, calendar


def test_absence_reasons_are_the_same_in_the_contract_and_the_kernel():
    assert {r.value for r in v1.AbsenceReason} == {r.value for r in absence.AbsenceReason}


def test_term_names_are_the_same_in_the_contract_and_the_kernel():
    assert {t.value for t in v1.TermName} == {t.value for t in calendar.TermName}
