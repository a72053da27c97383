"""The standard "Buenas Prácticas de Ecoeficiencia Perú" as versioned data.

Section III.2: "8 aspectos y 112 requisitos a implementar". PROMPERÚ's official text is
not in our documents, so the service ships a draft and PROMPERÚ loads the official
version through an import (JSON or CSV). An import is validated as a whole and every
problem is reported with its line (CSV) or path (JSON), so a spreadsheet can be fixed
in one round: exactly one unique code per requirement, every requirement under an
aspect of the same document, a workshop (0-10) that teaches it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.audit.domain.errors import InvalidInput
from shared import csvfile

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
WORKSHOPS = range(0, 11)  # Taller 0 (charla introductoria) .. Taller 10 (marketing verde)
CSV_COLUMNS = ("kind", "code", "aspect_code", "text", "evidence_expected", "workshop")


@dataclass(frozen=True)
class Aspect:
    code: str
    number: int
    name: str
    description: str | None = None


@dataclass(frozen=True)
class Requirement:
    code: str
    aspect_code: str
    position: int
    text: str
    evidence_expected: str
    workshop: int


@dataclass(frozen=True)
class StandardDocument:
    version: str
    title: str
    official: bool
    source: str
    notes: str | None
    aspects: tuple[Aspect, ...]
    requirements: tuple[Requirement, ...]

    def requirements_by_aspect(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {a.code: [] for a in self.aspects}
        for r in self.requirements:
            grouped[r.aspect_code].append(r.code)
        return grouped


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "in": "body", "message": self.message}
        if self.line is not None:
            out["line"] = self.line
        return out


class StandardInvalid(InvalidInput):
    """422 listing every problem of an imported standard, one entry per line/field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(
            f"The standard has {len(errors)} problem(s); nothing was imported.",
            [e.as_dict() for e in errors],
            detail_es=f"El estándar tiene {len(errors)} problema(s); no se importó nada.",
        )
        self.field_errors = errors


@dataclass
class _Collector:
    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_: str, message: str, line: int | None = None) -> None:
        self.errors.append(FieldError(field_, message, line))

    def text(self, raw: Any, field_: str, line: int | None, *, required: bool = True) -> str | None:
        value = raw.strip() if isinstance(raw, str) else raw
        if value in (None, ""):
            if required:
                self.add(field_, "is required", line)
            return None
        if not isinstance(value, str):
            self.add(field_, "must be text", line)
            return None
        if "\x00" in value:
            self.add(field_, "must not contain NUL characters", line)
            return None
        return value

    def code(self, raw: Any, field_: str, line: int | None) -> str | None:
        value = self.text(raw, field_, line)
        if value is not None and not CODE_PATTERN.match(value):
            self.add(
                field_,
                f"'{value}' is not one code (letters, digits, '.', '_' or '-', at most 32, no spaces "
                "or separators)",
                line,
            )
            return None
        return value

    def workshop(self, raw: Any, field_: str, line: int | None) -> int | None:
        if raw in (None, ""):
            self.add(field_, "is required (the workshop 0-10 that teaches the requirement)", line)
            return None
        try:
            number = int(raw.strip()) if isinstance(raw, str) else raw
        except ValueError:
            number = None
        if isinstance(number, bool) or not isinstance(number, int) or number not in WORKSHOPS:
            self.add(field_, f"'{raw}' is not a workshop number between 0 and 10", line)
            return None
        return number


@dataclass(frozen=True)
class _AspectRow:
    code: Any
    name: Any
    description: Any
    where: str
    line: int | None


@dataclass(frozen=True)
class _RequirementRow:
    code: Any
    aspect_code: Any
    text: Any
    evidence_expected: Any
    workshop: Any
    where: str
    line: int | None


def _at(row: _AspectRow | _RequirementRow, name: str) -> str:
    """JSON errors name the path (``requirements[4].code``); CSV errors the column and line."""
    return f"{row.where}.{name}" if row.where else name


def _label(row: _AspectRow | _RequirementRow) -> str:
    return row.where or f"line {row.line}"


def _build(
    meta: Mapping[str, Any], aspect_rows: list[_AspectRow], requirement_rows: list[_RequirementRow]
) -> StandardDocument:
    """Validate everything at once; raise StandardInvalid listing every problem."""
    c = _Collector()
    version = c.text(meta.get("version"), "version", None)
    if version is not None and not VERSION_PATTERN.match(version):
        c.add("version", f"'{version}' must be letters, digits, '.', '_' or '-' (at most 40)")
    elif version is not None and version.lower() == "current":
        c.add("version", "'current' is reserved: it names whichever version is current")
    title = c.text(meta.get("title"), "title", None)
    official = meta.get("official", False)
    if not isinstance(official, bool):
        c.add("official", "must be true or false")
    if not aspect_rows:
        c.add("aspects", "the standard needs at least one aspect")
    if not requirement_rows:
        c.add("requirements", "the standard needs at least one requirement")

    aspects: list[Aspect] = []
    aspect_codes: dict[str, str] = {}
    for row in aspect_rows:
        code = c.code(row.code, _at(row, "code"), row.line)
        name = c.text(row.name, _at(row, "name"), row.line)
        description = c.text(row.description, _at(row, "description"), row.line, required=False)
        if code is None:
            continue
        if code in aspect_codes:
            c.add(
                _at(row, "code"),
                f"aspect code '{code}' is repeated (first at {aspect_codes[code]})",
                row.line,
            )
            continue
        aspect_codes[code] = _label(row)
        if name is not None:
            aspects.append(Aspect(code, len(aspects) + 1, name, description))

    requirements: list[Requirement] = []
    requirement_codes: dict[str, str] = {}
    positions: dict[str, int] = {}
    for row in requirement_rows:
        code = c.code(row.code, _at(row, "code"), row.line)
        aspect_code = c.text(row.aspect_code, _at(row, "aspect_code"), row.line)
        text = c.text(row.text, _at(row, "text"), row.line)
        evidence = c.text(row.evidence_expected, _at(row, "evidence_expected"), row.line)
        workshop = c.workshop(row.workshop, _at(row, "workshop"), row.line)
        if code is not None:
            if code in requirement_codes:
                c.add(
                    _at(row, "code"),
                    f"requirement code '{code}' is repeated (first at {requirement_codes[code]})",
                    row.line,
                )
                code = None
            elif code in aspect_codes:
                c.add(_at(row, "code"), f"'{code}' is already an aspect's code", row.line)
                code = None
            else:
                requirement_codes[code] = _label(row)
        if aspect_code is not None and aspect_code not in aspect_codes:
            c.add(
                _at(row, "aspect_code"), f"aspect '{aspect_code}' is not defined in this standard", row.line
            )
            aspect_code = None
        if None in (code, aspect_code, text, evidence, workshop):
            continue
        positions[aspect_code] = positions.get(aspect_code, 0) + 1
        requirements.append(Requirement(code, aspect_code, positions[aspect_code], text, evidence, workshop))

    if not c.errors:
        for aspect in aspects:
            if aspect.code not in positions:
                c.add(f"aspects[{aspect.code}]", f"aspect '{aspect.code}' has no requirement")
    if c.errors:
        raise StandardInvalid(c.errors)
    return StandardDocument(
        version=version,
        title=title,
        official=official,
        source=str(meta.get("source") or ("PROMPERÚ" if official else "import")),
        notes=meta.get("notes"),
        aspects=tuple(aspects),
        requirements=tuple(requirements),
    )


def parse_json_document(data: Any) -> StandardDocument:
    """``{version, title, official, source, notes, aspects: [...], requirements: [...]}``."""
    if not isinstance(data, dict):
        raise StandardInvalid([FieldError("body", "must be a JSON object with aspects and requirements")])
    aspects, requirements = data.get("aspects"), data.get("requirements")
    errors = [
        FieldError(name, "must be a list")
        for name, value in (("aspects", aspects), ("requirements", requirements))
        if value is not None and not isinstance(value, list)
    ]
    errors += [
        FieldError(f"{name}[{i}]", "must be an object")
        for name, items in (("aspects", aspects), ("requirements", requirements))
        if isinstance(items, list)
        for i, item in enumerate(items)
        if not isinstance(item, dict)
    ]
    if errors:
        raise StandardInvalid(errors)
    aspect_rows = [
        _AspectRow(a.get("code"), a.get("name"), a.get("description"), f"aspects[{i}]", None)
        for i, a in enumerate(aspects or [])
    ]
    requirement_rows = [
        _RequirementRow(
            r.get("code"),
            r.get("aspect_code"),
            r.get("text"),
            r.get("evidence_expected"),
            r.get("workshop"),
            f"requirements[{i}]",
            None,
        )
        for i, r in enumerate(requirements or [])
    ]
    return _build(data, aspect_rows, requirement_rows)


def parse_csv_document(text: str, meta: Mapping[str, Any]) -> StandardDocument:
    """One row per aspect or requirement: ``kind,code,aspect_code,text,evidence_expected,workshop``.

    ``kind`` is ``aspect`` (``text`` is then its name) or ``requirement``. Version and
    title come from ``meta`` (query parameters), since a spreadsheet has no header
    block. Semicolon-separated files (Excel in a Spanish locale) are accepted too.
    """
    header, records = csvfile.read_records(text, delimiter=csvfile.delimiter_of(text))
    missing = [col for col in CSV_COLUMNS if col not in header]
    if missing:
        raise StandardInvalid(
            [
                FieldError(
                    "header", f"missing column(s): {', '.join(missing)}; expected {','.join(CSV_COLUMNS)}", 1
                )
            ]
        )
    aspect_rows: list[_AspectRow] = []
    requirement_rows: list[_RequirementRow] = []
    errors: list[FieldError] = []
    for line, row in records:
        kind = (row.get("kind") or "").strip().lower()
        if kind == "aspect":
            aspect_rows.append(_AspectRow(row["code"], row["text"], None, "", line))
        elif kind == "requirement":
            requirement_rows.append(
                _RequirementRow(
                    row["code"],
                    row["aspect_code"],
                    row["text"],
                    row["evidence_expected"],
                    row["workshop"],
                    "",
                    line,
                )
            )
        elif any((v or "").strip() for v in row.values() if isinstance(v, str)):
            errors.append(FieldError("kind", "must be 'aspect' or 'requirement'", line))
    try:
        document = _build(meta, aspect_rows, requirement_rows)
    except StandardInvalid as exc:
        errors += exc.field_errors
    if errors:
        raise StandardInvalid(sorted(errors, key=lambda e: (e.line or 0, e.field)))
    return document


def requirement_code_errors(
    known: Collection[str], submitted: Sequence[str], where: str
) -> list[dict[str, Any]]:
    """Per-item errors for codes not in the standard's version, or given twice in one request."""
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, code in enumerate(submitted):
        field_ = f"{where}[{i}].requirement_code"
        if code not in known:
            errors.append(
                {"field": field_, "in": "body", "message": f"'{code}' is not a requirement of this version"}
            )
        elif code in seen:
            errors.append({"field": field_, "in": "body", "message": f"'{code}' is given more than once"})
        seen.add(code)
    return errors
