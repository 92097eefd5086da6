"""Reading the DfE's bulk claim and action files as the DfE service writes them: exact
headers in any order, its "Error message" column ignored, each teacher once, outcomes read
by their word whatever the case, a fail refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from scheduling.imports import action_file, claim_file
from scheduling.imports.action_file import FAIL_IN_BULK, parse_action_file
from scheduling.imports.claim_file import parse_claim_file
from scheduling.imports.files import DFE_ERROR_COLUMN, MAX_ROWS

TODAY = date(2026, 12, 2)
CLAIM = ["1234567", "1998-03-14", "provider-led", "2026-09-01"]
ACTION = ["1234567", "1998-03-14", "2026-11-30", "1.5", "Pass"]


def csv_of(header: tuple[str, ...] | list[str], *rows: list[str]) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def claims(*rows: list[str], header: tuple[str, ...] | list[str] = claim_file.COLUMNS):  # type: ignore[no-untyped-def]
    return parse_claim_file(csv_of(header, *rows), TODAY)


def actions(*rows: list[str], header: tuple[str, ...] | list[str] = action_file.COLUMNS):  # type: ignore[no-untyped-def]
    return parse_action_file(csv_of(header, *rows), TODAY)


def test_a_claim_is_typed_in_the_platform_s_values():
    parsed = parse_claim_file(b"\xef\xbb\xbf" + csv_of(claim_file.COLUMNS, CLAIM), TODAY)
    assert parsed.errors == []
    [row] = parsed.rows
    assert (row.row, row.trn, row.date_of_birth, row.induction_programme, row.start) == (
        2, "1234567", date(1998, 3, 14), "provider_led", date(2026, 9, 1))
    assert row.name == "", "the file names no one: the importer names them from the record"


def test_the_dfe_columns_come_in_any_order_with_its_error_message_column_ignored():
    order = [*reversed(claim_file.COLUMNS), DFE_ERROR_COLUMN]
    parsed = claims([*reversed(CLAIM), "TRN not found"], header=order)
    assert parsed.errors == [] and parsed.rows[0].start == date(2026, 9, 1)
    order = ["Outcome", *action_file.COLUMNS[:-1], DFE_ERROR_COLUMN]
    parsed = actions(["PASS", *ACTION[:-1], "an error was fixed"], header=order)
    assert parsed.errors == [] and parsed.rows[0].outcome == "passed"


def test_trailing_empty_cells_a_spreadsheet_leaves_are_ignored_but_a_stray_value_is_not():
    assert claims([*CLAIM, "", ""]).errors == []
    [error] = claims([*CLAIM, "", "x"]).errors
    assert "more cells than the header" in error.reason


def test_the_programme_is_the_dfe_s_spelling_and_the_start_is_iso_and_not_in_the_future():
    bad = claims(["1234567", "1998-03-14", "diy-led", "01/09/2026"],
                 ["2345678", "1998-03-14", "School-led", "2026-12-03"])
    assert bad.rows == []
    found = {(e.trn, e.field): e.reason for e in bad.errors}
    assert "provider-led, school-led" in found[("1234567", "Induction programme")]
    assert "YYYY-MM-DD" in found[("1234567", "Induction period start date")]
    assert "in the future" in found[("2345678", "Induction period start date")]


def test_a_wrong_claim_header_is_one_file_error_naming_the_columns():
    [error] = claims(CLAIM[:3], header=claim_file.COLUMNS[:3]).errors
    assert error.row == 0 and "Induction period start date" in error.reason
    [error] = claims([*CLAIM, "x"], header=[*claim_file.COLUMNS, "Name"]).errors
    assert "unknown column(s): Name" in error.reason


def test_each_teacher_once_a_file():
    parsed = claims(CLAIM, ["2345678", "1999-01-01", "school-led", "2026-09-01"],
                    ["1234567", "1998-03-14", "school-led", "2026-10-01"])
    [error] = parsed.errors
    assert (error.row, error.trn, error.field) == (4, "1234567", "TRN")
    assert "also in row 2" in error.reason
    assert [r.trn for r in parsed.rows] == ["1234567", "2345678"]


def test_an_action_is_typed_and_its_outcome_read_by_the_word_whatever_the_case():
    [row] = actions(ACTION).rows
    assert (row.end, row.number_of_terms, row.outcome) == (date(2026, 11, 30), Decimal("1.5"), "passed")
    for word, outcome in (("pass", "passed"), ("PASSED", "passed"), ("Release", "released"),
                          ("released", "released")):
        assert actions([*ACTION[:4], word]).rows[0].outcome == outcome, word


def test_a_fail_is_refused_in_bulk_row_by_row():
    parsed = actions([*ACTION[:4], "Fail"], ["2345678", "1999-01-01", "2026-11-30", "2", "FAILED"],
                     ["3456789", "1999-01-01", "2026-11-30", "2", "release"])
    assert [(e.trn, e.field, e.reason) for e in parsed.errors] == [
        ("1234567", "Outcome", FAIL_IN_BULK), ("2345678", "Outcome", FAIL_IN_BULK)]
    assert [r.trn for r in parsed.rows] == ["3456789"]


def test_every_problem_of_an_action_row_is_reported():
    parsed = actions(["123456", "1998-3-14", "2026-12-25", "1.55", "withdrawn"],
                     ["2345678", "1999-01-01", "2026-11-30", "17", "pass"],
                     ["3456789", "1999-01-01", "2026-11-30", "lots", "pass"],
                     ["4567890", "1999-01-01", "2026-11-30", "", "pass"])
    found = {(e.trn, e.field): e.reason for e in parsed.errors}
    assert "7 digits" in found[("123456", "TRN")]
    assert "YYYY-MM-DD" in found[("123456", "Date of birth")]
    assert "in the future" in found[("123456", "Induction period end date")]
    assert "decimal place" in found[("123456", "Number of terms")]
    assert "pass, release" in found[("123456", "Outcome")]
    assert "at most 16" in found[("2345678", "Number of terms")]
    assert "not a number" in found[("3456789", "Number of terms")]
    assert "missing" in found[("4567890", "Number of terms")]
    assert parsed.rows == []


def test_limits_apply_to_the_dfe_files_too():
    rows = [[f"{1000000 + n}", *ACTION[1:]] for n in range(MAX_ROWS + 1)]
    assert "more than 1000 rows" in actions(*rows).errors[-1].reason
    assert "no rows" in actions().errors[0].reason


def test_a_blank_line_in_the_middle_keeps_each_row_s_number():
    data = csv_of(claim_file.COLUMNS, CLAIM, ["", "", "", ""], ["2345678", "x", "school-led", "2026-09-01"])
    parsed = parse_claim_file(data, TODAY)
    assert parsed.lines == [2, 4]
    [error] = parsed.errors
    assert error.row == 4 and error.field == "Date of birth"
