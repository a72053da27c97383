"""The shipped draft "0-draft": 8 aspects, 112 requirements, and honest about not being official."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from services.audit.domain.standard import parse_json_document

DRAFT = Path(__file__).resolve().parents[3] / "services" / "audit" / "standard_data" / "0-draft.json"


def test_the_draft_has_8_aspects_and_112_requirements_with_one_code_each():
    doc = parse_json_document(json.loads(DRAFT.read_text(encoding="utf-8")))
    assert doc.version == "0-draft"
    assert len(doc.aspects) == 8 and len(doc.requirements) == 112
    assert len({r.code for r in doc.requirements}) == 112
    assert all(
        re.fullmatch(r"A[1-8]\.R\d{2}", r.code) and r.code.startswith(r.aspect_code) for r in doc.requirements
    )
    assert set(Counter(r.aspect_code for r in doc.requirements).values()) == {14}


def test_the_draft_says_it_is_not_the_official_text():
    doc = parse_json_document(json.loads(DRAFT.read_text(encoding="utf-8")))
    assert doc.official is False
    assert "No es el texto oficial" in doc.source and "Draft" in doc.notes


def test_the_draft_covers_the_programme_themes_and_every_workshop():
    doc = parse_json_document(json.loads(DRAFT.read_text(encoding="utf-8")))
    names = " ".join(a.name for a in doc.aspects).lower()
    for theme in (
        "gestión",
        "materias primas",
        "agua",
        "energía",
        "residuos",
        "costos",
        "mantenimiento",
        "seguridad",
    ):
        assert theme in names
    assert {r.workshop for r in doc.requirements} == set(range(11))
    assert all(r.text and r.evidence_expected for r in doc.requirements)
