"""CSV that is safe to open in a spreadsheet: no cell is read as a formula.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by Excel,
LibreOffice and Google Sheets as the start of a formula (CSV or formula injection: a name such
as ``=HYPERLINK("http://…")`` in an export becomes a live link or worse). Such a cell is written
with a leading apostrophe, which spreadsheets show as text and the DfE's own uploads accept,
as OWASP recommends. Every CSV the platform writes goes through ``write``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """``rows`` as CSV under a header of ``columns``, every cell neutralised."""
    out = io.StringIO()
    # RFC 4180's CRLF: the writer then quotes any cell holding a CR or LF, which a bare-LF
    # terminator would leave unquoted for a CR, splitting the row in a spreadsheet
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise(row.get(c)) for c in columns])
    return out.getvalue()
