"""The DfE's bulk action file ("Record inductions as an appropriate body"): one row per
teacher whose induction period the uploading appropriate body closes, by a pass or a release
(``POST /imports/actions``, ``ect import actions``).

The outcome is read as the DfE service reads it, by the word in the cell whatever its case
(``Pass``, ``PASSED``, ``release``). A fail is refused here, row by row, as the DfE service
refuses it in bulk: a fail is recorded one teacher at a time, where the AB's decision, its
notice and the appeal rights are recorded with it. This module reads and types the rows;
whether the AB may close the period, and when, is the ECT record's to decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scheduling.imports.files import DFE_ERROR_COLUMN, Cells, FileFormat, ParsedFile, parse

COLUMNS = ("TRN", "Date of birth", "Induction period end date", "Number of terms", "Outcome")
PASS, RELEASE = "passed", "released"
FAIL_IN_BULK = "a fail cannot be recorded in bulk: record it on the teacher's page"
MOST_TERMS = Decimal(16)  # far beyond any induction, extensions included: a typo, not a term count


@dataclass(frozen=True)
class ActionRow:
    """One period closed, as the file gives it. ``name`` is not in the file: the importer
    fills it in from the teacher's record, so every error names the teacher."""

    row: int
    trn: str
    date_of_birth: date
    end: date
    number_of_terms: Decimal
    outcome: str  # PASS or RELEASE
    name: str = ""


def read_row(cells: Cells) -> ActionRow | None:
    trn = cells.teacher_reference()
    date_of_birth = cells.date("Date of birth")
    end = cells.date("Induction period end date")
    terms = cells.number("Number of terms", low=Decimal(0), high=MOST_TERMS, places=1)
    outcome = _outcome(cells)
    if cells.errors:
        return None
    assert trn and date_of_birth and end and terms is not None and outcome  # read without error
    return ActionRow(row=cells.row, trn=trn, date_of_birth=date_of_birth, end=end,
                     number_of_terms=terms, outcome=outcome)


def _outcome(cells: Cells) -> str | None:
    value = cells.text("Outcome")
    if value is None:
        return None
    word = value.lower()
    # a fail first, so a cell naming both is refused rather than read as a pass
    if "fail" in word:
        cells.fail("Outcome", FAIL_IN_BULK)
        return None
    if "pass" in word:
        return PASS
    if "release" in word:
        return RELEASE
    cells.fail("Outcome", f"Outcome '{value}' is not one of: pass, release")
    return None


ACTION_FILE: FileFormat[ActionRow] = FileFormat("actions", COLUMNS, read_row,
                                                error_column=DFE_ERROR_COLUMN, one_row_per_trn=True)


def parse_action_file(data: bytes, today: date) -> ParsedFile[ActionRow]:
    return parse(data, ACTION_FILE, today)
