"""Micro-course enrolment lists as organisers keep them: CSV or XLSX, Spanish headers, bad rows by line."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook

from services.circular.domain import microcourse_import, phones, sheets
from services.circular.domain.reference import Gender, Node
from shared.clock import LIMA
from shared.errors import BadRequest

KEY = b"k" * 32
TODAY = date(2026, 6, 30)


def protect(raw: str) -> phones.PhoneRef:
    return phones.protect(raw, key=KEY)


def parse(raw: bytes) -> microcourse_import.ParsedList:
    header, records = sheets.read(raw)
    return microcourse_import.parse(header, records, protect=protect, today=TODAY)


CSV = (
    "Teléfono;Nodo;Género;RUC;Fecha de inscripción;Módulos completados;Fecha de finalización\r\n"
    "987654321;Arequipa;Mujer;20100070970;02/03/2026;5;09/03/2026\r\n"
    "+51 912 345 678;La Libertad;hombre;;2026-03-05;2;\r\n"
    "\r\n"
    "12;Lima;F;;2026-03-05;;\r\n"
    "51911111111;Lima;desconocido;20100070971;31/02/2026;siete;01/01/2026\r\n"
    "51922222222;Cusco;;;2026-04-01;0;\r\n"
).encode("utf-8-sig")


def test_a_csv_from_excel_in_a_spanish_locale_is_read():
    parsed = parse(CSV)
    assert [learner.line for learner in parsed.learners] == [2, 3, 7]
    first = parsed.learners[0]
    assert first.phone == protect("51987654321")
    assert first.facts.node is Node.arequipa and first.facts.gender is Gender.female
    assert first.facts.company_ruc == "20100070970" and first.facts.modules == {1, 2, 3, 4, 5}
    assert first.facts.enrolled_at == datetime(2026, 3, 2, tzinfo=LIMA)
    assert first.facts.completed_at == datetime(2026, 3, 9, tzinfo=LIMA)
    assert parsed.learners[2].facts.node is None  # Cusco: no node, still reached


def test_bad_rows_are_reported_by_line_with_every_problem():
    parsed = parse(CSV)
    assert parsed.rejected_lines == [5, 6]
    by_line = {}
    for error in parsed.errors:
        by_line.setdefault(error.line, set()).add(error.field)
    assert by_line[5] == {"telefono"}
    assert by_line[6] == {"genero", "ruc", "fecha de inscripcion", "modulos completados"}


def test_a_completion_before_the_enrolment_or_in_the_future_is_refused():
    raw = (
        b"telefono,fecha de inscripcion,fecha de finalizacion\n"
        b"51911111111,2026-03-10,2026-03-01\n"
        b"51911111112,2026-03-10,2026-07-01\n"
        b"51911111113,2026-07-10,\n"
    )
    parsed = parse(raw)
    assert parsed.learners == [] and parsed.rejected_lines == [2, 3, 4]


def test_a_list_without_the_phone_column_is_refused_as_a_whole():
    with pytest.raises(BadRequest) as caught:
        parse(b"nodo,fecha de inscripcion\nLima,2026-03-01\n")
    assert "telefono" in caught.value.detail


def test_an_xlsx_workbook_reads_like_its_csv_numbers_and_dates_included():
    book = Workbook()
    sheet = book.active
    sheet.append(["TELÉFONO", "nodo", "Sexo", "RUC", "Fecha de Inscripción", "Módulos completados"])
    sheet.append([51987654321, "Lima", "Femenino", 20100070970, datetime(2026, 3, 2), 3])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["51-999", "Lima", "F", None, datetime(2026, 3, 2), None])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse(buffer.getvalue())
    (learner,) = parsed.learners
    assert learner.line == 2 and learner.phone == protect("51987654321")
    assert learner.facts.company_ruc == "20100070970" and learner.facts.modules == {1, 2, 3}
    assert learner.facts.gender is Gender.female and learner.facts.node is Node.lima
    assert parsed.rejected_lines == [4]


def test_a_file_that_looks_like_a_workbook_but_is_not_is_a_400():
    with pytest.raises(BadRequest):
        sheets.read(b"PK\x03\x04 broken")


def test_an_empty_file_is_a_400():
    with pytest.raises(BadRequest):
        sheets.read(b"")


def test_dates_are_lima_dates():
    assert microcourse_import.parse_date("31/03/2026") == date(2026, 3, 31)
    parsed = parse(b"telefono,fecha de inscripcion\n51987654321,2026-03-31\n")
    assert parsed.learners[0].facts.enrolled_at.astimezone(UTC) == datetime(2026, 3, 31, 5, tzinfo=UTC)
