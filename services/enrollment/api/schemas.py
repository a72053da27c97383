"""Request and response models: ``XCreate / XUpdate / XPublic / XsPublic``.

Table rows are never response models: each ``XPublic.from_row`` says what leaves the
service. Create/update bodies refuse unknown fields (a typo is a 422, not silence).
``XUpdate`` fields may be left out but not set to null where the data are required.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from services.enrollment.domain.applications import Status, allowed_from
from services.enrollment.domain.company import RucStatus
from services.enrollment.domain.regions import is_circular_economy_node
from services.enrollment.domain.sizing import SizeClass
from shared.pagination import Page
from shared.partial import PartialUpdate, left_out
from shared.schemas import Input

# --- companies -------------------------------------------------------------------------------

COMPANY_EXAMPLE: JsonDict = {
    "ruc": "20100070970",
    "legal_name": "Textiles Andinos S.A.C.",
    "trade_name": "Andino Knits",
    "legal_rep_name": "María Quispe Huamán",
    "legal_rep_dni": "41234567",
    "founded_on": "2015-03-10",
    "registry_entry": "11023456",
    "region": "Arequipa",
    "ciiu_code": "1430",
    "annual_sales_pen": "2500000.00",
    "sales_fiscal_year": 2024,
    "women_led": True,
    "phone": "+51 54 281234",
    "email": "contacto@andinoknits.pe",
    "website": "https://andinoknits.pe",
    "direct_exports": True,
    "export_markets": ["US", "DE"],
    "own_production": True,
    "products": ["alpaca sweaters", "baby alpaca scarves"],
}


class CompanyCreate(Input):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [COMPANY_EXAMPLE]})

    ruc: str = Field(
        description="11 digits, SUNAT check digit (rules ruc.length, ruc.prefix, ruc.check_digit)"
    )
    legal_name: str = Field(description="razón social")
    trade_name: str | None = None
    legal_rep_name: str
    legal_rep_dni: str = Field(description="8 digits; signs the commitment letter")
    founded_on: date = Field(description="date of constitution")
    registry_entry: str | None = Field(None, description="partida registral (SUNARP)")
    ruc_status: RucStatus = RucStatus.active
    region: str = Field(description="a region of Peru, e.g. 'La Libertad' (case and accents ignored)")
    ciiu_code: str | None = Field(None, description="CIIU Rev.4 class, 4 digits")
    annual_sales_pen: Decimal = Field(ge=0, description="annual sales in soles; the size class is computed")
    sales_fiscal_year: int | None = Field(None, description="fiscal year of those sales; default: last year")
    women_led: bool = False
    phone: str | None = None
    email: str | None = Field(None, description="a free-mail address is accepted but is not corporate")
    website: str | None = None
    direct_exports: bool = False
    export_markets: list[str] = []
    own_production: bool = Field(False, description="own production/transformation (not an intermediary)")
    products: list[str] = Field([], description="main products: the catalogue searches them")


class CompanyUpdate(PartialUpdate):
    legal_name: str = left_out()
    trade_name: str | None = None
    legal_rep_name: str = left_out()
    legal_rep_dni: str = left_out()
    founded_on: date = left_out()
    registry_entry: str | None = None
    ruc_status: RucStatus = left_out()
    region: str = left_out()
    ciiu_code: str | None = None
    annual_sales_pen: Decimal = left_out(ge=0)
    sales_fiscal_year: int = left_out()
    women_led: bool = left_out()
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    direct_exports: bool = left_out()
    export_markets: list[str] = left_out()
    own_production: bool = left_out()
    products: list[str] = left_out()


class PromperuAccountsUpdate(Input):
    pending: bool = Field(description="true: the company owes PROMPERÚ money or documents")
    note: str | None = None


class SizePublic(BaseModel):
    size_class: SizeClass
    annual_sales_pen: Decimal
    sales_fiscal_year: int
    uit_fiscal_year: int = Field(description="the year whose UIT was applied")
    note: str | None = Field(
        None, description="set when the sales year's UIT is unknown and another stood in"
    )


class PromperuAccountsPublic(BaseModel):
    pending: bool
    note: str | None
    checked_at: datetime | None


class CompanyPublic(BaseModel):
    id: uuid.UUID
    ruc: str
    legal_name: str
    trade_name: str | None
    legal_rep_name: str
    legal_rep_dni: str
    founded_on: date
    registry_entry: str | None
    ruc_status: RucStatus
    region: str
    circular_economy_node: bool = Field(description="region hosts a node of the circular-economy commission")
    ciiu_code: str | None
    size: SizePublic
    women_led: bool
    phone: str | None
    email: str | None
    website: str | None
    direct_exports: bool
    export_markets: list[str]
    own_production: bool
    products: list[str]
    promperu_accounts: PromperuAccountsPublic
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: sa.Row) -> CompanyPublic:
        m = row._asdict()  # a plain dict: key lookups on the row's mapping cost ~10x more
        plain = {name: m[name] for name in cls.model_fields if name in m}
        return cls(
            **plain,
            circular_economy_node=is_circular_economy_node(m["region"]),
            size=SizePublic(
                size_class=m["size_class"],
                annual_sales_pen=m["annual_sales_pen"],
                sales_fiscal_year=m["sales_fiscal_year"],
                uit_fiscal_year=m["size_uit_year"],
                note=m["size_note"],
            ),
            promperu_accounts=PromperuAccountsPublic(
                pending=m["promperu_accounts_pending"],
                note=m["promperu_accounts_note"],
                checked_at=m["promperu_accounts_checked_at"],
            ),
        )


class CompaniesPublic(Page[CompanyPublic]):
    pass


class ImportRowProblem(BaseModel):
    field: str
    rule: str
    message: str


class ImportRowError(BaseModel):
    line: int = Field(description="line in the file; the header is line 1")
    ruc: str | None
    errors: list[ImportRowProblem]


class ImportReportPublic(BaseModel):
    received: int
    imported: int
    rejected: int
    errors: list[ImportRowError]


# --- sites -----------------------------------------------------------------------------------


class SiteCreate(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Planta Cerro Colorado",
                    "address": "Av. Aviación 1204, Cerro Colorado",
                    "region": "Arequipa",
                    "licence_number": "LF-2019-00871",
                    "licence_expires_on": None,
                    "indeci_number": "ITSE-2024-1187",
                    "indeci_expires_on": "2026-08-31",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1)
    region: str
    in_scope: bool = Field(True, description="included in the scope of the Buenas Prácticas")
    licence_number: str | None = Field(None, description="municipal operating licence")
    licence_expires_on: date | None = Field(None, description="null: indefinite (Ley 28976, art. 11)")
    indeci_number: str | None = Field(None, description="INDECI civil-defence (ITSE) certificate")
    indeci_expires_on: date | None = None


class SiteUpdate(PartialUpdate):
    name: str = left_out(min_length=1, max_length=200)
    address: str = left_out(min_length=1)
    region: str = left_out()
    in_scope: bool = left_out()
    licence_number: str | None = None
    licence_expires_on: date | None = None
    indeci_number: str | None = None
    indeci_expires_on: date | None = None


class SitePublic(BaseModel):
    id: uuid.UUID
    company_id: uuid.UUID
    name: str
    address: str
    region: str
    in_scope: bool
    licence_number: str | None
    licence_expires_on: date | None
    indeci_number: str | None
    indeci_expires_on: date | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: sa.Row) -> SitePublic:
        return cls.model_validate(dict(row._mapping))


class SitesPublic(BaseModel):
    data: list[SitePublic]


# --- cohorts and monitors --------------------------------------------------------------------


class CohortCreate(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "BPE 2025",
                    "capacity": 40,
                    "applications_open_on": "2025-03-01",
                    "applications_close_on": "2025-04-15",
                    "preaudit_on": "2026-02-10",
                    "certification_audit_on": "2026-05-12",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=100)
    capacity: int = Field(ge=1, le=10_000)
    applications_open_on: date
    applications_close_on: date
    preaudit_on: date | None = None
    certification_audit_on: date | None = None


class CohortUpdate(PartialUpdate):
    name: str = left_out(min_length=1, max_length=100)
    capacity: int = left_out(ge=1, le=10_000)
    applications_open_on: date = left_out()
    applications_close_on: date = left_out()
    preaudit_on: date | None = None
    certification_audit_on: date | None = None


class CohortPublic(BaseModel):
    id: uuid.UUID
    name: str
    capacity: int
    seats_taken: int
    applications_open_on: date
    applications_close_on: date
    preaudit_on: date | None
    certification_audit_on: date | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: sa.Row) -> CohortPublic:
        m = dict(row._mapping)
        m.setdefault("seats_taken", 0)
        return cls.model_validate(m)


class CohortsPublic(Page[CohortPublic]):
    pass


class MonitorCreate(Input):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    user_subject: str | None = Field(None, description="the login id the monitor's identity carries")
    active: bool = True


class MonitorUpdate(PartialUpdate):
    name: str = left_out(min_length=1, max_length=200)
    email: str = left_out(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    user_subject: str | None = None
    active: bool = left_out()


class MonitorPublic(BaseModel):
    id: uuid.UUID
    name: str
    email: str
    user_subject: str | None
    active: bool
    participants: int = Field(description="participants it currently follows")

    @classmethod
    def from_row(cls, row: sa.Row) -> MonitorPublic:
        return cls.model_validate(dict(row._mapping))


class MonitorsPublic(Page[MonitorPublic]):
    pass


# --- applications ----------------------------------------------------------------------------


class ApplicationCreate(Input):
    ruc: str
    cohort_id: uuid.UUID


class SignatureIn(Input):
    name: str = Field(min_length=1, max_length=200, description="full name of the signer")
    dni: str = Field(pattern=r"^\d{8}$", description="must be the legal representative's DNI on record")


class ReasonIn(Input):
    reason: str | None = Field(None, max_length=2000)


class MonitorReassign(Input):
    monitor_id: uuid.UUID
    reason: str = Field(min_length=1, max_length=2000)


class CompanyRef(BaseModel):
    id: uuid.UUID
    ruc: str
    legal_name: str
    region: str
    women_led: bool


class CohortRef(BaseModel):
    id: uuid.UUID
    name: str


class MonitorRefPublic(BaseModel):
    id: uuid.UUID
    name: str
    email: str
    since: date


class SwornDeclarationPublic(BaseModel):
    accepted_by_subject: str
    accepted_by_name: str
    accepted_by_dni: str
    accepted_at: datetime


class EligibilitySummary(BaseModel):
    evaluated_at: datetime
    evaluated_on: date
    eligible: bool
    failed_rules: list[str]


class CertificationPublic(BaseModel):
    training_completed_at: datetime | None
    training_revoked_at: datetime | None
    preaudit_passed_at: datetime | None
    eligible_at: datetime | None


class ApplicationPublic(BaseModel):
    id: uuid.UUID = Field(description="also the participant_id once admitted")
    status: Status
    allowed_transitions: list[Status]
    company: CompanyRef
    cohort: CohortRef
    monitor: MonitorRefPublic | None
    sworn_declaration: SwornDeclarationPublic | None
    eligibility: EligibilitySummary | None
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_reason: str | None
    admitted_at: datetime | None
    commitment_issued_at: datetime | None
    commitment_signed_at: datetime | None
    signed_by_name: str | None
    activated_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    completed_at: datetime | None
    certification: CertificationPublic
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: sa.Row) -> ApplicationPublic:
        m = row._mapping
        report: dict[str, Any] | None = m["eligibility_report"]
        return cls(
            **{name: m[name] for name in cls.model_fields if name in m},
            allowed_transitions=allowed_from(Status(m["status"])),
            company=CompanyRef(
                id=m["company_id"],
                ruc=m["ruc"],
                legal_name=m["legal_name"],
                region=m["region"],
                women_led=m["women_led"],
            ),
            cohort=CohortRef(id=m["cohort_id"], name=m["cohort_name"]),
            monitor=MonitorRefPublic(
                id=m["monitor_id"], name=m["monitor_name"], email=m["monitor_email"], since=m["monitor_since"]
            )
            if m["monitor_id"]
            else None,
            sworn_declaration=SwornDeclarationPublic(
                accepted_by_subject=m["sworn_accepted_by_subject"],
                accepted_by_name=m["sworn_accepted_by_name"],
                accepted_by_dni=m["sworn_accepted_by_dni"],
                accepted_at=m["sworn_accepted_at"],
            )
            if m["sworn_accepted_at"]
            else None,
            eligibility=EligibilitySummary(
                evaluated_at=m["evaluated_at"],
                evaluated_on=report["evaluated_on"],
                eligible=report["eligible"],
                failed_rules=report["failed_rules"],
            )
            if report
            else None,
            certification=CertificationPublic(
                training_completed_at=m["training_completed_at"],
                training_revoked_at=m["training_revoked_at"],
                preaudit_passed_at=m["preaudit_passed_at"],
                eligible_at=m["certification_eligible_at"],
            ),
        )


class ApplicationsPublic(Page[ApplicationPublic]):
    pass


class RuleResultPublic(BaseModel):
    rule_id: str
    requirement: str = Field(description="the requirement of section V it checks (Spanish, as in the source)")
    passed: bool
    reason: str
    data: dict[str, Any] = Field(description="the data the rule looked at")


class EligibilityReportPublic(BaseModel):
    application_id: uuid.UUID
    ruc: str
    status: Status
    evaluated_on: date = Field(description="Lima date of this evaluation")
    eligible: bool
    failed_rules: list[str]
    rules: list[RuleResultPublic]


class TransitionPublic(BaseModel):
    from_status: Status | None
    to_status: Status
    at: datetime
    by_subject: str | None
    reason: str | None


class TransitionsPublic(BaseModel):
    data: list[TransitionPublic]


class AssignmentPublic(BaseModel):
    monitor_id: uuid.UUID
    monitor_name: str
    monitor_email: str
    from_on: date
    to_on: date | None
    reason: str
    assigned_by: str | None
    assigned_at: datetime

    @classmethod
    def from_row(cls, row: sa.Row) -> AssignmentPublic:
        m = row._mapping
        return cls(
            monitor_id=m["monitor_id"],
            monitor_name=m["name"],
            monitor_email=m["email"],
            from_on=m["from_on"],
            to_on=m["to_on"],
            reason=m["reason"],
            assigned_by=m["assigned_by"],
            assigned_at=m["assigned_at"],
        )


class AssignmentsPublic(BaseModel):
    data: list[AssignmentPublic]


class RegionStats(BaseModel):
    region: str
    circular_economy_node: bool
    companies: int
    women_led: int
    participants: int
    certification_eligible: int


class RegionReportPublic(BaseModel):
    data: list[RegionStats]
    circular_economy_nodes: list[RegionStats] = Field(description="Arequipa, La Libertad and Lima")
