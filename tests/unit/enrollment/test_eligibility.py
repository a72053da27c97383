"""Every rule of section V, passing and failing, with the data it reports."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from services.enrollment.domain.company import CompanyFacts, RucStatus, SiteFacts
from services.enrollment.domain.eligibility import RULES, EligibilityInput, SwornDeclaration, evaluate
from shared.ruc import make_ruc

TODAY = date(2026, 3, 15)
COMPANY = CompanyFacts(
    ruc=make_ruc("20", "10007097"),
    legal_name="Ecoexport S.A.C.",
    legal_rep_name="Rosa Mamani",
    legal_rep_dni="41234567",
    founded_on=date(2015, 3, 10),
    region="Arequipa",
    registry_entry="11023456",
    phone="+5154281234",
    email="contacto@ecoexport.pe",
    website="https://ecoexport.pe",
    direct_exports=True,
    export_markets=["US"],
    own_production=True,
)
SITE = SiteFacts("s1", "Planta", True, "LF-1", None, "ITSE-1", date(2026, 9, 1))
SWORN = SwornDeclaration("user-1", "Rosa Mamani", "41234567", datetime(2026, 3, 1, tzinfo=UTC))


def facts(company=COMPANY, sites=(SITE,), sworn=SWORN, on=TODAY) -> EligibilityInput:
    return EligibilityInput(company, list(sites), sworn, on)


def result(i: EligibilityInput, rule_id: str):
    [found] = [r for r in evaluate(i).results if r.rule_id == rule_id]
    return found


def test_a_compliant_company_passes_every_rule_in_section_order():
    report = evaluate(facts())
    assert report.eligible
    assert report.failed_rules == []
    assert [r.rule_id for r in report.results] == [
        "legal.persona_juridica",
        "legal.min_two_years",
        "legal.public_registry",
        "legal.ruc_active",
        "sites.municipal_licence",
        "sites.indeci_certificate",
        "exports.direct",
        "production.own_process",
        "communications.phone_email",
        "communications.corporate_image",
        "promperu.no_pending_accounts",
        "declaration.sworn",
    ]
    assert len(RULES) == 12
    assert all(r.requirement.startswith("V:") for r in report.results)


def test_natural_person_ruc_is_not_a_legally_constituted_organisation():
    r = result(facts(replace(COMPANY, ruc=make_ruc("10", "46218912"))), "legal.persona_juridica")
    assert not r.passed and r.data["prefix"] == "10"


@pytest.mark.parametrize(
    "founded,passed",
    [
        (date(2024, 3, 15), True),
        (date(2024, 3, 16), False),
        (date(2026, 1, 1), False),
        (date(2000, 1, 1), True),
    ],
)
def test_two_years_of_operation_counted_to_the_day(founded, passed):
    r = result(facts(replace(COMPANY, founded_on=founded)), "legal.min_two_years")
    assert r.passed is passed
    assert r.data["founded_on"] == founded.isoformat() and r.data["evaluated_on"] == TODAY.isoformat()


def test_founded_on_29_february_reaches_two_years_on_28_february():
    r = result(
        facts(replace(COMPANY, founded_on=date(2024, 2, 29)), on=date(2026, 2, 28)), "legal.min_two_years"
    )
    assert r.passed and r.data["two_years_on"] == "2026-02-28"


@pytest.mark.parametrize("entry", [None, "", "   "])
def test_public_registry_entry_is_required(entry):
    assert not result(facts(replace(COMPANY, registry_entry=entry)), "legal.public_registry").passed


@pytest.mark.parametrize("status", [RucStatus.suspended, RucStatus.cancelled])
def test_ruc_must_be_active(status):
    r = result(facts(replace(COMPANY, ruc_status=status)), "legal.ruc_active")
    assert not r.passed and r.data["ruc_status"] == status.value


def test_indefinite_municipal_licence_is_valid_but_a_missing_one_is_not():
    assert result(facts(), "sites.municipal_licence").passed
    r = result(facts(sites=[replace(SITE, licence_number=None)]), "sites.municipal_licence")
    assert not r.passed and "Planta" in r.reason


def test_licence_expired_on_the_evaluation_date_fails():
    expiring = replace(SITE, licence_expires_on=TODAY)
    assert not result(facts(sites=[expiring]), "sites.municipal_licence").passed
    next_day = replace(SITE, licence_expires_on=date(2026, 3, 16))
    assert result(facts(sites=[next_day]), "sites.municipal_licence").passed


@pytest.mark.parametrize(
    "expires,passed", [(date(2026, 3, 14), False), (TODAY, False), (date(2026, 3, 16), True), (None, False)]
)
def test_indeci_certificate_must_be_in_force_after_the_evaluation_date(expires, passed):
    r = result(facts(sites=[replace(SITE, indeci_expires_on=expires)]), "sites.indeci_certificate")
    assert r.passed is passed
    assert r.data["sites"][0]["indeci_expires_on"] == (expires.isoformat() if expires else None)


def test_every_site_in_scope_counts_and_out_of_scope_sites_do_not():
    expired = replace(SITE, site_id="s2", name="Almacén", indeci_expires_on=date(2025, 1, 1))
    r = result(facts(sites=[SITE, expired]), "sites.indeci_certificate")
    assert not r.passed and "Almacén" in r.reason and "Planta" not in r.reason
    outside = replace(expired, in_scope=False)
    assert result(facts(sites=[SITE, outside]), "sites.indeci_certificate").passed


def test_no_site_in_scope_fails_both_site_rules():
    report = evaluate(facts(sites=[replace(SITE, in_scope=False)]))
    assert {"sites.municipal_licence", "sites.indeci_certificate"} <= set(report.failed_rules)


def test_direct_exports_are_required():
    r = result(facts(replace(COMPANY, direct_exports=False)), "exports.direct")
    assert not r.passed and r.data["direct_exports"] is False


def test_intermediaries_are_not_eligible():
    r = result(facts(replace(COMPANY, own_production=False)), "production.own_process")
    assert not r.passed and "intermediaries" in r.reason


@pytest.mark.parametrize("change", [{"phone": None}, {"email": None}, {"email": "not-an-email"}])
def test_phone_and_email_are_required(change):
    assert not result(facts(replace(COMPANY, **change)), "communications.phone_email").passed


@pytest.mark.parametrize(
    "email",
    ["ventas@gmail.com", "x@hotmail.com", "x@outlook.es", "x@yahoo.com.pe", "x@icloud.com", "x@proton.me"],
)
def test_free_mail_is_not_a_corporate_email(email):
    r = result(facts(replace(COMPANY, email=email)), "communications.corporate_image")
    assert not r.passed and r.data["email_is_free_mail"] is True and "free-mail" in r.reason


def test_a_website_is_required_for_the_corporate_image():
    assert not result(facts(replace(COMPANY, website=None)), "communications.corporate_image").passed


def test_pending_accounts_with_promperu_fail_with_the_officer_note():
    company = replace(
        COMPANY, promperu_accounts_pending=True, promperu_accounts_note="Factura 2023-118 impaga"
    )
    r = result(facts(company), "promperu.no_pending_accounts")
    assert not r.passed and "Factura 2023-118" in r.reason and r.data["promperu_accounts_pending"] is True


def test_sworn_declaration_reports_who_and_when():
    r = result(facts(), "declaration.sworn")
    assert (
        r.passed
        and r.data["accepted_by_dni"] == "41234567"
        and r.data["accepted_at"].startswith("2026-03-01")
    )
    missing = result(facts(sworn=None), "declaration.sworn")
    assert not missing.passed and missing.data["accepted_at"] is None


def test_report_lists_every_failure_and_serialises():
    report = evaluate(facts(replace(COMPANY, direct_exports=False, website=None), sworn=None))
    assert not report.eligible
    assert report.failed_rules == ["exports.direct", "communications.corporate_image", "declaration.sworn"]
    as_dict = report.as_dict()
    assert as_dict["eligible"] is False and len(as_dict["rules"]) == 12
