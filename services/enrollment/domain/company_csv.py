"""Companies from a spreadsheet export: the CSV a programme officer saves from Excel.

Tolerates what such files really look like: UTF-8 with or without BOM (else Windows-1252),
comma or semicolon separators, Spanish or English headers in any case and accent,
dates as 2024-03-31 or 31/03/2024, "sí"/"no" booleans, sales such as "1.234.567,89" or
"S/ 1,234,567.89", and lists separated by "|" or ";". Each bad row is reported with its
line number (the header is line 1) and every rule it breaks; good rows are returned.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from services.enrollment.domain.company import FieldProblem
from services.enrollment.domain.company_fields import normalize_company_fields
from shared import csvfile

# field -> accepted header names (folded: lower case, no accents, "_" for spaces)
COLUMNS: dict[str, tuple[str, ...]] = {
    "ruc": ("ruc",),
    "legal_name": ("razon_social", "legal_name", "nombre_o_razon_social"),
    "trade_name": ("nombre_comercial", "trade_name"),
    "legal_rep_name": ("representante_legal", "legal_rep_name", "legal_representative"),
    "legal_rep_dni": ("dni_representante", "dni_representante_legal", "legal_rep_dni"),
    "founded_on": ("fecha_constitucion", "fecha_de_constitucion", "founded_on"),
    "registry_entry": ("partida_registral", "registry_entry"),
    "ruc_status": ("estado_ruc", "ruc_status"),
    "region": ("region", "departamento"),
    "ciiu_code": ("ciiu", "ciiu_code", "codigo_ciiu"),
    "annual_sales_pen": ("ventas_anuales", "ventas_anuales_soles", "annual_sales_pen", "annual_sales"),
    "sales_fiscal_year": ("anio_ventas", "ano_ventas", "ejercicio", "sales_fiscal_year"),
    "women_led": ("liderada_por_mujer", "liderada_por_mujeres", "women_led"),
    "phone": ("telefono", "phone"),
    "email": ("correo", "correo_electronico", "email"),
    "website": ("web", "pagina_web", "sitio_web", "website"),
    "direct_exports": ("exporta_directamente", "exportacion_directa", "direct_exports"),
    "export_markets": ("mercados_exportacion", "mercados_de_exportacion", "export_markets"),
    "own_production": ("produccion_propia", "own_production"),
    "products": ("productos", "products", "productos_principales"),
}
REQUIRED = (
    "ruc",
    "legal_name",
    "legal_rep_name",
    "legal_rep_dni",
    "founded_on",
    "region",
    "annual_sales_pen",
)
_TRUE = frozenset({"si", "s", "yes", "y", "true", "verdadero", "1", "x"})
_FALSE = frozenset({"no", "n", "false", "falso", "0", ""})
_COMMON_BOOLS = {
    "sí": "si",
    "si": "si",
    "no": "no",
    "x": "x",
    "true": "true",
    "false": "false",
    "1": "1",
    "0": "0",
}
_MONEY_NOISE = re.compile(r"(?i)s/\.?|\s")
_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_RUC_STATUS = {
    "activo": "active",
    "suspendido": "suspended",
    "suspension_temporal": "suspended",
    "baja": "cancelled",
}


class CsvHeaderError(ValueError):
    """The file cannot be read as a company list at all (no header, missing columns)."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    ruc: str | None
    problems: list[FieldProblem]

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "ruc": self.ruc, "errors": [p.as_dict() for p in self.problems]}


@dataclass
class ParsedCsv:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


_FIELD_BY_HEADER = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252: the kernel's reading."""
    return csvfile.decode(data)


def _bool(text: str) -> bool:
    folded = _COMMON_BOOLS.get(text.strip().lower()) or fold(text)
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes/no (sí/no).")


def _date(text: str) -> date:
    text = text.strip()
    try:
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text)
        dmy = _DMY.match(text)
        if dmy:
            return date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date (2024-03-31 or 31/03/2024).")


def _decimal(text: str) -> Decimal:
    t = _MONEY_NOISE.sub("", text)
    if "," in t and "." in t:
        t = t.replace(",", "") if t.rfind(".") > t.rfind(",") else t.replace(".", "").replace(",", ".")
    elif "," in t:
        head, _, tail = t.rpartition(",")
        t = head.replace(",", "") + "." + tail if t.count(",") == 1 and len(tail) <= 2 else t.replace(",", "")
    try:
        value = Decimal(t)
    except InvalidOperation as exc:
        raise ValueError(f"{text!r} is not an amount in soles.") from exc
    if not value.is_finite():
        raise ValueError(f"{text!r} is not an amount in soles.")
    return value


def _int(text: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a year.")
    return int(text)


def _list(text: str) -> list[str]:
    return [part for part in re.split(r"[|;]", text) if part.strip()]


def _ruc_status(text: str) -> str:
    folded = fold(text) or "active"
    return _RUC_STATUS.get(folded, folded)


_PARSERS: dict[str, Callable[[str], Any]] = {
    "founded_on": _date,
    "annual_sales_pen": _decimal,
    "sales_fiscal_year": _int,
    "women_led": _bool,
    "direct_exports": _bool,
    "own_production": _bool,
    "export_markets": _list,
    "products": _list,
    "ruc_status": _ruc_status,
    "ruc": str.strip,
}


def _header(raw: list[str]) -> list[str | None]:
    fields = [_FIELD_BY_HEADER.get(fold(h)) for h in raw]
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        expected = ", ".join(COLUMNS[name][0] for name in missing)
        raise CsvHeaderError(f"The header lacks required columns: {expected}.")
    return fields


def parse_companies_csv(text: str, today: date) -> ParsedCsv:
    """Validate every row with the same checks as the API; the sales year defaults to last year."""
    reader = csvfile.read_rows(text, delimiter=csvfile.delimiter_of(text))
    try:
        _, first = next(reader)
    except StopIteration as exc:
        raise CsvHeaderError("The file is empty: a header line is expected.") from exc
    fields = _header(first)
    result = ParsedCsv()
    seen: dict[str, int] = {}
    for line, cells in reader:
        if not any(c.strip() for c in cells):
            continue
        values, problems = _typed_values(fields, cells)
        values.setdefault("sales_fiscal_year", today.year - 1)
        values, checked = normalize_company_fields(values, today)
        problems += checked
        ruc = values.get("ruc")
        if isinstance(ruc, str) and ruc in seen:
            problems.append(
                FieldProblem("ruc", "ruc.duplicate_in_file", f"RUC {ruc} already on line {seen[ruc]}.")
            )
        elif isinstance(ruc, str):
            seen[ruc] = line
        if problems:
            result.rejected.append(RowProblem(line, ruc if isinstance(ruc, str) else None, problems))
        else:
            result.rows.append((line, values))
    return result


def _typed_values(fields: list[str | None], cells: list[str]) -> tuple[dict[str, Any], list[FieldProblem]]:
    values: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for name, cell in zip(fields, cells, strict=False):
        if name is None:
            continue
        parse = _PARSERS.get(name)
        if name in REQUIRED and not cell.strip():
            problems.append(FieldProblem(name, f"{name}.required", f"{COLUMNS[name][0]} is empty."))
            continue
        if parse is None:
            values[name] = cell
            continue
        if not cell.strip() and name not in ("ruc_status",) and name not in REQUIRED:
            continue
        try:
            values[name] = parse(cell)
        except ValueError as exc:
            problems.append(FieldProblem(name, f"{name}.format", str(exc)))
    if len(cells) < len(fields):
        for name in fields[len(cells) :]:
            if name in REQUIRED:
                problems.append(FieldProblem(name, f"{name}.required", f"{COLUMNS[name][0]} is missing."))
    return values, problems
