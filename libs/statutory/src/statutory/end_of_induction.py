"""The end of induction's clocks, in working days in England (statutory rule 8, 2.61-2.69).

- the final assessment report reaches the AB within 10 working days of the assessment
  point (2.61): ``statutory.timeline`` gives that due date with every other report;
- the ECT may make written representations within 10 working days of the recommendation
  (Regulations, Schedule 3);
- the AB decides pass, extension or fail within 20 working days of receiving the final
  recommendation (2.67);
- written notice of the decision within 3 working days of it, to the ECT, the headteacher,
  the employer, and the TRA for a fail or an extension (2.69);
- an appeal reaches the TRA within 20 working days of the notice.
"""

from __future__ import annotations

from datetime import date

from statutory.working_days import add_working_days

REPRESENTATIONS_WORKING_DAYS = 10
DECISION_WORKING_DAYS = 20  # 2.67
NOTICE_WORKING_DAYS = 3  # 2.69
APPEAL_WORKING_DAYS = 20


def representations_due_by(recommendation_received_on: date) -> date:
    return add_working_days(recommendation_received_on, REPRESENTATIONS_WORKING_DAYS)


def decision_due_by(recommendation_received_on: date) -> date:
    return add_working_days(recommendation_received_on, DECISION_WORKING_DAYS)


def notice_due_by(decided_on: date) -> date:
    return add_working_days(decided_on, NOTICE_WORKING_DAYS)


def appeal_due_by(notice_on: date) -> date:
    return add_working_days(notice_on, APPEAL_WORKING_DAYS)
