"""Who signs a term report and whose step it is (statutory.signing): one answer for reporting's
drafts and notifications' reminders."""

from __future__ import annotations

import pytest

from statutory import signing

REVIEW, ASSESSMENT, INTERIM = "progress_review", "formal_assessment", "interim_assessment"


@pytest.mark.parametrize(("kind", "required"), [
    (REVIEW, {"induction_tutor"}),
    (ASSESSMENT, {"induction_tutor", "headteacher", "ect"}),
    (INTERIM, {"induction_tutor", "headteacher", "ect"}),
])
def test_the_signatures_a_report_needs_to_reach_the_ab_fully_signed(kind: str, required: set[str]):
    assert signing.signatures_required(kind) == required


def test_the_ect_signs_every_report_first_and_the_headteacher_assessments_only():
    assert signing.next_step(REVIEW, []) == "ect_to_sign"
    assert signing.next_step(REVIEW, ["ect"]) == "tutor_to_submit"
    assert signing.next_step(ASSESSMENT, []) == "ect_to_sign"
    assert signing.next_step(ASSESSMENT, ["ect"]) == "headteacher_to_sign"
    assert signing.next_step(INTERIM, ["ect", "headteacher"]) == "tutor_to_submit"
    assert signing.next_step(ASSESSMENT, ["headteacher"]) == "ect_to_sign"  # the ECT's first
    assert signing.next_step(REVIEW, [], submitted=True) == "submitted"
    assert not signing.headteacher_signs(REVIEW) and signing.headteacher_signs(INTERIM)
