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

import orjson

from shared import csvfile
from shared.errors import InvalidInput, UnsupportedMediaType

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
WORKSHOPS = range(0, 11)  # Taller 0 (charla introductoria) .. Taller 10 (marketing verde)
CSV_COLUMNS = ("kind", "code", "aspect_code", "text", "evidence_expected", "workshop")
CSV_MEDIA_TYPES = ("text/csv", "application/csv", "application/octet-stream")
MAX_IMPORT_BYTES = 2 * 1024 * 1024


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


@dataclass(frozen=True)
class _Header:
    version: str
    title: str
    official: bool


def _build(
    meta: Mapping[str, Any], aspect_rows: list[_AspectRow], requirement_rows: list[_RequirementRow]
) -> StandardDocument:
    """Validate everything at once; raise StandardInvalid listing every problem.

    Four steps, each adding what it finds to one collector: the header (version, title,
    official), the aspects, the requirements (which need the aspects' codes), and last,
    when all else is right, that every aspect has a requirement.
    """
    c = _Collector()
    header = _header(c, meta)
    if not aspect_rows:
        c.add("aspects", "the standard needs at least one aspect")
    if not requirement_rows:
        c.add("requirements", "the standard needs at least one requirement")
    aspects, aspect_codes = _aspects(c, aspect_rows)
    requirements = _requirements(c, requirement_rows, aspect_codes)
    if not c.errors:
        with_requirements = {r.aspect_code for r in requirements}
        for aspect in aspects:
            if aspect.code not in with_requirements:
                c.add(f"aspects[{aspect.code}]", f"aspect '{aspect.code}' has no requirement")
    if c.errors or header is None:
        raise StandardInvalid(c.errors)
    return StandardDocument(
        version=header.version,
        title=header.title,
        official=header.official,
        source=str(meta.get("source") or ("PROMPERÚ" if header.official else "import")),
        notes=meta.get("notes"),
        aspects=tuple(aspects),
        requirements=tuple(requirements),
    )


def _header(c: _Collector, meta: Mapping[str, Any]) -> _Header | None:
    """The version's name, title and official flag; None when one of them is wrong."""
    version = c.text(meta.get("version"), "version", None)
    if version is not None and not VERSION_PATTERN.match(version):
        c.add("version", f"'{version}' must be letters, digits, '.', '_' or '-' (at most 40)")
        version = None
    elif version is not None and version.lower() == "current":
        c.add("version", "'current' is reserved: it names whichever version is current")
        version = None
    title = c.text(meta.get("title"), "title", None)
    official = meta.get("official", False)
    if not isinstance(official, bool):
        c.add("official", "must be true or false")
        return None
    if version is None or title is None:
        return None
    return _Header(version, title, official)


def _aspects(c: _Collector, rows: list[_AspectRow]) -> tuple[list[Aspect], dict[str, str]]:
    """The aspects, numbered in order, and where each code was first defined."""
    aspects: list[Aspect] = []
    first_at: dict[str, str] = {}
    for row in rows:
        code = c.code(row.code, _at(row, "code"), row.line)
        name = c.text(row.name, _at(row, "name"), row.line)
        description = c.text(row.description, _at(row, "description"), row.line, required=False)
        if code is None:
            continue
        if code in first_at:
            c.add(_at(row, "code"), f"aspect code '{code}' is repeated (first at {first_at[code]})", row.line)
            continue
        first_at[code] = _label(row)
        if name is not None:
            aspects.append(Aspect(code, len(aspects) + 1, name, description))
    return aspects, first_at


def _requirements(
    c: _Collector, rows: list[_RequirementRow], aspect_codes: Mapping[str, str]
) -> list[Requirement]:
    """The requirements, positioned in order within their aspect."""
    requirements: list[Requirement] = []
    first_at: dict[str, str] = {}
    positions: dict[str, int] = {}
    for row in rows:
        code = c.code(row.code, _at(row, "code"), row.line)
        aspect_code = c.text(row.aspect_code, _at(row, "aspect_code"), row.line)
        text = c.text(row.text, _at(row, "text"), row.line)
        evidence = c.text(row.evidence_expected, _at(row, "evidence_expected"), row.line)
        workshop = c.workshop(row.workshop, _at(row, "workshop"), row.line)
        code = _new_code(c, row, code, first_at, aspect_codes)
        if aspect_code is not None and aspect_code not in aspect_codes:
            c.add(
                _at(row, "aspect_code"), f"aspect '{aspect_code}' is not defined in this standard", row.line
            )
            aspect_code = None
        if code is None or aspect_code is None or text is None or evidence is None or workshop is None:
            continue
        positions[aspect_code] = positions.get(aspect_code, 0) + 1
        requirements.append(Requirement(code, aspect_code, positions[aspect_code], text, evidence, workshop))
    return requirements


def _new_code(
    c: _Collector,
    row: _RequirementRow,
    code: str | None,
    first_at: dict[str, str],
    aspect_codes: Mapping[str, str],
) -> str | None:
    """The requirement's code when it is new and not an aspect's (``first_at`` learns it)."""
    if code is None:
        return None
    if code in first_at:
        c.add(
            _at(row, "code"), f"requirement code '{code}' is repeated (first at {first_at[code]})", row.line
        )
        return None
    if code in aspect_codes:
        c.add(_at(row, "code"), f"'{code}' is already an aspect's code", row.line)
        return None
    first_at[code] = _label(row)
    return code


def parse_import(body: bytes, content_type: str, meta: Mapping[str, Any]) -> StandardDocument:
    """An imported standard as sent: JSON (the whole document) or CSV (``meta`` names it)."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json":
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(
                "The body is not valid JSON.", [{"field": "body", "in": "body", "message": str(exc)}]
            ) from exc
        return parse_json_document(data)
    if media_type in CSV_MEDIA_TYPES:
        return parse_csv_document(csvfile.decode(body, legacy=None), meta)
    raise UnsupportedMediaType(
        f"Send the standard as application/json or text/csv, not '{media_type or 'nothing'}'.",
        detail_es="Envíe el estándar como application/json o text/csv.",
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
