"""Reading a virtual meeting's attendance report (Zoom, Teams, Meet exports) into presences.

The export has one row per join/leave of a person: name, email, join time, leave time and
duration in minutes. PROMPERU adds two columns, the person's DNI and the company's RUC, so
each row can be bound to an attendee of a participant company. Several rows of one
person add up (their intervals are merged, see :mod:`presence`). Bad rows are reported
with their line number and never stop the good rows; a file that is not such a report
at all (no header with DNI and RUC) is refused as a whole.

Dates: exports write either month/day (US) or day/month (Spanish locale). Each value is
read both ways and the reading that falls on the session's day wins; naive times are
Lima times.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from services.training.domain.identifiers import is_valid_dni, is_valid_ruc
from services.training.domain.presence import Interval
from shared import csvfile
from shared.clock import LIMA
from shared.errors import BadRequest

MAX_ROWS = 20_000

COLUMN_ALIASES: dict[str, frozenset[str]] = {
    "name": frozenset(
        {"name", "name (original name)", "full name", "nombre", "nombre (nombre original)", "nombre completo"}
        | {"participant", "participante", "participant name"}
    ),
    "email": frozenset(
        {"email", "user email", "e-mail", "correo", "correo electronico", "correo del usuario"}
    ),
    "join": frozenset({"join time", "join", "first join", "hora de entrada", "hora de union", "entrada"}),
    "leave": frozenset({"leave time", "leave", "last leave", "hora de salida", "salida"}),
    "duration": frozenset(
        {"duration (minutes)", "duration", "duracion (minutos)", "duracion", "minutes", "minutos"}
        | {"in-meeting duration", "tiempo en la reunion"}
    ),
    "dni": frozenset({"dni", "dni del participante"}),
    "ruc": frozenset({"ruc", "ruc de la empresa"}),
}

_DATE_TIME_FORMATS = [
    f"{d} {t}"
    for d in ("%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y", "%Y/%m/%d", "%d-%m-%Y")
    for t in ("%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M")
]
_TIME_FORMATS = ["%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p"]
_DURATION_PARTS = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$", re.I)


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    message: str


@dataclass
class PersonPresence:
    """Everything the report says about one person (one DNI at one company)."""

    ruc: str
    dni: str
    name: str
    email: str | None
    intervals: list[Interval] = field(default_factory=list)
    minutes: list[float] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass
class ParsedReport:
    people: list[PersonPresence]
    errors: list[RowError]
    rows_read: int


def decode_report(raw: bytes) -> str:
    """Text of an export: UTF-16 (Teams), UTF-8 with or without BOM (Zoom), else Windows-1252 (Excel)."""
    return csvfile.decode(raw)


def _normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    return " ".join(text.replace("\ufeff", "").split())


def _columns(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = _normalise(cell)
        for column, aliases in COLUMN_ALIASES.items():
            if name in aliases and column not in found:
                found[column] = index
    return found


def _clean_time_text(text: str) -> str:
    text = " ".join(text.replace(",", " ").split())
    for spanish, english in (("a. m.", "AM"), ("p. m.", "PM"), ("a.m.", "AM"), ("p.m.", "PM")):
        text = text.replace(spanish, english)
    return text


def parse_timestamp(text: str, session_day: date) -> datetime:
    """A report's join/leave value as an aware datetime on (or next to) the session's day."""
    text = _clean_time_text(text)
    candidates: set[datetime] = set()
    with contextlib.suppress(ValueError):
        candidates.add(datetime.fromisoformat(text))
    for fmt in _DATE_TIME_FORMATS:
        try:
            candidates.add(datetime.strptime(text, fmt))
        except ValueError:
            continue
    for fmt in _TIME_FORMATS:
        try:
            candidates.add(datetime.combine(session_day, datetime.strptime(text, fmt).time()))
        except ValueError:
            continue
    aware = [c if c.tzinfo else c.replace(tzinfo=LIMA) for c in candidates]
    near = [c for c in aware if abs(c.astimezone(LIMA).date() - session_day) <= timedelta(days=1)]
    if near:
        return min(near, key=lambda c: abs(c.astimezone(LIMA).date() - session_day))
    if aware:
        raise ValueError(f"'{text}' is not on the session's day ({session_day.isoformat()})")
    raise ValueError(f"'{text}' is not a date and time this report format uses")


def parse_duration_minutes(text: str) -> float:
    """Minutes from '45', '45.5', '45,5', '1h 5m 3s', '5 min' or '01:05:03'."""
    text = text.strip()
    try:
        minutes = float(text.replace(",", "."))
    except ValueError:
        minutes = _duration_from_parts(text)
    if not 0 <= minutes <= 24 * 60:
        raise ValueError(f"duration {text!r} is out of range (0 to 1440 minutes)")
    return minutes


def _duration_from_parts(text: str) -> float:
    if text.count(":") == 2:
        try:
            h, m, s = (int(p) for p in text.split(":"))
            return h * 60 + m + s / 60
        except ValueError:
            pass
    match = _DURATION_PARTS.match(text)
    if not text or not match or not any(match.groups()):
        raise ValueError(f"duration {text!r} is not a number of minutes")
    h, m, s = (int(g or 0) for g in match.groups())
    return h * 60 + m + s / 60


def parse_report(text: str, *, session_day: date) -> ParsedReport:
    """Rows of the report grouped per person, and the bad rows with their line numbers."""
    reader = csvfile.read_rows(text, delimiter=csvfile.delimiter_of(text, (",", ";", "\t"), sniff=True))
    columns: dict[str, int] | None = None
    people: dict[tuple[str, str], PersonPresence] = {}
    errors: list[RowError] = []
    rows_read = 0
    for line, row in reader:
        if columns is None:
            found = _columns(row)
            if "dni" in found and "ruc" in found:
                columns = _check_header(found, line)
            continue
        if not any(cell.strip() for cell in row):
            continue
        rows_read += 1
        if rows_read > MAX_ROWS:
            raise BadRequest(
                f"The report has more than {MAX_ROWS} rows; split it.",
                detail_es=f"El reporte tiene más de {MAX_ROWS} filas; divídalo.",
            )
        _read_row(row, line, columns, session_day, people, errors)
    if columns is None:
        raise BadRequest(
            "No header row with DNI and RUC columns was found: add them to the meeting's attendance "
            "export (name, email, join time, leave time, duration, DNI, RUC).",
            detail_es="No se encontró una fila de encabezado con columnas DNI y RUC: agréguelas al "
            "reporte de asistencia (nombre, correo, hora de entrada, hora de salida, duración, DNI, RUC).",
            extra={"errors": [{"field": "header", "in": "body", "message": "DNI and RUC columns missing"}]},
        )
    return ParsedReport(list(people.values()), errors, rows_read)


def _check_header(found: dict[str, int], line: int) -> dict[str, int]:
    has_times = "join" in found and "leave" in found
    if "name" not in found or not (has_times or "duration" in found):
        missing = [c for c in ("name",) if c not in found] + ([] if has_times else ["join/leave or duration"])
        raise BadRequest(
            f"The header on line {line} lacks the columns {', '.join(missing)}.",
            detail_es=f"Al encabezado de la línea {line} le faltan las columnas {', '.join(missing)}.",
            extra={"errors": [{"field": "header", "in": "body", "message": f"missing {m}"} for m in missing]},
        )
    return found


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return row[index].strip() if index is not None and index < len(row) else ""


def _read_row(
    row: list[str],
    line: int,
    columns: dict[str, int],
    session_day: date,
    people: dict[tuple[str, str], PersonPresence],
    errors: list[RowError],
) -> None:
    row_errors: list[RowError] = []
    dni = _cell(row, columns, "dni").replace(" ", "").replace(".", "")
    ruc = _cell(row, columns, "ruc").replace(" ", "")
    name = _cell(row, columns, "name")
    if not is_valid_dni(dni):
        hint = " (a spreadsheet may have dropped a leading zero)" if dni.isdigit() and len(dni) == 7 else ""
        row_errors.append(RowError(line, "dni", f"DNI {dni!r} is not 8 digits{hint}"))
    if not is_valid_ruc(ruc):
        row_errors.append(RowError(line, "ruc", f"RUC {ruc!r} is not a valid RUC (11 digits, check digit)"))
    if not name:
        row_errors.append(RowError(line, "name", "the name is empty"))
    interval, minutes = _presence(row, line, columns, session_day, row_errors)
    if row_errors:
        errors.extend(row_errors)
        return
    person = people.setdefault((ruc, dni), PersonPresence(ruc=ruc, dni=dni, name=name, email=None))
    person.email = person.email or _cell(row, columns, "email") or None
    person.lines.append(line)
    if interval is not None:
        person.intervals.append(interval)
    elif minutes is not None:
        person.minutes.append(minutes)


def _presence(
    row: list[str], line: int, columns: dict[str, int], session_day: date, errors: list[RowError]
) -> tuple[Interval | None, float | None]:
    """The row's presence: its join/leave interval when it has both times, else its duration."""
    join_text, leave_text = _cell(row, columns, "join"), _cell(row, columns, "leave")
    duration_text = _cell(row, columns, "duration")
    if join_text or leave_text:
        if not (join_text and leave_text):
            errors.append(
                RowError(line, "leave" if join_text else "join", "join and leave times go together")
            )
            return None, None
        try:
            start = parse_timestamp(join_text, session_day)
            end = parse_timestamp(leave_text, session_day)
        except ValueError as exc:
            errors.append(RowError(line, "join/leave", str(exc)))
            return None, None
        if end < start:
            errors.append(RowError(line, "leave", "the leave time is before the join time"))
            return None, None
        return Interval(start, end), None
    if duration_text:
        try:
            return None, parse_duration_minutes(duration_text)
        except ValueError as exc:
            errors.append(RowError(line, "duration", str(exc)))
            return None, None
    errors.append(RowError(line, "duration", "no presence: give join and leave times, or a duration"))
    return None, None


def session_day_of(starts_at: datetime) -> date:
    """The Lima date a session is held on (how report times are read)."""
    return starts_at.astimezone(LIMA).date()
