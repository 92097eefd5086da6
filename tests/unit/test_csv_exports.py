"""CSV the platform writes: safe to open in a spreadsheet, and DfE files in parts it accepts."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from ect_platform.csv_safety import FORMULA_STARTS, neutralise, write
from reporting.projections.exports import DFE_MAX_ROWS, dfe_files


def cells(text: str) -> list[list[str]]:
    """The file as a spreadsheet opens it: its rows of cells."""
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_cell_a_spreadsheet_would_read_as_a_formula_is_written_as_text():
    hostile = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx",
               "=cmd|' /C calc'!A0"]
    written = write(("Name", "TRN"), [{"Name": name, "TRN": "1234567"} for name in hostile])
    [header, *rows] = cells(written)
    assert header == ["Name", "TRN"]
    assert [row[0] for row in rows] == ["'" + name for name in hostile]
    assert all(not cell.startswith(FORMULA_STARTS) for row in rows for cell in row)


def test_ordinary_cells_are_written_as_they_are():
    assert [neutralise(v) for v in ("Ada Lovelace", "2025-09-01", 6.0, None, "O'Brien", "1-2")] == [
        "Ada Lovelace", "2025-09-01", "6.0", "", "O'Brien", "1-2"]


@given(st.lists(st.text()), st.text())
def test_no_cell_of_any_file_starts_a_formula(names: list[str], column: str):
    for row in cells(write((column,), [{column: name} for name in names])):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS)


def test_a_dfe_file_is_split_at_a_thousand_rows():
    rows = [{"TRN": f"{n:07d}"} for n in range(2500)]
    files = dfe_files(rows)
    assert [len(f) for f in files] == [DFE_MAX_ROWS, DFE_MAX_ROWS, 500]
    assert [r for f in files for r in f] == rows  # nothing lost, nothing doubled, in order


def test_no_dfe_file_holds_a_trn_twice():
    rows = [{"TRN": "1111111", "n": 1}, {"TRN": "2222222", "n": 2}, {"TRN": "1111111", "n": 3}]
    assert dfe_files(rows) == [[rows[0], rows[1]], [rows[2]]]
    assert dfe_files([]) == [[]]


@given(st.lists(st.integers(0, 30).map(lambda n: f"{n:07d}"), max_size=300), st.integers(1, 40))
def test_every_row_lands_in_exactly_one_file_that_the_dfe_would_accept(trns: list[str], limit: int):
    rows = [{"TRN": trn, "n": n} for n, trn in enumerate(trns)]
    files = dfe_files(rows, limit)
    assert sorted(r["n"] for f in files for r in f) == list(range(len(rows)))
    for f in files:
        assert len(f) <= limit
        assert len({r["TRN"] for r in f}) == len(f)
        assert [r["n"] for r in f] == sorted(r["n"] for r in f)
