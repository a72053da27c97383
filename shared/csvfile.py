"""One CSV reader for every import, the same in every service.

Spreadsheets and meeting tools write CSV in many ways; all of them are read here:
- any newline convention: ``\\n`` (Unix), ``\\r\\n`` (Windows), a bare ``\\r`` (old Mac), mixed;
  a line break inside a quoted cell is kept;
- UTF-8 with or without a BOM, UTF-16 with a BOM (Teams), else Windows-1252 (old Excel);
- ``,`` or ``;`` (Excel in a Spanish locale) or a tab, chosen from the header.

A file that cannot be read is a 400 problem+json naming the line (``errors[].line``), with
our own words: nothing of Python's csv module's messages reaches the client.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from shared.errors import BadRequest

# The csv module's own limit per field (128 KiB); a longer cell is a 400 naming its line.
MAX_FIELD_CHARS = 131_072


class CsvUnreadable(BadRequest):
    """The file is not CSV we can read; ``line`` is the 1-based physical line (None: the whole file)."""

    def __init__(self, reason: str, reason_es: str, *, line: int | None = None, field: str = "file") -> None:
        where = f"line {line}: " if line is not None else ""
        donde = f"línea {line}: " if line is not None else ""
        error: dict[str, object] = {"field": field, "in": "body", "message": f"{where}{reason}"}
        if line is not None:
            error["line"] = line
        super().__init__(
            f"The CSV cannot be read ({where}{reason}).",
            detail_es=f"El CSV no se puede leer ({donde}{reason_es}).",
            extra={"errors": [error]},
        )
        self.line = line
        self.reason = reason


def decode(raw: bytes, *, legacy: str | None = "cp1252") -> str:
    """The text of an uploaded file: UTF-16 with a BOM, UTF-8 (BOM or not), else ``legacy``.

    ``legacy=None`` accepts UTF-8 only (a 400 naming the line of the first bad byte).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CsvUnreadable(
                "the file starts as UTF-16 but is not",
                "el archivo empieza como UTF-16 pero no lo es",
                line=_line_at(raw, exc.start),
            ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if legacy is None:
            raise CsvUnreadable(
                "the text is not UTF-8", "el texto no es UTF-8", line=_line_at(raw, exc.start)
            ) from exc
        return raw.decode(legacy, errors="replace")


def _line_at(raw: bytes, offset: int) -> int:
    head = raw[:offset]
    return head.count(b"\n") + head.replace(b"\r\n", b"").count(b"\r") + 1


def first_line(text: str) -> str:
    """The first line, whatever the newline convention."""
    lines = text.removeprefix("\ufeff").splitlines()
    return lines[0] if lines else ""


def delimiter_of(text: str, candidates: Sequence[str] = (",", ";"), *, sniff: bool = False) -> str:
    """The delimiter: the candidate the header line uses most (``,`` on a tie).

    ``sniff=True`` first asks csv.Sniffer over the start of the file, for exports whose header
    is not the first line (meeting reports with a summary block above the table).
    """
    if sniff:
        try:
            sample = text[:4096]
            return csv.Sniffer().sniff(sample, delimiters="".join(candidates)).delimiter
        except csv.Error:
            pass
    header = first_line(text)
    return max(candidates, key=lambda c: (header.count(c), c == candidates[0]))


def read_rows(text: str, *, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Each record with its physical line (1-based; a record with a line break inside quotes
    counts as the line it ends on, as spreadsheets' error lists do), any newline convention.

    Raises ``CsvUnreadable`` (400) naming the line for a NUL character (a spreadsheet saved as
    .xlsx), an over-long field or malformed quoting.
    """
    text = text.removeprefix("\ufeff")
    nul = text.find("\x00")
    if nul >= 0:
        raise CsvUnreadable(
            "it contains a NUL character: save the spreadsheet as CSV, not .xlsx",
            "contiene un carácter NUL: guarde la hoja de cálculo como CSV, no como .xlsx",
            line=len(text[:nul].splitlines()) or 1,
        )
    # newline="": the reader sees every line ending as written, so a bare "\r" ends a line
    # and a line break inside a quoted cell stays in the cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _unreadable(exc, max(reader.line_num, 1)) from None
        yield reader.line_num, cells


def read_records(
    text: str, *, delimiter: str = ",", lower_header: bool = True
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header (stripped, lower-cased) and each later non-blank record as a dict with its line.

    A missing cell is ``""``; cells beyond the header are ignored.
    """
    rows = read_rows(text, delimiter=delimiter)
    try:
        _, raw_header = next(rows)
    except StopIteration:
        raw_header = []
    header = [h.strip().lower() if lower_header else h.strip() for h in raw_header]

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for line, cells in rows:
            if not any(c.strip() for c in cells):
                continue
            yield line, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}

    return header, records()


def _unreadable(exc: csv.Error, line: int) -> CsvUnreadable:
    text = str(exc)
    if "field larger than field limit" in text:
        return CsvUnreadable(
            f"a cell is longer than {MAX_FIELD_CHARS} characters",
            f"una celda tiene más de {MAX_FIELD_CHARS} caracteres",
            line=line,
        )
    if "new-line" in text or "newline" in text:
        return CsvUnreadable(
            "a line break inside an unquoted cell",
            "un salto de línea dentro de una celda sin comillas",
            line=line,
        )
    return CsvUnreadable("the quoting is malformed", "las comillas están mal formadas", line=line)
