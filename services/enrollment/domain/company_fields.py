"""Field checks for company data, one source for the JSON API and the CSV import.

``normalize_company_fields`` takes already-typed values (strings, dates, decimals) for
any subset of fields, returns them normalised (official region name, compact phone,
``https://`` website) and lists every problem with its rule id. Typing text into those
values is the edge's job (pydantic for JSON, :mod:`company_csv` for spreadsheets).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from services.enrollment.domain.company import FieldProblem, RucStatus
from services.enrollment.domain.contact import (
    is_valid_dni,
    is_valid_email,
    normalize_phone,
    normalize_website,
)
from services.enrollment.domain.regions import parse_region, unknown_region
from shared.ruc import ruc_problem

MAX_NAME = 200
FIRST_FISCAL_YEAR = 1990

Checked = tuple[Any, str | None, str | None]  # (normalised value, rule broken, message)
Check = Callable[[Any, date], Checked]


def _ruc(v: str, today: date) -> Checked:
    p = ruc_problem(v)
    return (v, p.rule, p.message) if p else (v, None, None)


def _required_text(rule: str, label: str) -> Check:
    def check(v: str, today: date) -> Checked:
        v = (v or "").strip()
        if not v:
            return v, rule, f"{label} is required."
        if len(v) > MAX_NAME:
            return v, rule, f"{label} has more than {MAX_NAME} characters."
        return v, None, None

    return check


def _optional_text(v: str | None, today: date) -> Checked:
    v = (v or "").strip()
    return (v or None), None, None


def _dni(v: str, today: date) -> Checked:
    v = (v or "").strip()
    return (v, None, None) if is_valid_dni(v) else (v, "dni.format", f"A DNI has 8 digits; got {v!r}.")


def _founded_on(v: date, today: date) -> Checked:
    if v > today:
        return v, "company.founded_in_future", f"The founding date {v} is after today ({today})."
    return v, None, None


def _region(v: str, today: date) -> Checked:
    region = parse_region(v or "")
    if region is None:
        return v, "region.unknown", unknown_region(v)
    return region, None, None


def _ciiu(v: str | None, today: date) -> Checked:
    v = (v or "").strip()
    if not v:
        return None, None, None
    if len(v) == 4 and v.isdigit():
        return v, None, None
    return v, "ciiu.format", f"A CIIU Rev.4 class has 4 digits; got {v!r}."


def _sales(v: Decimal, today: date) -> Checked:
    if v < 0:
        return v, "sales.negative", "Annual sales cannot be negative."
    if v >= Decimal("1e14"):
        return v, "sales.too_large", "Annual sales are implausibly large."
    return v.quantize(Decimal("0.01")), None, None


def _fiscal_year(v: int, today: date) -> Checked:
    if not FIRST_FISCAL_YEAR <= v <= today.year:
        return (
            v,
            "sales.fiscal_year",
            f"The sales fiscal year must be between {FIRST_FISCAL_YEAR} and {today.year}.",
        )
    return v, None, None


def _phone(v: str | None, today: date) -> Checked:
    if not v or not v.strip():
        return None, None, None
    phone = normalize_phone(v)
    return (phone, None, None) if phone else (v, "phone.format", f"{v!r} is not a Peruvian phone number.")


def _email(v: str | None, today: date) -> Checked:
    if not v or not v.strip():
        return None, None, None
    v = v.strip().lower()
    return (v, None, None) if is_valid_email(v) else (v, "email.format", f"{v!r} is not an e-mail address.")


def _website(v: str | None, today: date) -> Checked:
    if not v or not v.strip():
        return None, None, None
    url = normalize_website(v)
    return (url, None, None) if url else (v, "website.format", f"{v!r} is not a web address.")


def _ruc_status(v: str, today: date) -> Checked:
    try:
        return RucStatus(v), None, None
    except ValueError:
        allowed = ", ".join(s.value for s in RucStatus)
        return v, "ruc_status.unknown", f"RUC status {v!r} is not one of: {allowed}."


def _text_list(v: list[str] | None, today: date) -> Checked:
    items = [s.strip() for s in (v or []) if s and s.strip()]
    return list(dict.fromkeys(items)), None, None


def _as_is(v: Any, today: date) -> Checked:
    return v, None, None


CHECKS: dict[str, Check] = {
    "ruc": _ruc,
    "legal_name": _required_text("legal_name.required", "The legal name (razón social)"),
    "trade_name": _optional_text,
    "legal_rep_name": _required_text("legal_rep_name.required", "The legal representative's name"),
    "legal_rep_dni": _dni,
    "founded_on": _founded_on,
    "registry_entry": _optional_text,
    "ruc_status": _ruc_status,
    "region": _region,
    "ciiu_code": _ciiu,
    "annual_sales_pen": _sales,
    "sales_fiscal_year": _fiscal_year,
    "women_led": _as_is,
    "phone": _phone,
    "email": _email,
    "website": _website,
    "direct_exports": _as_is,
    "export_markets": _text_list,
    "own_production": _as_is,
    "products": _text_list,
}


def normalize_company_fields(
    values: dict[str, Any], today: date
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Normalise the given fields; every problem found, in field order."""
    out: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for name, value in values.items():
        check = CHECKS.get(name)
        if check is None:
            out[name] = value
            continue
        normalized, rule, message = check(value, today)
        out[name] = normalized
        if rule:
            problems.append(FieldProblem(name, rule, message or rule))
    return out, problems
