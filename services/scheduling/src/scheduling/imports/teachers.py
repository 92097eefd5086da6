"""The teacher a row of a DfE bulk file names: found by TRN, matched by date of birth.

The DfE's files carry no name, no school and no other detail, only the TRN and date of birth
the DfE service matches a teacher by, so both files are for teachers the platform already
holds a record of. Each row's errors then name the teacher from that record, when the caller
may be told who they are: the caller may read the record, or the row gives the TRN and the
date of birth the record holds (the two facts that identify a teacher, as the DfE service
names a teacher it matches). A TRN whose date of birth does not match stays unnamed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from scheduling.application import SchedulingApplication
from scheduling.domain.induction import Induction
from scheduling.imports.files import ParsedFile, RowError
from scheduling.imports.importer import MayKnow, record_of

DATE_OF_BIRTH = "Date of birth"


def unknown(trn: str) -> str:
    return (f"no teacher with TRN {trn} is known to the platform: the teacher must be registered "
            "(POST /ects) or imported (an induction file, POST /imports/inductions) first")


def not_their_birthday(trn: str, given: date) -> str:
    return (f"the date of birth {given} does not match the record held for TRN {trn}; check "
            "the TRN and date of birth")


def may_name(ect: Induction, date_of_birth: str | date | None, may_know: MayKnow) -> bool:
    given = date_of_birth.isoformat() if isinstance(date_of_birth, date) else date_of_birth
    return may_know(ect) or given == ect.date_of_birth.isoformat()


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
