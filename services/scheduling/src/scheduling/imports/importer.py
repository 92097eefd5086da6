"""Apply an induction file to scheduling: every teacher's periods through the ECT aggregate.

Two steps. ``check`` builds each teacher's record in memory as the live commands would
(``Induction.register``, ``claim``, ``release``, ``import_outcome``), so every statutory
refusal (QTS before the start, one open period at a time, nothing after a pass or fail) is
the domain's own, and nothing is saved. ``apply`` then saves the records ``check`` built, one
induction (its aggregate and its TRN index) per save: one save of the whole file would be
about a thousand events in one transaction, which meets the event store's known hang on
psycopg's pipeline sync. The file is all or nothing because nothing is saved while any row
has an error; a save can then fail only if someone changed the same teacher meanwhile, and
uploading the file again completes it, because what is already recorded is recognised and
left unchanged.

The claim window of a live claim (received in the last 30 days, start not before receipt:
``domain.registration_window``) is not asked: an import records inductions already under
way, whose claims were made long ago. A start may be in the past, never in the future.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import InvalidOperation
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from scheduling.application import SchedulingApplication
from scheduling.domain import errors
from scheduling.domain.clock import CalendarFor
from scheduling.domain.induction import EctTrnIndex, Induction, Period, index_id
from scheduling.domain.provenance import Provenance
from scheduling.imports.files import FileRow, ParsedFile, RowError
from scheduling.imports.induction_file import InductionRow
from statutory.absence import InvalidAbsenceError
from statutory.calendar import InvalidCalendarError
from statutory.terms_served import InvalidWorkingPatternError

MayImport = Callable[[InductionRow], str | None]
"""The caller's scope: why they may not import this row (another AB's), or None."""
MayKnow = Callable[[Induction], bool]
"""Whether the caller may be told about a record already held (which AB, what outcome)."""

REFUSALS = (errors.SchedulingError, InvalidCalendarError, InvalidAbsenceError,
            InvalidWorkingPatternError, InvalidOperation, ValueError)

RowT = TypeVar("RowT", bound=FileRow)


@dataclass
class Teacher(Generic[RowT]):
    """One TRN's rows and the record they make, built in memory by a file's ``check`` (this
    module's for the induction file, ``claims``' and ``actions``' for the DfE's files)."""

    trn: str
    rows: list[RowT]
    ect: Induction | None = None
    index: EctTrnIndex | None = None  # only for a teacher new to the platform
    created: int = 0
    unchanged: int = 0


@dataclass
class Plan(Generic[RowT]):
    parsed: ParsedFile[RowT]
    teachers: list[Teacher[RowT]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(t.created for t in self.teachers)

    @property
    def unchanged(self) -> int:
        return sum(t.unchanged for t in self.teachers)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    unchanged: int
    errors: list[RowError]
    dry_run: bool

    def as_dict(self) -> dict[str, object]:
        return {"rows": self.rows, "created": 0 if self.errors else self.created,
                "unchanged": self.unchanged, "errors": [e.as_dict() for e in self.errors],
                "dry_run": self.dry_run}


def import_provenance(actor_id: str, actor_role: str, correlation_id: UUID, sha256: str,
                      uploaded_at: datetime) -> Provenance:
    """Every event of one upload names the uploader, the file and when it came."""
    return Provenance(actor_id, actor_role, correlation_id, imported_from=sha256,
                      imported_at=uploaded_at)


def check(app: SchedulingApplication, parsed: ParsedFile[InductionRow], *, provenance: Provenance,
          may_import: MayImport, may_know: MayKnow) -> Plan[InductionRow]:
    plan = Plan(parsed, errors=list(parsed.errors))
    by_trn: dict[str, list[InductionRow]] = {}
    for row in parsed.rows:
        refusal = may_import(row)
        if refusal is not None:
            plan.errors.append(_error(row, "Appropriate body", refusal))
            continue
        by_trn.setdefault(row.trn, []).append(row)
    calendars = app.calendars()  # each school's calendar read once for the whole file
    for trn, rows in by_trn.items():
        rows.sort(key=lambda r: (r.start, r.row))
        teacher = Teacher(trn, rows)
        found = _same_person(rows)
        if not found:
            found = _build(app, teacher, calendars, provenance, may_know)
        plan.errors.extend(found)
        if not found:
            plan.teachers.append(teacher)
    plan.errors.sort(key=lambda e: (e.row, e.field))
    return plan


def apply(app: SchedulingApplication, plan: Plan[Any]) -> list[RowError]:
    """Save what ``check`` built, one induction per save; returns the teachers someone changed
    meanwhile (nothing of theirs was saved: upload the file again)."""
    if plan.errors:
        return plan.errors
    clashes: list[RowError] = []
    for teacher in plan.teachers:
        ect = teacher.ect
        if ect is None or (not ect.pending_events and teacher.index is None):
            continue
        try:
            app.save(*[a for a in (ect, teacher.index) if a is not None])
        except IntegrityError:
            first = teacher.rows[0]
            clashes.append(_error(first, "TRN", "this teacher's record changed while the file was "
                                  "imported, so their rows were not recorded; upload the file again "
                                  "(what is already recorded is left unchanged)"))
    return clashes


def name_schools(app: SchedulingApplication, plan: Plan[InductionRow], provenance: Provenance) -> int:
    """Give each school the file names and the platform does not yet the file's name, so the
    screens say 'Oakwood Primary (URN 100001)' at once; a name already held is the hub's own
    and is kept. Returns how many schools were named."""
    named = 0
    seen: set[str] = set()
    for row in plan.parsed.rows:
        if row.school_id in seen:
            continue
        seen.add(row.school_id)
        if app.school_name(row.school_id) is None:
            named += app.name_school(row.school_id, row.school_name, provenance)
    return named


def _same_person(rows: list[InductionRow]) -> list[RowError]:
    """Rows of one TRN must describe one teacher (the DfE matches a TRN with its date of birth)."""
    first = rows[0]
    found = []
    for row in rows[1:]:
        for column, attribute in (("Name", "name"), ("Date of birth", "date_of_birth"),
                                  ("QTS date", "qts_date")):
            if getattr(row, attribute) != getattr(first, attribute):
                found.append(_error(row, column, f"{column} differs from row {first.row} for the "
                                    f"same TRN ({getattr(first, attribute)}): one TRN is one teacher"))
    return found


def _build(app: SchedulingApplication, teacher: Teacher[InductionRow], calendars: CalendarFor,
           provenance: Provenance, may_know: MayKnow) -> list[RowError]:
    """The teacher's record with the file's periods, as the live commands would make it."""
    ect = record_of(app, teacher.trn)
    if ect is not None:
        problem = _not_the_teacher_held(ect, teacher.rows[0], may_know)
        if problem is not None:
            return [problem]
    held: list[Period] = ect.periods if ect is not None else []
    previous: InductionRow | None = None
    for position, row in enumerate(teacher.rows):
        column = "Induction period start date"
        try:
            if position < len(held):
                column = "Induction period end date"
                if _matches_held(ect, held[position], row, position == len(held) - 1,
                                 calendars, provenance, may_know, teacher):
                    previous = row
                    continue
                return [_error(row, "Induction period start date", _conflict(
                    app, ect, held[position], row, may_know))]
            if ect is None:
                ect = Induction.register(
                    trn=row.trn, name=row.name, date_of_birth=row.date_of_birth,
                    school_id=row.school_id, subject=row.subject, phase=row.phase,
                    qts_date=row.qts_date, induction_start_date=row.start, fte=row.fte,
                    appropriate_body_id=row.appropriate_body_id,
                    induction_programme=row.induction_programme,
                    induction_tutor_id=row.induction_tutor_id, provenance=provenance)
                teacher.index = EctTrnIndex(trn=row.trn, ect_id=ect.id)
            else:
                ect.claim(appropriate_body_id=row.appropriate_body_id, period_start_date=row.start,
                          school_id=row.school_id, fte=row.fte,
                          induction_programme=row.induction_programme,
                          induction_tutor_id=row.induction_tutor_id, provenance=provenance)
            column = "Induction period end date"
            _close(ect, row, calendars, provenance)
            teacher.created += 1
            previous = row
        except errors.StartBeforeQtsError as exc:
            return [_error(row, "Induction period start date", str(exc))]
        except (errors.OpenInductionElsewhereError, errors.InductionAlreadyCompletedError) as exc:
            # who holds a teacher, and whether they passed or failed, is told only to a caller
            # who may know it, or when it is this file's own rows that say so
            if ect is not None and teacher.index is None and not may_know(ect):
                return [_error(row, column, str(errors.RegistrationRefusedError()))]
            return [_error(row, column, _after(previous) + str(exc))]
        except REFUSALS as exc:
            where = _after(previous) if column.endswith("start date") else ""
            return [_error(row, column, where + str(exc))]
    teacher.ect = ect
    return []


def _after(previous: InductionRow | None) -> str:
    if previous is None:
        return ""
    return (f"this period overlaps or follows too closely the one in row {previous.row} (from "
            f"{previous.start}): ")


def record_of(app: SchedulingApplication, trn: str) -> Induction | None:
    """The record the platform holds for this TRN, if any."""
    try:
        index: EctTrnIndex = app.repository.get(index_id(trn))
    except AggregateNotFoundError:
        return None
    return app.get_induction(index.ect_id)


def _not_the_teacher_held(ect: Induction, row: InductionRow, may_know: MayKnow) -> RowError | None:
    # whoever holds them, the answer is the one a live claim gets: it says neither who nor
    # how their induction went
    if not may_know(ect) and not any(p.appropriate_body_id == row.appropriate_body_id
                                     for p in ect.periods):
        return _error(row, "TRN", str(errors.RegistrationRefusedError()))
    if ect.date_of_birth != row.date_of_birth:
        return _error(row, "Date of birth", f"the date of birth {row.date_of_birth} does not match "
                      "the record already held for this TRN; check the TRN and date of birth")
    return None


def _matches_held(ect: Induction | None, period: Period, row: InductionRow, last_held: bool,
                  calendars: CalendarFor, provenance: Provenance, may_know: MayKnow,
                  teacher: Teacher[InductionRow]) -> bool:
    """A row for a period already recorded: unchanged, or the held open period now closed."""
    assert ect is not None  # a period is held only on a record held
    if (period.appropriate_body_id, period.start) != (row.appropriate_body_id, row.start):
        return False
    if period.end == row.end:
        teacher.unchanged += 1
        return True
    if period.end is None and last_held and row.end is not None:
        _close(ect, row, calendars, provenance)  # the period the platform holds open has ended
        teacher.created += 1
        return True
    return False


def _conflict(app: SchedulingApplication, ect: Induction | None, period: Period, row: InductionRow,
              may_know: MayKnow) -> str:
    if ect is None or not may_know(ect):
        return str(errors.RegistrationRefusedError())
    from scheduling.imports import teachers  # it builds on this module: imported when needed

    ended = f", ended on {period.end}" if period.end else ", still open"
    return (f"the record already held for this teacher has a period from {period.start} with "
            f"{teachers.appropriate_body(app, period.appropriate_body_id)}{ended}, which this row does not "
            "match: the file may add periods and close the open one, never rewrite the history")


def _close(ect: Induction, row: InductionRow, calendars: CalendarFor, provenance: Provenance) -> None:
    """A closed period without an outcome is a release; with one, the release and the outcome,
    so the clock counts the AB's number of terms for the period (2.31) either way."""
    if row.end is None:
        return
    reason = (f"imported: induction {row.outcome} on {row.end}" if row.outcome
              else f"imported: induction period ended on {row.end}")
    ect.release(row.end, reason, calendars, provenance, row.number_of_terms)
    if row.outcome is not None:  # published: reporting never made this decision, so must learn it
        served = ect.timeline(calendars, row.end).terms_served
        ect.import_outcome(row.outcome, row.end, float(served), provenance)


def _error(row: FileRow, column: str, reason: str) -> RowError:
    return RowError(row.row, row.trn, row.name, column, reason)
