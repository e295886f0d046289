"""CSV exports that a spreadsheet can open without running anything."""

import csv
import io
from collections.abc import Iterable

from flask import Response

from recruit.plain_text import without_control_characters

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel on Windows reads a CSV without a byte-order mark in the machine's legacy code page
# ("ChloÃ©" for "Chloé"); with it, as UTF-8. Other readers skip it.
BYTE_ORDER_MARK = "\ufeff"


def csv_safe(value) -> str:
    """A cell's text, with a leading quote where a spreadsheet would see a formula, and
    no control characters (a NUL from an imported file ends a cell in some readers)."""
    text = "" if value is None else without_control_characters(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    """A CSV download of rows, every cell neutralised, that Excel opens as UTF-8."""
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
