"""The machinery every uploaded CSV goes through: decode, check the header, read each row's cells.

A file format is a set of columns and a function from one row's ``Cells`` to a typed row.
``Cells`` reads a column as text, a date, a number or a choice, and collects what is wrong
with each cell instead of stopping at the first, so one upload reports every problem of a
row at once, each naming the teacher (their name and TRN), as the DfE's service does. The
induction file (``induction_file.py``) is one format; the DfE's bulk claim and action files
(``claim_file.py``, ``action_file.py``) are two more over the same machinery.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Generic, Protocol, TypeVar

MAX_ROWS = 1000  # the DfE's own limit for one bulk upload
MAX_BYTES = 1_000_000
ERROR_COLUMN = "Error"  # the column the errors download adds; tolerated (and ignored) on upload
DFE_ERROR_COLUMN = "Error message"  # the DfE service's errors download adds this one instead
IGNORED_COLUMNS = (ERROR_COLUMN, DFE_ERROR_COLUMN)

RowT = TypeVar("RowT")


class FileRow(Protocol):
    """What every typed row tells of itself, so a problem found later names its teacher."""

    @property
    def row(self) -> int: ...

    @property
    def trn(self) -> str: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class RowError:
    """One problem with one row. ``row`` is the row as a spreadsheet numbers it (the header is
    row 1), ``row`` 0 a problem with the whole file."""

    row: int
    trn: str
    name: str
    field: str
    reason: str

    @property
    def teacher(self) -> str:
        """Who the row is about, as a person reads it: their name and TRN (a DfE file gives no
        name, and a teacher the caller may not be told about keeps theirs)."""
        if self.name:
            return f"{self.name} (TRN {self.trn})"
        return f"the teacher with TRN {self.trn}" if self.trn else "the file"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "trn": self.trn, "name": self.name, "field": self.field,
                "reason": self.reason}


class Cells:
    """One row's cells by column, read one at a time; every problem is kept, none raised."""

    def __init__(self, row: int, values: Mapping[str, str], today: date) -> None:
        self.row = row
        self.values = values
        self.today = today
        self.errors: list[RowError] = []

    @property
    def trn(self) -> str:
        return self.values.get("TRN", "")

    @property
    def name(self) -> str:
        return self.values.get("Name", "")

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.row, self.trn, self.name, column, reason))

    def teacher_reference(self) -> str | None:
        """The TRN: how every file names its teacher, and how the platform finds them."""
        trn = self.text("TRN")
        if trn is not None and not (len(trn) == 7 and trn.isdigit()):
            self.fail("TRN", f"TRN '{trn}' is not a teacher reference number of 7 digits")
        return trn

    def text(self, column: str, *, required: bool = True, max_length: int = 200) -> str | None:
        value = self.values.get(column, "")
        if not value:
            if required:
                self.fail(column, f"{column} is missing")
            return None
        if len(value) > max_length:
            self.fail(column, f"{column} is longer than {max_length} characters")
            return None
        return value

    def date(self, column: str, *, required: bool = True, past: bool = True) -> date | None:
        """An ISO date (YYYY-MM-DD); ``past``: not after today (a record of what happened)."""
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(column, f"{column} '{value}' is not a date written YYYY-MM-DD")
            return None
        if len(value) != 10:
            self.fail(column, f"{column} '{value}' is not a date written YYYY-MM-DD")
            return None
        if past and day > self.today:
            self.fail(column, f"{column} {day} is in the future (today is {self.today})")
            return None
        return day

    def number(self, column: str, *, required: bool = True, low: Decimal, high: Decimal,
               places: int, low_open: bool = False) -> Decimal | None:
        value = self.text(column, required=required)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.fail(column, f"{column} '{value}' is not a number")
            return None
        if not number.is_finite() or number < low or number > high or (low_open and number == low):
            bound = "more than" if low_open else "at least"
            self.fail(column, f"{column} {value} must be {bound} {low} and at most {high}")
            return None
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            self.fail(column, f"{column} {value} has more than {places} decimal place(s)")
            return None
        return number

    def choice(self, column: str, choices: Mapping[str, str], *, required: bool = True) -> str | None:
        """One of ``choices`` (the file's spelling, case-insensitive -> the platform's value)."""
        value = self.text(column, required=required)
        if value is None:
            return None
        found = choices.get(value.lower())
        if found is None:
            self.fail(column, f"{column} '{value}' is not one of: {', '.join(choices)}")
        return found


@dataclass(frozen=True)
class FileFormat(Generic[RowT]):
    """A kind of upload: its exact columns and how one row's cells become a typed row."""

    name: str
    columns: tuple[str, ...]
    read_row: Callable[[Cells], RowT | None]
    error_column: str = ERROR_COLUMN  # what the errors download calls its column of problems
    one_row_per_trn: bool = False  # the DfE service refuses a file naming a teacher twice


@dataclass
class ParsedFile(Generic[RowT]):
    sha256: str
    raw_rows: list[dict[str, str]] = field(default_factory=list)  # as uploaded, for the errors CSV
    lines: list[int] = field(default_factory=list)  # each raw row's row number, header being 1
    rows: list[RowT] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.raw_rows)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse(data: bytes, fmt: FileFormat[RowT], today: date) -> ParsedFile[RowT]:
    """The file's rows, typed, and every problem found in reading them (no rule of the
    induction is checked here: that is the domain's, when the rows are applied)."""
    parsed: ParsedFile[RowT] = ParsedFile(sha256_of(data))
    first_row_of: dict[str, int] = {}  # TRN -> the row that named it first

    def file_error(reason: str) -> ParsedFile[RowT]:
        parsed.errors.append(RowError(0, "", "", "file", reason))
        return parsed

    if len(data) > MAX_BYTES:
        return file_error(f"the file is larger than {MAX_BYTES:,} bytes; split it")
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        return file_error("the file is not UTF-8 text: save it from the spreadsheet as 'CSV UTF-8'")
    if "\x00" in text:  # the edge's NUL check is this route's own (it reads its body itself)
        return file_error("the file holds a NUL character, which no text file does: is it a "
                          "spreadsheet workbook rather than a CSV?")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return file_error("the file is empty: it needs a header row")
        header = [column.strip() for column in header]
        problem = _header_problem(header, fmt.columns)
        if problem:
            return file_error(problem)
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # a blank line a spreadsheet left at the end
            if len(cells) > len(header) and not any(c.strip() for c in cells[len(header):]):
                cells = cells[:len(header)]  # a spreadsheet's trailing empty cells say nothing
            if len(cells) > len(header):
                parsed.raw_rows.append(dict(zip(header, cells, strict=False)))
                parsed.lines.append(line)
                parsed.errors.append(RowError(line, "", "", "file",
                                              f"row {line} has more cells than the header has columns"))
                continue
            values = {column: cell.strip() for column, cell in zip(header, cells, strict=False)}
            values = {column: values.get(column, "") for column in header}
            parsed.raw_rows.append(values)
            parsed.lines.append(line)
            if len(parsed.raw_rows) > MAX_ROWS:
                parsed.errors.append(RowError(0, "", "", "file",
                                              f"the file has more than {MAX_ROWS} rows; split it"))
                return parsed
            row_cells = Cells(line, values, today)
            if fmt.one_row_per_trn:
                _once(row_cells, first_row_of)
            typed = fmt.read_row(row_cells)
            parsed.errors.extend(row_cells.errors)
            if typed is not None and not row_cells.errors:
                parsed.rows.append(typed)
    except csv.Error as exc:
        return file_error(f"the file is not valid CSV: {exc}")
    if not parsed.raw_rows and not parsed.errors:
        return file_error("the file has a header but no rows")
    return parsed


def _once(cells: Cells, first_row_of: dict[str, int]) -> None:
    trn = cells.trn
    if not trn:
        return
    first = first_row_of.setdefault(trn, cells.row)
    if first != cells.row:
        cells.fail("TRN", f"TRN {trn} is also in row {first}: a file names each teacher once "
                   "(put a second change for the same teacher in another file)")


def _header_problem(header: Sequence[str], columns: Sequence[str]) -> str | None:
    seen = [c for c in header if c not in IGNORED_COLUMNS]
    missing = [c for c in columns if c not in seen]
    unknown = [c for c in seen if c not in columns]
    twice = sorted({c for c in seen if seen.count(c) > 1})
    problems = []
    if missing:
        problems.append("missing column(s): " + ", ".join(missing))
    if unknown:
        problems.append("unknown column(s): " + ", ".join(unknown))
    if twice:
        problems.append("column(s) given twice: " + ", ".join(twice))
    if not problems:
        return None
    return ("the header row must have exactly these columns, in any order: " + ",".join(columns)
            + " (" + "; ".join(problems) + ")")
