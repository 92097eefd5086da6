"""Who signs a term report, and in which order (rules 5, 6 and 11).

- A progress review is written by the induction tutor (2.48, 2.52); an assessment is
  conducted by the headteacher or the induction tutor (2.55) and signed by both.
- The ECT comments on and signs every report; the headteacher signs assessments, after the
  ECT (so that the headteacher signs what the ECT saw); the tutor's signature goes on with
  the submission to the appropriate body, which chases a report that reaches it without every
  signature it needs (2.74).

Reporting enforces the steps on a draft; notifications reminds whoever's step it is. Both ask
this module, so neither can disagree about whose turn it is.
"""

from __future__ import annotations

from collections.abc import Collection

from statutory.induction_facts import INTERIM_ASSESSMENT
from statutory.reports_due import FORMAL_ASSESSMENT, PROGRESS_REVIEW

ECT, HEADTEACHER, INDUCTION_TUTOR = "ect", "headteacher", "induction_tutor"
SIGNATORIES = (INDUCTION_TUTOR, HEADTEACHER, ECT)

ECT_TO_SIGN, HEADTEACHER_TO_SIGN, TUTOR_TO_SUBMIT, SUBMITTED = (
    "ect_to_sign", "headteacher_to_sign", "tutor_to_submit", "submitted")

_REQUIRED = {
    PROGRESS_REVIEW: frozenset({INDUCTION_TUTOR}),
    FORMAL_ASSESSMENT: frozenset(SIGNATORIES),
    INTERIM_ASSESSMENT: frozenset(SIGNATORIES),
}


def signatures_required(kind: str) -> frozenset[str]:
    """The signatures without which the report reaches the AB not fully signed (2.74)."""
    return _REQUIRED[kind]


def headteacher_signs(kind: str) -> bool:
    return kind != PROGRESS_REVIEW


def next_step(kind: str, signed: Collection[str], submitted: bool = False) -> str:
    """Whose step it is on a report: the ECT to sign, then (assessments) the headteacher, then
    the tutor to submit it."""
    if submitted:
        return SUBMITTED
    if ECT not in signed:
        return ECT_TO_SIGN
    if headteacher_signs(kind) and HEADTEACHER not in signed:
        return HEADTEACHER_TO_SIGN
    return TUTOR_TO_SUBMIT
