"""The end of induction's clocks, in working days in England (statutory rule 8, 2.61-2.69;
the Induction Regulations 2012: regulation 11, and regulation 14 for appeals).

- the headteacher's recommendation reaches the AB within 10 working days of the induction's
  completion, the final assessment meeting (regulation 11(3), 2.61, 2.65): ``statutory.timeline``
  gives that due date with every other report, and ``recommendation_due_by`` is the same count;
- the ECT may make written representations within 10 working days of receiving the
  recommendation (regulation 11(4)); late ones are still received, and marked late;
- the AB decides pass, extension or fail within 20 working days of receiving the final
  recommendation (regulation 11(5), 2.67), having considered any representations;
- written notice of the decision within 3 working days of it, to the ECT, the headteacher,
  the employer, and the TRA for a fail or an extension (2.69);
- a fail or an extension may be appealed to the TRA within 20 working days of the notice
  (regulation 14); the TRA allows it, dismisses it, or extends the induction.

Every count is ``working_days.add_working_days``'s: the day a clock runs from is not counted.
The Regulations word their periods "within 10 working days beginning with the date on which
...", which in legislation usually counts that day itself; if so, each last day here is one
working day late. That convention is the kernel's for every clock, so it is changed there or
not at all (see docs/rules.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from statutory.working_days import add_working_days

RECOMMENDATION_WORKING_DAYS = 10  # 2.61, 2.65
REPRESENTATIONS_WORKING_DAYS = 10  # regulation 11(4)
DECISION_WORKING_DAYS = 20  # 2.67
NOTICE_WORKING_DAYS = 3  # 2.69
APPEAL_WORKING_DAYS = 20  # regulation 14

PASSED, FAILED, EXTENDED = "passed", "failed", "extended"
# who is owed written notice of a decision (2.69); the TRA only of a fail or an extension
ECT, HEADTEACHER, EMPLOYER, TRA = "ect", "headteacher", "employer", "tra"
NOTICE_RECIPIENTS = (ECT, HEADTEACHER, EMPLOYER, TRA)
APPEAL_OUTCOMES = ("allowed", "dismissed", "extended")


def recommendation_due_by(completed_on: date) -> date:
    """``completed_on``: the final assessment meeting, the day the induction was completed."""
    return add_working_days(completed_on, RECOMMENDATION_WORKING_DAYS)


def representations_due_by(recommendation_received_on: date) -> date:
    return add_working_days(recommendation_received_on, REPRESENTATIONS_WORKING_DAYS)


def decision_due_by(recommendation_received_on: date) -> date:
    return add_working_days(recommendation_received_on, DECISION_WORKING_DAYS)


def notice_due_by(decided_on: date) -> date:
    return add_working_days(decided_on, NOTICE_WORKING_DAYS)


def appeal_due_by(notice_on: date) -> date:
    return add_working_days(notice_on, APPEAL_WORKING_DAYS)


def is_late(done_on: date, due_by: date) -> bool:
    """A step done after its last day: still received (the rules do not void it), marked late."""
    return done_on > due_by


def appealable(decision: str) -> bool:
    """A fail or an extension may be appealed to the TRA (regulation 14); a pass may not."""
    return decision in (FAILED, EXTENDED)


def notice_recipients(decision: str) -> tuple[str, ...]:
    """Who the AB's written notice goes to (2.69): the TRA too for a fail or an extension."""
    return NOTICE_RECIPIENTS if appealable(decision) else (ECT, HEADTEACHER, EMPLOYER)


def recipients_owed(decision: str, given: set[str] | frozenset[str]) -> tuple[str, ...]:
    return tuple(r for r in notice_recipients(decision) if r not in given)


@dataclass(frozen=True)
class EndOfInductionClocks:
    """Each step's last day, None while the step it runs from has not happened."""

    recommendation_due_by: date | None = None
    representations_due_by: date | None = None
    decision_due_by: date | None = None
    notice_due_by: date | None = None
    appeal_due_by: date | None = None

    def as_dict(self) -> dict[str, date | None]:
        return {"recommendation_due_by": self.recommendation_due_by,
                "representations_due_by": self.representations_due_by,
                "decision_due_by": self.decision_due_by, "notice_due_by": self.notice_due_by,
                "appeal_due_by": self.appeal_due_by}


def end_of_induction_clocks(*, completed_on: date | None = None,
                            recommendation_received_on: date | None = None,
                            decided_on: date | None = None, decision: str | None = None,
                            notice_on: date | None = None) -> EndOfInductionClocks:
    """Every clock of the end of induction from the dates its steps happened on. The appeal
    window runs from the notice (the first one given) and only for a fail or an extension."""
    received = recommendation_received_on
    return EndOfInductionClocks(
        recommendation_due_by=recommendation_due_by(completed_on) if completed_on else None,
        representations_due_by=representations_due_by(received) if received else None,
        decision_due_by=decision_due_by(received) if received else None,
        notice_due_by=notice_due_by(decided_on) if decided_on else None,
        appeal_due_by=appeal_due_by(notice_on) if notice_on and decision and appealable(decision)
        else None)
