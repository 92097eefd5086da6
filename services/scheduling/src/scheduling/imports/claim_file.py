"""The DfE's bulk claim file ("Record inductions as an appropriate body"): one row per
teacher the uploading appropriate body claims (``POST /imports/claims``, ``ect import claims``).

It names neither the school nor the teacher, only the TRN and date of birth the DfE service
matches a teacher by, so a claim is only for a teacher the platform already knows (registered
or imported); the claim keeps their school, working pattern and induction tutor. This module
reads and types the rows; whether the claim is lawful is the ECT record's to decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduling.imports.files import DFE_ERROR_COLUMN, Cells, FileFormat, ParsedFile, parse
from scheduling.imports.induction_file import PROGRAMMES

COLUMNS = ("TRN", "Date of birth", "Induction programme", "Induction period start date")


@dataclass(frozen=True)
class ClaimRow:
    """One claim as the file gives it. ``name`` is not in the file: the importer fills it in
    from the teacher's record, so every error names the teacher."""

    row: int
    trn: str
    date_of_birth: date
    induction_programme: str
    start: date
    name: str = ""


def read_row(cells: Cells) -> ClaimRow | None:
    trn = cells.teacher_reference()
    date_of_birth = cells.date("Date of birth")
    programme = cells.choice("Induction programme", PROGRAMMES)
    start = cells.date("Induction period start date")
    if cells.errors:
        return None
    assert trn and date_of_birth and programme and start  # each was read without error
    return ClaimRow(row=cells.row, trn=trn, date_of_birth=date_of_birth,
                    induction_programme=programme, start=start)


CLAIM_FILE: FileFormat[ClaimRow] = FileFormat("claims", COLUMNS, read_row,
                                              error_column=DFE_ERROR_COLUMN, one_row_per_trn=True)


def parse_claim_file(data: bytes, today: date) -> ParsedFile[ClaimRow]:
    return parse(data, CLAIM_FILE, today)
