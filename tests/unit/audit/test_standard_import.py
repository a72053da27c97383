"""Validation of an imported standard: every problem reported, per line (CSV) or path (JSON)."""

from __future__ import annotations

import copy

import pytest

from services.audit.domain.standard import StandardInvalid, parse_csv_document, parse_json_document

VALID = {
    "version": "2025-oficial",
    "title": "Buenas Prácticas de Ecoeficiencia Perú",
    "official": True,
    "aspects": [{"code": "A1", "name": "Gestión"}, {"code": "A2", "name": "Agua"}],
    "requirements": [
        {
            "code": "A1.R01",
            "aspect_code": "A1",
            "text": "Política",
            "evidence_expected": "Documento",
            "workshop": 1,
        },
        {
            "code": "A1.R02",
            "aspect_code": "A1",
            "text": "Objetivos",
            "evidence_expected": "Matriz",
            "workshop": 9,
        },
        {
            "code": "A2.R01",
            "aspect_code": "A2",
            "text": "Medición",
            "evidence_expected": "Registros",
            "workshop": 5,
        },
    ],
}
CSV_META = {"version": "2025-csv", "title": "BPE Perú", "official": True}
CSV_VALID = """kind,code,aspect_code,text,evidence_expected,workshop
aspect,A1,,Gestión,,
aspect,A2,,Agua,,
requirement,A1.R01,A1,Política,Documento,1
requirement,A1.R02,A1,Objetivos,Matriz,9
requirement,A2.R01,A2,Medición,Registros,5
"""


def _errors(exc: StandardInvalid) -> set[tuple]:
    return {(e["field"], e.get("line")) for e in exc.errors}


def test_valid_json_document_keeps_order_and_positions():
    doc = parse_json_document(VALID)
    assert doc.version == "2025-oficial" and doc.official
    assert [a.number for a in doc.aspects] == [1, 2]
    assert [(r.code, r.position) for r in doc.requirements] == [("A1.R01", 1), ("A1.R02", 2), ("A2.R01", 1)]
    assert doc.requirements_by_aspect() == {"A1": ["A1.R01", "A1.R02"], "A2": ["A2.R01"]}


def test_json_repeated_code_unknown_aspect_and_bad_workshop_all_reported():
    data = copy.deepcopy(VALID)
    data["requirements"][1]["code"] = "A1.R01"
    data["requirements"][2]["aspect_code"] = "A9"
    data["requirements"][0]["workshop"] = 11
    with pytest.raises(StandardInvalid) as caught:
        parse_json_document(data)
    assert _errors(caught.value) == {
        ("requirements[1].code", None),
        ("requirements[2].aspect_code", None),
        ("requirements[0].workshop", None),
    }
    assert caught.value.status == 422 and caught.value.slug == "validation-error"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "is required"),
        ("A1.R01 A1.R02", "not one code"),
        ("A1.R01;A1.R02", "not one code"),
        (None, "is required"),
    ],
)
def test_each_requirement_has_exactly_one_code(code, reason):
    data = copy.deepcopy(VALID)
    data["requirements"][0]["code"] = code
    with pytest.raises(StandardInvalid) as caught:
        parse_json_document(data)
    [error] = caught.value.errors
    assert error["field"] == "requirements[0].code" and reason in error["message"]


def test_a_requirement_code_cannot_reuse_an_aspect_code():
    data = copy.deepcopy(VALID)
    data["requirements"][0]["code"] = "A2"
    with pytest.raises(StandardInvalid) as caught:
        parse_json_document(data)
    assert "aspect's code" in caught.value.errors[0]["message"]


def test_an_aspect_without_requirements_is_refused():
    data = copy.deepcopy(VALID)
    data["aspects"].append({"code": "A3", "name": "Energía"})
    with pytest.raises(StandardInvalid) as caught:
        parse_json_document(data)
    assert "A3" in caught.value.errors[0]["message"]


def test_missing_metadata_text_and_evidence_are_reported():
    data = copy.deepcopy(VALID)
    del data["version"]
    data["title"] = "  "
    data["requirements"][2]["text"] = ""
    data["requirements"][2]["evidence_expected"] = None
    with pytest.raises(StandardInvalid) as caught:
        parse_json_document(data)
    assert {e["field"] for e in caught.value.errors} == {
        "version",
        "title",
        "requirements[2].text",
        "requirements[2].evidence_expected",
    }


@pytest.mark.parametrize("body", [[], "x", {"aspects": "A1"}, {"aspects": [1], "requirements": []}])
def test_json_of_the_wrong_shape_is_a_validation_error(body):
    with pytest.raises(StandardInvalid):
        parse_json_document(body)


def test_valid_csv_document():
    doc = parse_csv_document(CSV_VALID, CSV_META)
    assert doc.version == "2025-csv"
    assert [r.code for r in doc.requirements] == ["A1.R01", "A1.R02", "A2.R01"]
    assert doc.aspects[1].name == "Agua"


def test_semicolon_csv_with_excel_bom_is_accepted():
    doc = parse_csv_document("\ufeff" + CSV_VALID.replace(",", ";"), CSV_META)
    assert len(doc.requirements) == 3


def test_csv_errors_carry_their_line_numbers():
    text = CSV_VALID.replace(
        "requirement,A1.R02,A1,Objetivos,Matriz,9", "requirement,A1.R01,A1,Objetivos,Matriz,nueve"
    )
    text = text.replace("requirement,A2.R01,A2", "requirement,A2.R01,A7")
    text += "requisito,X,,,,\n"
    with pytest.raises(StandardInvalid) as caught:
        parse_csv_document(text, CSV_META)
    assert _errors(caught.value) == {
        ("code", 5),
        ("workshop", 5),
        ("aspect_code", 6),
        ("kind", 7),
    }
    assert "first at line 4" in next(e["message"] for e in caught.value.errors if e["field"] == "code")


def test_csv_without_the_expected_columns_says_which_are_missing():
    with pytest.raises(StandardInvalid) as caught:
        parse_csv_document("kind,code,text\naspect,A1,Gestión\n", CSV_META)
    [error] = caught.value.errors
    assert error["line"] == 1 and "aspect_code" in error["message"] and "workshop" in error["message"]


def test_csv_needs_version_and_title_from_the_query():
    with pytest.raises(StandardInvalid) as caught:
        parse_csv_document(CSV_VALID, {"official": True})
    assert {e["field"] for e in caught.value.errors} == {"version", "title"}


def test_current_is_a_reserved_version_name_and_nul_characters_are_refused():
    data = copy.deepcopy(VALID) | {"version": "Current"}
    data["requirements"][0]["text"] = "Polí\x00tica"
    with pytest.raises(StandardInvalid) as caught:
        parse_json_document(data)
    assert {e["field"] for e in caught.value.errors} == {"version", "requirements[0].text"}
