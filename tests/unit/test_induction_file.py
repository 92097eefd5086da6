"""Reading the induction file: the header, each cell's type, every problem of a row at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from scheduling.imports.files import ERROR_COLUMN, MAX_ROWS
from scheduling.imports.induction_file import COLUMNS, parse_induction_file

TODAY = date(2026, 12, 2)
GOOD = ["1234567", "Ada Lovelace", "1998-03-14", "100001", "Oakwood", "", "Primary", "2026-07-15",
        "ab-1", "School-led", "2026-08-20", "2026-09-01", "", "", "0.6", "tutor-1", ""]


def csv_of(*rows: list[str], header: list[str] | None = None) -> bytes:
    lines = [",".join(header or COLUMNS)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_row_is_typed_in_the_platform_s_values():
    parsed = parse_induction_file(b"\xef\xbb\xbf" + csv_of(GOOD), TODAY)  # a spreadsheet's BOM
    assert parsed.errors == []
    [row] = parsed.rows
    assert (row.row, row.phase, row.induction_programme, row.fte, row.subject) == (
        2, "primary", "school_led", 0.6, None)
    assert row.start == date(2026, 9, 1) and row.end is None and row.outcome is None


def test_the_columns_may_come_in_any_order_and_the_error_column_is_ignored():
    order = [*reversed(COLUMNS), ERROR_COLUMN]
    parsed = parse_induction_file(csv_of([*reversed(GOOD), "old error"], header=order), TODAY)
    assert parsed.errors == [] and parsed.rows[0].trn == "1234567"


def test_a_closed_period_keeps_its_terms_and_outcome():
    closed = GOOD.copy()
    closed[12:14] = ["2026-11-30", "1.5"]
    closed[16] = "Pass"
    [row] = parse_induction_file(csv_of(closed), TODAY).rows
    assert (row.end, row.number_of_terms, row.outcome) == (date(2026, 11, 30), Decimal("1.5"), "passed")


def test_every_problem_of_a_row_is_reported_naming_the_teacher():
    bad = GOOD.copy()
    bad[2], bad[9], bad[11], bad[14], bad[16] = "14/03/1998", "diy", "2027-01-01", "0", "pass"
    parsed = parse_induction_file(csv_of(bad), TODAY)
    assert parsed.rows == []
    assert {e.field for e in parsed.errors} == {"Date of birth", "Induction programme",
                                                 "Induction period start date", "FTE", "Outcome"}
    assert {(e.trn, e.name, e.row) for e in parsed.errors} == {("1234567", "Ada Lovelace", 2)}


def test_a_wrong_header_is_one_file_error():
    parsed = parse_induction_file(csv_of(GOOD[:-1], header=[*COLUMNS[:-1], "Notes"]), TODAY)
    [error] = parsed.errors
    assert error.row == 0 and "Outcome" in error.reason and "Notes" in error.reason


def test_limits_and_encoding():
    assert "more than" in parse_induction_file(csv_of(*[GOOD] * (MAX_ROWS + 1)), TODAY).errors[-1].reason
    assert "UTF-8" in parse_induction_file(csv_of(GOOD).replace(b"Ada", b"\xe9da"), TODAY).errors[0].reason
    assert "no rows" in parse_induction_file(csv_of(), TODAY).errors[0].reason
