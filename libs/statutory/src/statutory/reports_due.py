"""The names and units of the reports induction owes (statutory rules 5, 6 and 9).

What remains here is vocabulary the induction clock counts in, not a rule of its own:

- ``PROGRESS_REVIEW`` and ``FORMAL_ASSESSMENT``: two of the kinds of report (2.48, 2.55)
  ``ReportDue.kind`` names (the third, ``INTERIM_ASSESSMENT``, is in ``statutory.induction_facts``);
- ``ASSESSMENT_DEADLINE_WORKING_DAYS``: an assessment report reaches the AB within 10
  working days of the assessment meeting (2.61);
- ``SCHOOL_DAYS_PER_TERM`` and ``extension_days_as_terms``: days of absence (3.6) or of an
  extension chosen after statutory leave (3.7) as the FTE terms induction is counted in.

Which reviews and assessments are due, in which term, held and due on which day, is
``statutory.timeline``'s (``induction_timeline(...).reports``, placed by
``statutory.report_plan``): one clock, so no two services can place a report differently.
"""

from __future__ import annotations

from decimal import ROUND_UP, Decimal

from statutory.terms_served import ONE_PLACE, InvalidWorkingPatternError

PROGRESS_REVIEW = "progress_review"
FORMAL_ASSESSMENT = "formal_assessment"
ASSESSMENT_DEADLINE_WORKING_DAYS = 10  # guidance 2.61
# A teacher's directed year is 195 days, so a term is 65 school days: the unit that turns
# days of absence (3.6) or statutory leave (3.7) into the FTE terms induction is counted in.
SCHOOL_DAYS_PER_TERM = 65


def extension_days_as_terms(days: float) -> Decimal:
    """Days of extension as FTE terms, rounded up to one decimal place (never short)."""
    if days < 0:
        raise InvalidWorkingPatternError("an extension is a length, never negative")
    terms = Decimal(repr(float(days))) / SCHOOL_DAYS_PER_TERM
    return terms.quantize(ONE_PLACE, rounding=ROUND_UP)
