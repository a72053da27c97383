"""Attendance sheets as organisers write them: headers in Spanish variants, rows checked by line."""

from __future__ import annotations

import pytest

from services.circular.domain.attendance_sheet import (
    SheetRejected,
    column_of,
    from_records,
    parse,
    person_key,
    read_sheet,
)
from services.circular.domain.reference import CompanySize, Gender
from shared.ruc import make_ruc

RUC = make_ruc("20", "10007097")
OTHER = make_ruc("20", "55555555")


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("RUC", "ruc"),
        ("N° de RUC", "ruc"),
        ("Nro. RUC de la empresa", "ruc"),
        ("RAZÓN SOCIAL", "legal_name"),
        ("Empresa", "legal_name"),
        ("Nombres y Apellidos", "full_name"),
        ("APELLIDOS Y NOMBRES", "full_name"),
        ("Nombre de la empresa", "legal_name"),
        ("Género", "gender"),
        ("sexo", "gender"),
        ("Cargo", "role"),
        ("¿Empresa manufacturera?", "manufacturing"),
        ("Tamaño de empresa", "size"),
        ("Liderada por mujer", "women_led"),
        ("Dirigida por mujeres", "women_led"),
        ("Correo electrónico", None),
        ("Teléfono", None),
        ("Firma", None),
    ],
)
def test_headers_are_read_whatever_their_accents_case_and_punctuation(header, column):
    assert column_of(header) == column


def test_a_title_block_above_the_header_is_skipped_and_lines_are_the_files():
    sheet = parse(
        [
            (1, ["LISTA DE ASISTENCIA"]),
            (2, ["Taller de ecodiseño", "", ""]),
            (3, ["RUC", "Nombres y apellidos", "Sexo", "Tamaño"]),
            (4, [RUC, "Rosa  Quispe", "F", "Pequeña"]),
            (5, ["", "", "", ""]),
            (6, ["", "Lucía Flores", "mujer", ""]),
        ]
    )
    assert sheet.problems == []
    assert [(r.line, r.ruc, r.full_name, r.gender) for r in sheet.rows] == [
        (4, RUC, "Rosa Quispe", Gender.female),
        (6, None, "Lucía Flores", Gender.female),
    ]
    assert sheet.rows[0].size == CompanySize.small
    assert sheet.columns == {
        "ruc": "RUC",
        "full_name": "Nombres y apellidos",
        "gender": "Sexo",
        "size": "Tamaño",
    }


def test_a_sheet_without_a_ruc_or_name_column_is_refused_as_a_whole():
    with pytest.raises(SheetRejected) as refused:
        parse([(1, ["Correo", "Teléfono"]), (2, ["a@b.pe", "999"])])
    assert refused.value.extra["errors"][0]["field"] == "file"


def test_each_bad_row_is_named_by_line_with_its_reason():
    bad_digit = RUC[:10] + str((int(RUC[10]) + 1) % 10)
    sheet = parse(
        [
            (1, ["RUC", "Nombre", "Género", "Liderada por mujer", "Manufactura"]),
            (2, [bad_digit, "Ana", "F", "sí", "sí"]),
            (3, ["", "", "", "", ""]),
            (4, ["", "", "X?", "", ""]),
            (5, [OTHER, "Eva", "F", "si", ""]),
            (6, [OTHER, "Rut", "F", "no", ""]),
            (7, ["", "Pedro", "M", "", "quizá"]),
        ]
    )
    found = {(p.line, p.field) for p in sheet.problems}
    assert found == {
        (2, "RUC"),
        (4, "RUC"),  # neither RUC nor name
        (4, "Género"),
        (6, "Liderada por mujer"),  # contradicts line 5
        (7, "Manufactura"),
    }
    assert any("ruc.check_digit" in p.message for p in sheet.problems if p.line == 2)


def test_json_attendees_follow_the_same_rules_with_positions_as_lines():
    sheet = from_records([{"ruc": RUC, "full_name": "Ana"}, {"ruc": "123", "full_name": "Luis"}])
    assert [(p.line, p.field) for p in sheet.problems] == [(2, "RUC")]


def test_one_person_per_name_and_company_whatever_the_spelling():
    assert person_key("José  PAREDES", RUC) == person_key("jose paredes", RUC)
    assert person_key("José Paredes", RUC) != person_key("José Paredes", OTHER)


def test_csv_with_semicolons_and_a_title_line_reads_like_the_spreadsheet():
    raw = ("Lista de asistencia\nRUC;Nombre;Género\n" + f"{RUC};Ana;F\n").encode("cp1252")
    sheet = read_sheet(raw)
    assert sheet.problems == [] and [(r.line, r.full_name) for r in sheet.rows] == [(3, "Ana")]
