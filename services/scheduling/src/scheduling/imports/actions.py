"""Apply a DfE bulk action file: each row closes the uploading AB's open induction period of
one teacher, by a pass or a release, with the AB's number of terms for the period.

A period is closed as the induction import closes one: the ECT record's ``release`` with
the AB's figure, which the clock then counts as recorded (2.31), and for a pass its
``import_outcome`` after it, so the teacher can never be claimed again, published as
``InductionOutcomeImported`` (a decision made outside the platform), so reporting and
notifications see the induction ended, as for an imported induction file. Only the AB
holding the open period may close it; the end date may not be in the future (the reader's)
nor before the period's post began (the record's). A fail never reaches here: the reader
refuses it, as the DfE service does in bulk.

A period already closed as the row says (the AB's period ended that day, by the same
outcome) is left unchanged, so the same file twice records nothing new, and reporting's own
DfE outcomes export, uploaded again, changes nothing. Saving is ``importer.apply``'s.
"""

from __future__ import annotations

from scheduling.application import SchedulingApplication
from scheduling.domain.clock import CalendarFor
from scheduling.domain.induction import COMPLETED, Induction, Period, Status
from scheduling.domain.provenance import Provenance
from scheduling.imports import teachers
from scheduling.imports.action_file import PASS, RELEASE, ActionRow
from scheduling.imports.files import ParsedFile, RowError
from scheduling.imports.importer import REFUSALS, MayKnow, Plan, Teacher
from statutory.service import END

END_DATE = "Induction period end date"
TERMS = "Number of terms"


def check(app: SchedulingApplication, parsed: ParsedFile[ActionRow], *, appropriate_body_id: str,
          provenance: Provenance, may_know: MayKnow) -> Plan[ActionRow]:
    """Every close decided in memory; nothing is saved (``importer.apply`` saves the plan)."""
    calendars = app.calendars()  # each school's calendar read once for the whole file
    return teachers.plan_rows(app, parsed, may_know, lambda ect, row, teacher: _close(
        app, ect, row, appropriate_body_id, teacher, calendars, provenance, may_know))


def _close(app: SchedulingApplication, ect: Induction, row: ActionRow, ab: str,
           teacher: Teacher[ActionRow], calendars: CalendarFor, provenance: Provenance,
           may_know: MayKnow) -> RowError | None:
    periods = ect.periods
    closed = next((p for p in reversed(periods)
                   if p.appropriate_body_id == ab and p.end == row.end), None)
    if closed is not None:
        return _already_closed(app, ect, closed, row, teacher)
    if ect.status != Status.OPEN or ect.appropriate_body_id != ab:
        return _error(row, "TRN", _not_theirs(app, ect, ab, may_know))
    reason = (f"bulk action file: induction passed on {row.end}" if row.outcome == PASS
              else f"bulk action file: released on {row.end}")
    try:
        ect.release(row.end, reason, calendars, provenance, row.number_of_terms)
        if row.outcome == PASS:
            served = ect.timeline(calendars, row.end).terms_served
            ect.import_outcome(PASS, row.end, float(served), provenance)
    except REFUSALS as exc:
        return _error(row, END_DATE, str(exc))
    teacher.created += 1
    return None


def _already_closed(app: SchedulingApplication, ect: Induction, closed: Period, row: ActionRow,
                    teacher: Teacher[ActionRow]) -> RowError | None:
    """The AB's period that ended on the row's date: unchanged if it ended as the row says."""
    last = closed == ect.periods[-1]
    recorded = ect.status if last and ect.status in COMPLETED else RELEASE
    if recorded != row.outcome:
        with_ab = teachers.appropriate_body(app, closed.appropriate_body_id)
        return _error(row, "Outcome", f"the period with {with_ab} from {closed.start} ended on "
                      f"{closed.end} and is recorded as {recorded}, not {row.outcome}; a file "
                      "cannot rewrite it")
    terms = next((c.recorded_terms for c in ect.posts if c.kind == END and c.on == row.end), None)
    if terms is not None and terms != row.number_of_terms:
        return _error(row, TERMS, f"the period from {closed.start} to {closed.end} is recorded "
                      f"with {terms} terms, not {row.number_of_terms}; a file cannot rewrite it")
    teacher.unchanged += 1
    return None


def _not_theirs(app: SchedulingApplication, ect: Induction, ab: str, may_know: MayKnow) -> str:
    """Why the row closes no period of this AB, saying only what the caller may be told."""
    label = teachers.appropriate_body(app, ab)
    if may_know(ect):
        last = ect.periods[-1]
        if ect.status == Status.OPEN:
            return (f"{ect.name}'s open induction period is with "
                    f"{teachers.appropriate_body(app, last.appropriate_body_id)}, from {last.start}, "
                    f"not with {label}: only the appropriate body holding it may close it")
        if ect.status in COMPLETED:
            return (f"{ect.name} {ect.status} induction on {ect.completed_on}: there is no open "
                    "period to close")
        return (f"{ect.name} has no open induction period: the last, with "
                f"{teachers.appropriate_body(app, last.appropriate_body_id)}, ended on {last.end}")
    return f"{ect.name} has no open induction period with {label} to close"


def _error(row: ActionRow, column: str, reason: str) -> RowError:
    return RowError(row.row, row.trn, row.name, column, reason)
