"""Section V of the programme, requirement by requirement, as code.

Source: PROMPERÚ, "Programa de implementación de las Buenas Prácticas de Ecoeficiencia
Perú", section V "Requisitos de participación". Each bullet maps to one or more rules
with a stable id; every rule reports whether it passed, why, and the data it looked at,
so an officer can see what to ask the company for. Dates are compared with the
evaluation date (a Lima date from the clock): a certificate whose expiry date is on or
before that date has expired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.enrollment.domain.company import CompanyFacts, RucStatus, SiteFacts, years_after
from services.enrollment.domain.contact import is_free_mail, is_valid_email
from shared.ruc import is_legal_entity

MIN_YEARS_CONSTITUTED = 2


@dataclass(frozen=True)
class SwornDeclaration:
    accepted_by_subject: str
    accepted_by_name: str
    accepted_by_dni: str
    accepted_at: datetime


@dataclass(frozen=True)
class EligibilityInput:
    company: CompanyFacts
    sites: list[SiteFacts]
    sworn_declaration: SwornDeclaration | None
    evaluated_on: date


@dataclass(frozen=True)
class RuleResult:
    rule_id: str
    requirement: str
    passed: bool
    reason: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "requirement": self.requirement,
            "passed": self.passed,
            "reason": self.reason,
            "data": self.data,
        }


@dataclass(frozen=True)
class EligibilityReport:
    evaluated_on: date
    results: list[RuleResult]

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failed_rules(self) -> list[str]:
        return [r.rule_id for r in self.results if not r.passed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "evaluated_on": self.evaluated_on.isoformat(),
            "eligible": self.eligible,
            "failed_rules": self.failed_rules,
            "rules": [r.as_dict() for r in self.results],
        }


def _iso(d: date | datetime | None) -> str | None:
    return d.isoformat() if d else None


def persona_juridica(i: EligibilityInput) -> RuleResult:
    ruc = i.company.ruc
    ok = is_legal_entity(ruc)
    return RuleResult(
        "legal.persona_juridica",
        "V: debe estar legalmente constituida (persona jurídica con estructura legal).",
        ok,
        "The RUC is a legal entity's (prefix 20)."
        if ok
        else f"RUC prefix {ruc[:2]} is a natural person's; the programme admits legally constituted "
        "organisations (RUC 20...).",
        {"ruc": ruc, "prefix": ruc[:2]},
    )


def two_years_constituted(i: EligibilityInput) -> RuleResult:
    founded = i.company.founded_on
    since = years_after(founded, MIN_YEARS_CONSTITUTED)
    ok = since <= i.evaluated_on
    return RuleResult(
        "legal.min_two_years",
        "V: tener como mínimo dos (02) años de funcionamiento.",
        ok,
        f"Constituted on {founded}: two years reached on {since}."
        if ok
        else f"Constituted on {founded}: two years are reached only on {since}.",
        {"founded_on": _iso(founded), "two_years_on": _iso(since), "evaluated_on": _iso(i.evaluated_on)},
    )


def public_registry(i: EligibilityInput) -> RuleResult:
    entry = (i.company.registry_entry or "").strip()
    return RuleResult(
        "legal.public_registry",
        "V: contar con Registro Público (partida registral SUNARP).",
        bool(entry),
        f"Registry entry {entry}." if entry else "No public-registry entry (partida registral) is recorded.",
        {"registry_entry": entry or None},
    )


def ruc_active(i: EligibilityInput) -> RuleResult:
    status = RucStatus(i.company.ruc_status)
    ok = status == RucStatus.active
    return RuleResult(
        "legal.ruc_active",
        "V: contar con RUC activo.",
        ok,
        "The RUC is active." if ok else f"The RUC status is '{status}', not 'active'.",
        {"ruc": i.company.ruc, "ruc_status": str(status)},
    )


def _in_scope(i: EligibilityInput) -> list[SiteFacts]:
    return [s for s in i.sites if s.in_scope]


def _valid_on(expires_on: date | None, on: date, *, indefinite_ok: bool) -> bool:
    if expires_on is None:
        return indefinite_ok
    return expires_on > on


def _site_documents(
    i: EligibilityInput,
    rule_id: str,
    requirement: str,
    *,
    document: str,
    indefinite_ok: bool,
    missing: str,
    held: str,
) -> RuleResult:
    """Every site in scope holds ``document`` (``<document>_number``, ``<document>_expires_on``)
    in force on the evaluation date; no site in scope fails too."""
    sites = _in_scope(i)

    def number(s: SiteFacts) -> str | None:
        value: str | None = getattr(s, f"{document}_number")
        return value

    def expires(s: SiteFacts) -> date | None:
        value: date | None = getattr(s, f"{document}_expires_on")
        return value

    bad = [
        s.name
        for s in sites
        if not number(s) or not _valid_on(expires(s), i.evaluated_on, indefinite_ok=indefinite_ok)
    ]
    ok = bool(sites) and not bad
    if not sites:
        reason = "No site is included in the programme's scope."
    elif bad:
        reason = f"{missing}: {', '.join(bad)}."
    else:
        reason = f"All {len(sites)} site(s) in scope hold {held}."
    return RuleResult(
        rule_id,
        requirement,
        ok,
        reason,
        {
            "evaluated_on": _iso(i.evaluated_on),
            "sites": [
                {
                    "site_id": s.site_id,
                    "name": s.name,
                    f"{document}_number": number(s),
                    f"{document}_expires_on": _iso(expires(s)),
                }
                for s in sites
            ],
        },
    )


def municipal_licence(i: EligibilityInput) -> RuleResult:
    return _site_documents(
        i,
        "sites.municipal_licence",
        "V: Licencia de Funcionamiento Municipal de cada sede incluida en el alcance.",
        document="licence",
        indefinite_ok=True,  # Ley 28976 art. 11: most licences have no expiry
        missing="No valid municipal operating licence for",
        held="a valid municipal licence",
    )


def indeci_certificate(i: EligibilityInput) -> RuleResult:
    return _site_documents(
        i,
        "sites.indeci_certificate",
        "V: Certificado de Inspección Técnica de Defensa Civil - INDECI vigente de cada sede en el alcance.",
        document="indeci",
        indefinite_ok=False,
        missing=f"No INDECI civil-defence certificate in force on {i.evaluated_on} for",
        held="an INDECI certificate in force",
    )


def direct_exports(i: EligibilityInput) -> RuleResult:
    ok = i.company.direct_exports
    return RuleResult(
        "exports.direct",
        "V: la organización debe registrar exportaciones directas.",
        ok,
        "Direct exports are recorded." if ok else "No direct exports are recorded.",
        {"direct_exports": ok, "export_markets": list(i.company.export_markets)},
    )


def own_production(i: EligibilityInput) -> RuleResult:
    ok = i.company.own_production
    return RuleResult(
        "production.own_process",
        "V: debe contar con algún proceso de producción/transformación (no intermediarios).",
        ok,
        "The company has its own production or transformation process."
        if ok
        else "No own production or transformation process: intermediaries are not eligible.",
        {"own_production": ok},
    )


def phone_and_email(i: EligibilityInput) -> RuleResult:
    phone, email = i.company.phone, i.company.email
    missing = [n for n, v in (("phone", phone), ("email", email)) if not v]
    if email and not is_valid_email(email):
        missing.append("valid email")
    ok = not missing
    return RuleResult(
        "communications.phone_email",
        "V: estructura de comunicaciones (teléfono, correo electrónico).",
        ok,
        "Phone and e-mail are recorded." if ok else f"Missing: {', '.join(missing)}.",
        {"phone": phone, "email": email},
    )


def corporate_image(i: EligibilityInput) -> RuleResult:
    email, website = i.company.email, i.company.website
    problems = []
    if not email:
        problems.append("no e-mail")
    elif is_free_mail(email):
        problems.append(f"'{email}' is a free-mail address, not a corporate one")
    if not website:
        problems.append("no website")
    ok = not problems
    return RuleResult(
        "communications.corporate_image",
        "V: imagen corporativa desarrollada (correo corporativo y página web).",
        ok,
        "Corporate e-mail and website are recorded." if ok else "; ".join(problems).capitalize() + ".",
        {"email": email, "email_is_free_mail": is_free_mail(email) if email else False, "website": website},
    )


def no_pending_accounts(i: EligibilityInput) -> RuleResult:
    c = i.company
    ok = not c.promperu_accounts_pending
    return RuleResult(
        "promperu.no_pending_accounts",
        "V: no debe presentar cuentas pendientes (económicas y/o documentarias) con PROMPERÚ.",
        ok,
        "No pending accounts with PROMPERÚ are recorded."
        if ok
        else f"Pending accounts with PROMPERÚ: {c.promperu_accounts_note or 'see officer note'}.",
        {
            "promperu_accounts_pending": c.promperu_accounts_pending,
            "note": c.promperu_accounts_note,
            "checked_at": _iso(c.promperu_accounts_checked_at),
        },
    )


def sworn_declaration(i: EligibilityInput) -> RuleResult:
    d = i.sworn_declaration
    ok = d is not None
    return RuleResult(
        "declaration.sworn",
        "V: Declaración jurada de cumplimiento de requisitos del Programa.",
        ok,
        f"Accepted by {d.accepted_by_name} (DNI {d.accepted_by_dni}) at {d.accepted_at.isoformat()}."
        if d
        else "The sworn declaration has not been accepted.",
        {
            "accepted_by_subject": d.accepted_by_subject if d else None,
            "accepted_by_name": d.accepted_by_name if d else None,
            "accepted_by_dni": d.accepted_by_dni if d else None,
            "accepted_at": _iso(d.accepted_at) if d else None,
        },
    )


RULES: tuple[Callable[[EligibilityInput], RuleResult], ...] = (
    persona_juridica,
    two_years_constituted,
    public_registry,
    ruc_active,
    municipal_licence,
    indeci_certificate,
    direct_exports,
    own_production,
    phone_and_email,
    corporate_image,
    no_pending_accounts,
    sworn_declaration,
)


def evaluate(i: EligibilityInput) -> EligibilityReport:
    """Every rule, in the order of section V; eligible only when all pass."""
    return EligibilityReport(i.evaluated_on, [rule(i) for rule in RULES])
