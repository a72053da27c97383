"""Attendance sheets as organisers keep them: CSV or XLSX (read by domain/sheets.py), Spanish headers, one row per person
(or per company when nobody signed), read into checked rows or a list of problems by line.

- The header is the first row, among the first ten, that names a RUC or a person's name column
  (sheets often carry a title block above it: "LISTA DE ASISTENCIA - Charla ...").
- Headers are matched folded (no accents, any case, punctuation ignored): "RUC", "N° de RUC",
  "Razón social", "Empresa", "Tamaño", "¿Manufactura?", "Liderada por mujer", "Nombres y apellidos",
  "Género"/"Sexo", "Cargo"... Other columns (e-mail, phone, signature) are ignored on purpose: the
  programme needs none of them, so none is stored (Ley 29733, data minimisation).
- A line number is the CSV's physical line (shared/csvfile.py) or the spreadsheet's row number,
  i.e. what the organiser sees in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from services.circular.domain import sheets
from services.circular.domain.reference import (
    CompanySize,
    Gender,
    fold,
    parse_gender,
    parse_size,
    parse_yes_no,
)
from shared.errors import RuleViolation
from shared.ruc import ruc_problem

MAX_ROWS = 5000
MAX_NAME = 200
HEADER_SEARCH_ROWS = 10

# Canonical column -> Spanish name used in messages.
COLUMNS_ES: dict[str, str] = {
    "ruc": "RUC",
    "legal_name": "Razón social",
    "size": "Tamaño",
    "manufacturing": "Manufactura",
    "women_led": "Liderada por mujer",
    "full_name": "Nombres y apellidos",
    "gender": "Género",
    "role": "Cargo",
}


def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def column_of(header: str) -> str | None:
    """The canonical column a header names, or None (ignored)."""
    h = _header_key(header)
    words = set(h.split())
    if not h:
        return None
    if "ruc" in words:
        return "ruc"
    if "mujer" in h or "mujeres" in h:
        return "women_led" if ("lider" in h or "dirig" in h or "conduc" in h) else None
    if "manufactur" in h:
        return "manufacturing"
    if "tamano" in words or h in ("tipo de empresa", "estrato", "categoria empresa"):
        return "size"
    if "razon social" in h or h in ("empresa", "nombre de la empresa", "nombre empresa", "organizacion"):
        return "legal_name"
    if words & {"genero", "sexo"}:
        return "gender"
    if words & {"cargo", "puesto", "rol", "ocupacion"}:
        return "role"
    if words & {"nombre", "nombres", "apellidos", "apellido", "participante", "asistente"}:
        return None if "empresa" in words else "full_name"
    return None


@dataclass(frozen=True)
class SheetRow:
    line: int
    ruc: str | None
    legal_name: str | None
    size: CompanySize | None
    manufacturing: bool | None
    women_led: bool | None
    full_name: str | None
    gender: Gender
    role: str | None

    @property
    def person_key(self) -> str | None:
        return person_key(self.full_name, self.ruc) if self.full_name else None


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    message: str
    message_es: str


@dataclass
class Sheet:
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> header as written
    ignored_columns: list[str] = field(default_factory=list)


def person_key(full_name: str, ruc: str | None) -> str:
    """One person per (name, company) in an activity, whatever the case or accents of the name."""
    return f"{fold(full_name)}|{ruc or ''}"


class SheetRejected(RuleViolation):
    """422: the sheet's header or rows break the rules; nothing was recorded."""

    def __init__(self, problems: list[RowProblem], *, columns: dict[str, str] | None = None) -> None:
        lines = sorted({p.line for p in problems if p.line})
        where = ", ".join(str(n) for n in lines[:20]) + (" ..." if len(lines) > 20 else "")
        detail = (
            f"{len(problems)} problem(s) in the sheet (lines {where}); nothing was recorded: fix them and "
            "upload the sheet again."
            if lines
            else problems[0].message
        )
        detail_es = (
            f"{len(problems)} problema(s) en la hoja (líneas {where}); no se registró nada: corríjalos y "
            "vuelva a subir la hoja."
            if lines
            else problems[0].message_es
        )
        super().__init__(
            "circular.sheet",
            detail,
            detail_es=detail_es,
            extra={
                "errors": [
                    {
                        "line": p.line,
                        "field": p.field,
                        "in": "body",
                        "message": p.message,
                        "message_es": p.message_es,
                    }
                    for p in problems
                ],
                "columns": columns or {},
            },
        )


# --- checking rows -------------------------------------------------------------------------


def read_sheet(raw: bytes) -> Sheet:
    """The sheet's checked rows and every problem by line (the caller refuses the sheet if any)."""
    return parse(sheets.rows(raw))


def _find_header(lines: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]] | None:
    for _ in range(HEADER_SEARCH_ROWS):
        try:
            line, cells = next(lines)
        except StopIteration:
            return None
        names = {column_of(c) for c in cells}
        if names & {"ruc", "full_name"}:
            return line, cells
    return None


def parse(lines_in: Iterable[tuple[int, list[str]]]) -> Sheet:
    lines = iter(lines_in)
    found = _find_header(lines)
    if found is None:
        raise SheetRejected(
            [
                RowProblem(
                    0,
                    "file",
                    "No header row names a RUC or a person's name column in the first ten rows "
                    "(e.g. 'RUC', 'Nombres y apellidos').",
                    "Ninguna fila de encabezado, entre las diez primeras, nombra una columna de RUC o de "
                    "nombre (p. ej. 'RUC', 'Nombres y apellidos').",
                )
            ]
        )
    header_line, header = found
    sheet = Sheet()
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        column = column_of(name)
        if column is None:
            if name.strip():
                sheet.ignored_columns.append(name.strip())
        elif column not in index:
            index[column] = i
            sheet.columns[column] = name.strip()
    records = (
        (line, {c: (cells[i].strip() if i < len(cells) else "") for c, i in index.items()})
        for line, cells in lines
        if any(c.strip() for c in cells)
    )
    count = _check_all(records, sheet)
    if count == 0:
        sheet.problems.append(
            RowProblem(
                header_line,
                "file",
                "The sheet has a header but no attendee below it.",
                "La hoja tiene encabezado pero ningún asistente debajo.",
            )
        )
    return sheet


def from_records(records: list[dict[str, str]]) -> Sheet:
    """Attendees sent as JSON (canonical field names), checked by the sheet's rules; line = position (1-based)."""
    sheet = Sheet(columns={c: c for c in COLUMNS_ES})
    _check_all(((n, {k: v.strip() for k, v in r.items()}) for n, r in enumerate(records, start=1)), sheet)
    return sheet


def _check_all(records: Iterable[tuple[int, dict[str, str]]], sheet: Sheet) -> int:
    facts: dict[str, tuple[int, dict[str, object]]] = {}
    count = 0
    for line, values in records:
        count += 1
        if count > MAX_ROWS:
            sheet.problems.append(
                RowProblem(
                    line,
                    "file",
                    f"More than {MAX_ROWS} rows: split the sheet.",
                    f"Más de {MAX_ROWS} filas: divida la hoja.",
                )
            )
            break
        row = _check(line, values, sheet.problems)
        if row is None:
            continue
        if row.ruc:
            _same_company(row, facts, sheet.problems)
        sheet.rows.append(row)
    return count


def _check(line: int, v: dict[str, str], problems: list[RowProblem]) -> SheetRow | None:
    before = len(problems)

    def problem(column: str, message: str, message_es: str) -> None:
        problems.append(RowProblem(line, COLUMNS_ES[column], message, message_es))

    ruc = v.get("ruc", "").replace(" ", "").replace("-", "") or None
    name = " ".join(v.get("full_name", "").split()) or None
    if ruc is None and name is None:
        problem(
            "ruc",
            "the row has neither a RUC nor a person's name",
            "la fila no tiene RUC ni nombre de persona",
        )
    if ruc is not None:
        found = ruc_problem(ruc)
        if found is not None:
            problem("ruc", found.message, found.message_es)
    if name is not None and len(name) > MAX_NAME:
        problem(
            "full_name",
            f"the name is longer than {MAX_NAME} characters",
            f"el nombre supera {MAX_NAME} caracteres",
        )
    raw_gender = v.get("gender", "")
    gender = parse_gender(raw_gender)
    if gender is None:
        problem(
            "gender",
            f"gender '{raw_gender}' is not one of F/Femenino/Mujer, M/Masculino/Hombre, Otro or blank",
            f"el género '{raw_gender}' no es F/Femenino/Mujer, M/Masculino/Hombre, Otro ni vacío",
        )
    if name is None and gender not in (None, Gender.not_stated):
        problem(
            "full_name",
            "a gender without a person's name: whose is it?",
            "género sin nombre de persona: ¿de quién es?",
        )
    raw_size = v.get("size", "")
    size = parse_size(raw_size) if raw_size else None
    if raw_size and size is None:
        problem(
            "size",
            f"size '{raw_size}' is not micro, pequeña, mediana or grande",
            f"el tamaño '{raw_size}' no es micro, pequeña, mediana ni grande",
        )
    flags: dict[str, bool | None] = {}
    for column in ("manufacturing", "women_led"):
        try:
            flags[column] = parse_yes_no(v.get(column, ""))
        except ValueError:
            problem(
                column,
                f"'{v[column]}' is not sí or no",
                f"'{v[column]}' no es sí ni no",
            )
            flags[column] = None
    company_facts = (v.get("legal_name"), size, flags["manufacturing"], flags["women_led"])
    if ruc is None and any(company_facts):
        problem(
            "ruc",
            "company details without a RUC: the company cannot be identified",
            "datos de empresa sin RUC: no se puede identificar a la empresa",
        )
    if len(problems) > before:
        return None
    return SheetRow(
        line=line,
        ruc=ruc,
        legal_name=v.get("legal_name") or None,
        size=size,
        manufacturing=flags["manufacturing"],
        women_led=flags["women_led"],
        full_name=name,
        gender=gender or Gender.not_stated,
        role=v.get("role") or None,
    )


def _same_company(
    row: SheetRow, seen: dict[str, tuple[int, dict[str, object]]], problems: list[RowProblem]
) -> None:
    """Two rows of one RUC may not disagree on the company's facts (which one would be true?)."""
    mine: dict[str, object] = {
        k: val
        for k, val in (("size", row.size), ("manufacturing", row.manufacturing), ("women_led", row.women_led))
        if val is not None
    }
    assert row.ruc is not None
    if row.ruc not in seen:
        seen[row.ruc] = (row.line, mine)
        return
    first_line, first = seen[row.ruc]
    for key, value in mine.items():
        if key in first and first[key] != value:
            problems.append(
                RowProblem(
                    row.line,
                    COLUMNS_ES[key],
                    f"RUC {row.ruc}: '{COLUMNS_ES[key]}' differs from line {first_line}",
                    f"RUC {row.ruc}: '{COLUMNS_ES[key]}' difiere de la línea {first_line}",
                )
            )
        first.setdefault(key, value)
