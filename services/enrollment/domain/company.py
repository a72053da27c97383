"""What a company is to this programme: the facts its eligibility and size are judged on.

The same pure checks serve the JSON API (through the schemas) and the CSV import, so a
row is rejected in the spreadsheet for exactly the reason the API would give.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from services.enrollment.domain.regions import ensure_region
from shared.errors import RuleViolation
from shared.ruc import ruc_problem


class RucStatus(StrEnum):
    """SUNAT's taxpayer status, as the company or the officer records it."""

    active = "active"
    suspended = "suspended"
    cancelled = "cancelled"


@dataclass(frozen=True)
class FieldProblem:
    """One bad field: where, which rule, and a message a programme officer understands."""

    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


def checked_ruc(ruc: str) -> str:
    """``ruc`` if it is a well-formed RUC, or 422 naming the rule it breaks."""
    problem = ruc_problem(ruc)
    if problem:
        raise RuleViolation(problem.rule, problem.message, detail_es=problem.message_es)
    return ruc


def ensure_no_problems(problems: list[FieldProblem]) -> None:
    """422 rule-violation naming the first rule; every problem listed in ``errors``."""
    if not problems:
        return
    raise RuleViolation(
        problems[0].rule,
        " ".join(p.message for p in problems),
        extra={
            "errors": [
                {"field": p.field, "in": "body", "rule": p.rule, "message": p.message} for p in problems
            ]
        },
    )


@dataclass(frozen=True)
class CompanyFilters:
    """What a listing of companies may be narrowed by (all optional)."""

    region: str | None = None
    women_led: bool | None = None
    size_class: str | None = None
    circular_economy_node: bool | None = None
    q: str | None = None  # part of the legal or trade name, or an exact RUC

    def __post_init__(self) -> None:
        if self.region:  # the official name, or 422 region.unknown
            object.__setattr__(self, "region", ensure_region(self.region))


@dataclass(frozen=True)
class CompanyFacts:
    """The data section V is checked against (one company, as recorded)."""

    ruc: str
    legal_name: str
    legal_rep_name: str
    legal_rep_dni: str
    founded_on: date
    region: str
    registry_entry: str | None = None
    ruc_status: RucStatus = RucStatus.active
    trade_name: str | None = None
    ciiu_code: str | None = None
    annual_sales_pen: Decimal = Decimal(0)
    sales_fiscal_year: int = 0
    women_led: bool = False
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    direct_exports: bool = False
    export_markets: list[str] = field(default_factory=list)
    own_production: bool = False
    products: list[str] = field(default_factory=list)
    promperu_accounts_pending: bool = False
    promperu_accounts_note: str | None = None
    promperu_accounts_checked_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Any) -> CompanyFacts:
        """From a ``companies`` row (its column names are these fields)."""
        m = row._mapping
        return cls(**{name: m[name] for name in cls.__dataclass_fields__ if name in m})


@dataclass(frozen=True)
class SiteFacts:
    """One site (sede) with its municipal licence and INDECI certificate."""

    site_id: str
    name: str
    in_scope: bool
    licence_number: str | None
    licence_expires_on: date | None  # None: indefinite, as Ley 28976 art. 11 makes most licences
    indeci_number: str | None
    indeci_expires_on: date | None

    @classmethod
    def from_row(cls, row: Any) -> SiteFacts:
        m = row._mapping
        return cls(
            site_id=str(m["id"]),
            name=m["name"],
            in_scope=m["in_scope"],
            licence_number=m["licence_number"],
            licence_expires_on=m["licence_expires_on"],
            indeci_number=m["indeci_number"],
            indeci_expires_on=m["indeci_expires_on"],
        )


def years_after(start: date, years: int) -> date:
    """The anniversary ``years`` after ``start`` (29 February -> 28 February)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)
