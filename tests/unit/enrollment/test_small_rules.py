"""Monitors' load balancing, certification progress, cohort schedule, contact data, regions."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from services.enrollment.domain.certification import (
    CertificationProgress,
    preaudit_passed,
    training_completed,
    training_revoked,
)
from services.enrollment.domain.cohorts import check_schedule, ensure_window_open
from services.enrollment.domain.commitment import ensure_signer_is_legal_representative
from services.enrollment.domain.company_fields import normalize_company_fields
from services.enrollment.domain.contact import is_free_mail, normalize_phone, normalize_website
from services.enrollment.domain.monitors import MonitorLoad, pick_monitor
from services.enrollment.domain.regions import is_circular_economy_node, parse_region
from shared.errors import RuleViolation

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def load(name: str, n: int, active: bool = True) -> MonitorLoad:
    return MonitorLoad(uuid.uuid4(), name, active, n)


def test_least_loaded_active_monitor_wins_and_ties_go_by_name():
    assert pick_monitor([load("Zoila", 1), load("Beto", 3), load("Ana", 1, active=False)]).name == "Zoila"
    assert pick_monitor([load("Zoila", 2), load("beto", 2), load("Carla", 2)]).name == "beto"
    assert pick_monitor([load("Ana", 0, active=False)]) is None


def test_certification_needs_both_facts_in_either_order():
    a = preaudit_passed(training_completed(CertificationProgress(), T0), T0 + timedelta(days=1))
    b = training_completed(preaudit_passed(CertificationProgress(), T0 + timedelta(days=1)), T0)
    assert a == b and a.ready
    assert not training_completed(CertificationProgress(), T0).ready
    assert not preaudit_passed(CertificationProgress(), T0).ready


def test_repeated_facts_change_nothing():
    p = preaudit_passed(training_completed(CertificationProgress(), T0), T0)
    assert training_completed(p, T0) == p and preaudit_passed(p, T0) == p


def test_revoked_completion_no_longer_counts_until_completed_again():
    p = training_revoked(training_completed(CertificationProgress(), T0), T0 + timedelta(hours=1))
    p = preaudit_passed(p, T0)
    assert not p.training_counts and not p.ready
    again = training_completed(p, T0 + timedelta(days=2))
    assert again.ready


def test_a_revocation_arriving_before_its_completion_still_wins():
    p = training_completed(training_revoked(CertificationProgress(), T0 + timedelta(hours=1)), T0)
    assert not p.training_counts


def test_revocation_after_eligibility_is_history():
    p = CertificationProgress(T0, None, T0, eligible_at=T0)
    assert training_revoked(p, T0 + timedelta(days=1)) == p
    assert not p.ready  # eligible once, never twice


def test_cohort_schedule_order():
    check_schedule(date(2026, 1, 1), date(2026, 2, 1), date(2026, 6, 1), date(2026, 9, 1))
    for args, rule in [
        ((date(2026, 2, 1), date(2026, 1, 1), None, None), "cohort.window_order"),
        ((date(2026, 1, 1), date(2026, 2, 1), date(2026, 2, 1), None), "cohort.preaudit_after_window"),
        (
            (date(2026, 1, 1), date(2026, 2, 1), date(2026, 6, 1), date(2026, 6, 1)),
            "cohort.certification_after_preaudit",
        ),
    ]:
        with pytest.raises(RuleViolation) as caught:
            check_schedule(*args)
        assert caught.value.extra["rule"] == rule


def test_application_window_is_inclusive():
    ensure_window_open("BPE", date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 31))
    with pytest.raises(RuleViolation, match="2026-02-01"):
        ensure_window_open("BPE", date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1))


def test_only_the_legal_representative_signs():
    ensure_signer_is_legal_representative("41234567", "41234567", "Rosa")
    with pytest.raises(RuleViolation) as caught:
        ensure_signer_is_legal_representative("99999999", "41234567", "Rosa")
    assert caught.value.extra["rule"] == "commitment.signer_not_legal_representative"


def test_a_wrong_dni_on_the_sworn_declaration_names_the_declaration():
    with pytest.raises(RuleViolation) as caught:
        ensure_signer_is_legal_representative("99999999", "41234567", "Rosa", document="sworn_declaration")
    assert caught.value.extra["rule"] == "declaration.signer_not_legal_representative"
    assert "sworn declaration" in str(caught.value.detail) and "commitment" not in str(caught.value.detail)


def test_contact_checks():
    assert is_free_mail("a@gmail.com") and is_free_mail("a@Hotmail.COM") and is_free_mail("a@yahoo.com.pe")
    assert not is_free_mail("ventas@agroexport.com.pe") and not is_free_mail("a@livestock.pe")
    assert (
        normalize_phone("(01) 428-1234") == "014281234"
        and normalize_phone("+51 987 654 321") == "+51987654321"
    )
    assert normalize_phone("12") is None
    assert normalize_website("www.x.pe") == "https://www.x.pe" and normalize_website("not a site") is None


def test_regions_ignore_case_and_accents_and_nodes_are_known():
    assert parse_region("ANCASH") == "Áncash" and parse_region("san martin") == "San Martín"
    assert parse_region("Lima Metropolitana") == "Lima" and parse_region("Atlantis") is None
    assert [r for r in ("Arequipa", "La Libertad", "Lima", "Cusco") if is_circular_economy_node(r)] == [
        "Arequipa",
        "La Libertad",
        "Lima",
    ]


def test_field_normalisation_reports_every_problem_with_its_rule():
    values, problems = normalize_company_fields(
        {"ruc": "20100070971", "legal_rep_dni": "123", "region": "lima", "annual_sales_pen": Decimal("-5")},
        date(2026, 1, 1),
    )
    assert [(p.field, p.rule) for p in problems] == [
        ("ruc", "ruc.check_digit"),
        ("legal_rep_dni", "dni.format"),
        ("annual_sales_pen", "sales.negative"),
    ]
    assert values["region"] == "Lima"
