"""The teacher a row of a DfE bulk file names: found by TRN, matched by date of birth.

The DfE's files carry no name, no school and no other detail, only the TRN and date of birth
the DfE service matches a teacher by, so both files are for teachers the platform already
holds a record of. Each row's errors then name the teacher from that record, when the caller
may be told who they are: the caller may read the record, or the row gives the TRN and the
date of birth the record holds (the two facts that identify a teacher, as the DfE service
names a teacher it matches). A TRN whose date of birth does not match stays unnamed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from scheduling.application import SchedulingApplication
from scheduling.domain.induction import Induction
from scheduling.imports.action_file import ActionRow
from scheduling.imports.claim_file import ClaimRow
from scheduling.imports.files import ParsedFile, RowError
from scheduling.imports.importer import MayKnow, Plan, Teacher, record_of

DfeRow = TypeVar("DfeRow", ClaimRow, ActionRow)
Decide = Callable[[Induction, DfeRow, Teacher[DfeRow]], RowError | None]

DATE_OF_BIRTH = "Date of birth"


def unknown(trn: str) -> str:
    return (f"no teacher with TRN {trn} is known to the platform: the teacher must be registered "
            "(POST /ects) or imported (an induction file, POST /imports/inductions) first")


def not_their_birthday(trn: str, given: date) -> str:
    return (f"the date of birth {given} does not match the record held for TRN {trn}; check "
            "the TRN and date of birth")


def may_name(ect: Induction, date_of_birth: str | date | None, may_know: MayKnow) -> bool:
    given = date_of_birth.isoformat() if isinstance(date_of_birth, date) else date_of_birth
    # an erased person's date of birth is gone: nothing matches it
    return may_know(ect) or (ect.date_of_birth is not None
                             and given == ect.date_of_birth.isoformat())


def appropriate_body(app: SchedulingApplication, appropriate_body_id: str) -> str:
    """The AB as a person reads it: its name when the hub has given it one."""
    name = app.appropriate_body_name(appropriate_body_id)
    return f"{name} ({appropriate_body_id})" if name else f"appropriate body {appropriate_body_id}"


def name_errors(app: SchedulingApplication, parsed: ParsedFile[Any], found: list[RowError],
                may_know: MayKnow) -> list[RowError]:
    """``found`` with each unnamed row error naming its teacher, where the caller may be told:
    a cell the reader refused is reported before any record is looked up."""
    given = {line: raw.get(DATE_OF_BIRTH, "") for line, raw in zip(parsed.lines, parsed.raw_rows,
                                                                     strict=True)}
    records: dict[str, Induction | None] = {}
    named: list[RowError] = []
    for error in found:
        if error.name or not error.trn:
            named.append(error)
            continue
        if error.trn not in records:
            records[error.trn] = record_of(app, error.trn)
        ect = records[error.trn]
        if ect is not None and may_name(ect, given.get(error.row), may_know):
            error = replace(error, name=ect.name)
        named.append(error)
    return named


def plan_rows(app: SchedulingApplication, parsed: ParsedFile[DfeRow], may_know: MayKnow,
              decide: Decide[DfeRow]) -> Plan[DfeRow]:
    """A DfE file's plan, decided in memory (``importer.apply`` saves it): each row's teacher
    found by TRN and matched by date of birth, named from the record, then ``decide`` says
    what the row does to them (a row error, or None with the change made on the record)."""
    plan: Plan[DfeRow] = Plan(parsed)
    found = list(parsed.errors)
    for row in parsed.rows:  # one row per TRN: the reader refused a TRN twice
        ect = record_of(app, row.trn)
        if ect is None:
            found.append(RowError(row.row, row.trn, "", "TRN", unknown(row.trn)))
            continue
        if ect.date_of_birth != row.date_of_birth:
            name = ect.name if may_know(ect) else ""
            found.append(RowError(row.row, row.trn, name, DATE_OF_BIRTH,
                                  not_their_birthday(row.trn, row.date_of_birth)))
            continue
        row = replace(row, name=ect.name)  # TRN and date of birth match: the teacher is named
        teacher = Teacher(row.trn, [row], ect=ect)
        problem = decide(ect, row, teacher)
        if problem is not None:
            found.append(problem)
        else:
            plan.teachers.append(teacher)
    plan.errors = sorted(name_errors(app, parsed, found, may_know), key=lambda e: (e.row, e.field))
    return plan
