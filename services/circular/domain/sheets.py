"""An uploaded sheet as header + records with their line: CSV (the kernel's reader) or XLSX.

Organisers keep attendance and enrolment lists in Excel and send either the workbook or a
CSV saved from it. Both read the same way: the first sheet (XLSX) or the whole file (CSV),
line 1 the header, each later non-blank row a record keyed by the folded header (lower
case, no accents, single spaces), with its line number as the spreadsheet shows it.
XLSX cells come back as text the same way a CSV would write them: dates ``2026-03-31``,
whole numbers without ``.0`` (a phone or RUC typed as a number stays its digits).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from services.circular.domain.reference import fold
from shared import csvfile
from shared.errors import BadRequest

XLSX_MAGIC = b"PK\x03\x04"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000

Records = list[tuple[int, dict[str, str]]]


class SheetUnreadable(BadRequest):
    def __init__(self, reason: str, reason_es: str) -> None:
        super().__init__(
            f"The spreadsheet cannot be read: {reason}.",
            detail_es=f"La hoja de cálculo no se puede leer: {reason_es}.",
            extra={"errors": [{"field": "file", "in": "body", "message": reason}]},
        )


def is_xlsx(raw: bytes) -> bool:
    return raw.startswith(XLSX_MAGIC)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(raw: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetUnreadable("not an .xlsx workbook", "no es un libro .xlsx") from exc
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in row]
    finally:
        workbook.close()


DELIMITERS = (",", ";", "\t")


def rows(raw: bytes) -> Iterator[tuple[int, list[str]]]:
    """Every row of an uploaded CSV or XLSX file as (line, cells), blank rows included.

    The CSV delimiter is the one the first line carrying any delimiter uses most, so a title line
    above the table ("LISTA DE ASISTENCIA") does not decide it."""
    if is_xlsx(raw):
        return _xlsx_rows(raw)
    text = csvfile.decode(raw)
    lines = text.removeprefix("\ufeff").splitlines()[:10]
    head = next((line for line in lines if any(d in line for d in DELIMITERS)), lines[0] if lines else "")
    return csvfile.read_rows(text, delimiter=csvfile.delimiter_of(head, DELIMITERS))


def read(raw: bytes) -> tuple[list[str], Records]:
    """The folded header and the non-blank records of an uploaded CSV or XLSX file."""
    header: list[str] = []
    records: Records = []
    for line, cells in rows(raw):
        if not header:
            if not any(c.strip() for c in cells):
                continue
            header = [fold(c) for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(records) >= MAX_ROWS:
            raise SheetUnreadable(f"more than {MAX_ROWS} rows", f"más de {MAX_ROWS} filas")
        records.append((line, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}))
    if not header:
        raise SheetUnreadable(
            "it is empty: a header row is expected", "está vacía: se espera una fila de encabezados"
        )
    return header, records
