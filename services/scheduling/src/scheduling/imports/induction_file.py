"""The induction file: one row per induction period, as a hub holds its records before it
adopts the platform (``POST /imports/inductions``, ``ect import inductions FILE``).

This module reads and types the rows only; whether the periods make a lawful induction
(QTS before the start, one open period at a time, nothing after a pass or fail) is the
domain's to decide when the importer applies them, so those rules are never restated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scheduling.imports.files import Cells, FileFormat, ParsedFile, parse

COLUMNS = (
    "TRN", "Name", "Date of birth", "School URN", "School name", "Subject", "Phase", "QTS date",
    "Appropriate body", "Induction programme", "Registered on", "Induction period start date",
    "Induction period end date", "Number of terms", "FTE", "Induction tutor", "Outcome",
)

# the DfE's spelling in the file -> the platform's value (contracts.scheduling.v1)
PROGRAMMES = {"provider-led": "provider_led", "school-led": "school_led"}
OUTCOMES = {"pass": "passed", "fail": "failed"}
PHASES = {
    "early years": "early_years", "early_years": "early_years", "primary": "primary",
    "secondary": "secondary", "all-through": "all_through", "all through": "all_through",
    "all_through": "all_through", "special": "special", "further education": "further_education",
    "further_education": "further_education",
}


@dataclass(frozen=True)
class InductionRow:
    """One induction period of one teacher, as the file gives it."""

    row: int
    trn: str
    name: str
    date_of_birth: date
    school_id: str  # the school's URN, which is how the platform knows a school
    school_name: str
    subject: str | None
    phase: str
    qts_date: date
    appropriate_body_id: str
    induction_programme: str
    registered_on: date
    start: date
    end: date | None
    number_of_terms: Decimal | None
    fte: float
    induction_tutor_id: str
    outcome: str | None  # "passed", "failed", or None (open, or a release when ``end`` is set)


def read_row(cells: Cells) -> InductionRow | None:
    trn = cells.teacher_reference()
    name = cells.text("Name")
    date_of_birth = cells.date("Date of birth")
    school_id = cells.text("School URN", max_length=64)
    school_name = cells.text("School name")
    subject = cells.text("Subject", required=False, max_length=100)
    phase = cells.choice("Phase", PHASES)
    qts_date = cells.date("QTS date")
    appropriate_body_id = cells.text("Appropriate body", max_length=64)
    programme = cells.choice("Induction programme", PROGRAMMES)
    registered_on = cells.date("Registered on")
    start = cells.date("Induction period start date")
    end = cells.date("Induction period end date", required=False)
    terms = cells.number("Number of terms", required=False, low=Decimal(0), high=Decimal(99),
                         places=1)
    fte = cells.number("FTE", low=Decimal(0), high=Decimal(1), places=2, low_open=True)
    tutor = cells.text("Induction tutor", max_length=64)
    outcome = cells.choice("Outcome", OUTCOMES, required=False)
    if end is None and not cells.values.get("Induction period end date"):
        # the open period: what closes a period has no place on it
        for column in ("Number of terms", "Outcome"):
            if cells.values.get(column):
                cells.fail(column, f"{column} is given but the period has no end date; an open "
                           "period has neither, a closed one needs its end date")
    if cells.errors:
        return None
    assert trn and name and date_of_birth and school_id and school_name and phase
    assert qts_date and appropriate_body_id and programme and registered_on and start and fte
    assert tutor  # every required cell was read without error
    return InductionRow(
        row=cells.row, trn=trn, name=name, date_of_birth=date_of_birth, school_id=school_id,
        school_name=school_name, subject=subject, phase=phase, qts_date=qts_date,
        appropriate_body_id=appropriate_body_id, induction_programme=programme,
        registered_on=registered_on, start=start, end=end, number_of_terms=terms,
        fte=float(fte), induction_tutor_id=tutor, outcome=outcome)


INDUCTION_FILE: FileFormat[InductionRow] = FileFormat("inductions", COLUMNS, read_row)


def parse_induction_file(data: bytes, today: date) -> ParsedFile[InductionRow]:
    return parse(data, INDUCTION_FILE, today)
