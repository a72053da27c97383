"""A micro-course enrolment list as organisers keep it (CSV or XLSX, Spanish headers).

Columns (headers in any case or accent; aliases in ``COLUMNS``):

| header | required | content |
|---|---|---|
| ``teléfono`` (``celular``, ``whatsapp``) | yes | the learner's WhatsApp number; ``+51 987 654 321``, ``987654321`` |
| ``fecha de inscripción`` | yes | ``2026-03-31`` or ``31/03/2026`` |
| ``nodo`` (``región``) | no | Arequipa, La Libertad, Lima; another region reaches no node |
| ``género`` (``sexo``) | no | mujer/femenino/F, hombre/masculino/M, otro; blank: not stated |
| ``ruc`` | no | the company's RUC (11 digits, SUNAT's check digit) |
| ``módulos completados`` | no | how many modules were finished, N (modules 1 to N) |
| ``fecha de finalización`` | no | when the course was completed (not before the enrolment) |

Each bad row is reported with its line (the header is line 1) and every problem it has;
good rows are imported. The number is reduced to its keyed hash by the caller's ``protect``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.circular.domain.microcourse import LearnerFacts
from services.circular.domain.phones import PhoneRef
from services.circular.domain.reference import Gender, parse_gender, parse_node
from services.circular.domain.sheets import Records
from shared.clock import LIMA
from shared.errors import BadRequest, RuleViolation
from shared.ruc import ruc_problem

MAX_MODULES = 30

COLUMNS: dict[str, tuple[str, ...]] = {
    "phone": ("telefono", "celular", "whatsapp", "numero de whatsapp", "numero", "phone"),
    "enrolled_on": ("fecha de inscripcion", "inscripcion", "fecha inscripcion", "enrolled on"),
    "node": ("nodo", "region", "node"),
    "gender": ("genero", "sexo", "gender"),
    "ruc": ("ruc", "ruc de la empresa"),
    "modules": ("modulos completados", "modulos", "modules completed"),
    "completed_on": ("fecha de finalizacion", "fecha de termino", "finalizacion", "completed on"),
}
REQUIRED = ("phone", "enrolled_on")
_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


@dataclass(frozen=True)
class ImportedLearner:
    line: int
    phone: PhoneRef
    facts: LearnerFacts


@dataclass
class ParsedList:
    learners: list[ImportedLearner] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})


def _columns(header: list[str]) -> dict[str, str]:
    """field -> the header naming it."""
    found: dict[str, str] = {}
    for name in header:
        for wanted, aliases in COLUMNS.items():
            if name in aliases and wanted not in found:
                found[wanted] = name
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        names = ", ".join(COLUMNS[f][0] for f in missing)
        raise BadRequest(
            f"The list lacks required columns: {names}.",
            detail_es=f"A la lista le faltan columnas obligatorias: {names}.",
            extra={"errors": [{"field": "file", "in": "body", "line": 1, "message": f"missing {names}"}]},
        )
    return found


def parse_date(text: str) -> date:
    text = text.strip()
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text[:10])


def _start_of(day: date) -> datetime:
    """A date in a list is a Lima date: its instant is that day's start in Lima."""
    return datetime(day.year, day.month, day.day, tzinfo=LIMA)


def parse(
    header: list[str], records: Records, *, protect: Callable[[str], PhoneRef], today: date
) -> ParsedList:
    columns = _columns(header)
    parsed = ParsedList()
    for line, record in records:

        def cell(name: str, record: dict[str, str] = record) -> str:
            column = columns.get(name)
            return record.get(column, "").strip() if column else ""

        errors: list[RowError] = []

        def bad(name: str, message: str, line: int = line, errors: list[RowError] = errors) -> None:
            errors.append(RowError(line=line, field=COLUMNS[name][0], message=message))

        phone: PhoneRef | None = None
        try:
            phone = protect(cell("phone"))
        except RuleViolation:
            bad("phone", "no es un número de WhatsApp (8 a 15 dígitos)")
        enrolled: date | None = None
        try:
            enrolled = parse_date(cell("enrolled_on"))
            if enrolled > today:
                bad("enrolled_on", "la fecha está en el futuro")
        except ValueError:
            bad("enrolled_on", "no es una fecha (2026-03-31 o 31/03/2026)")
        node_text = cell("node")
        if parse_gender(cell("gender")) is None:
            bad("gender", "género no reconocido (mujer, hombre, otro o vacío)")
        ruc = cell("ruc") or None
        if ruc is not None and ruc_problem(ruc) is not None:
            bad("ruc", "no es un RUC válido (11 dígitos con dígito verificador)")
        modules: frozenset[int] = frozenset()
        if cell("modules"):
            try:
                count = int(cell("modules"))
                if not 0 <= count <= MAX_MODULES:
                    raise ValueError
                modules = frozenset(range(1, count + 1))
            except ValueError:
                bad("modules", f"debe ser un número de módulos entre 0 y {MAX_MODULES}")
        completed: date | None = None
        if cell("completed_on"):
            try:
                completed = parse_date(cell("completed_on"))
                if enrolled is not None and completed < enrolled:
                    bad("completed_on", "la finalización es anterior a la inscripción")
                if completed > today:
                    bad("completed_on", "la fecha está en el futuro")
            except ValueError:
                bad("completed_on", "no es una fecha (2026-03-31 o 31/03/2026)")
        if errors or phone is None or enrolled is None:
            parsed.errors.extend(errors)
            continue
        parsed.learners.append(
            ImportedLearner(
                line=line,
                phone=phone,
                facts=LearnerFacts(
                    enrolled_at=_start_of(enrolled),
                    node=parse_node(node_text),
                    gender=parse_gender(cell("gender")) or Gender.not_stated,
                    company_ruc=ruc,
                    modules=modules,
                    completed_at=_start_of(completed) if completed else None,
                ),
            )
        )
    return parsed
