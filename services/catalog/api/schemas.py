"""Request and response schemas of the catalog API (``XCreate / XUpdate / XPublic``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.catalog.domain.certificates import VerificationStatus
from services.catalog.domain.savings import Resource
from services.catalog.domain.stories import StoryStatus
from services.catalog.domain.verification import MarkStatus
from shared.pagination import Page
from shared.partial import PartialUpdate, left_out

# --- catalogue ---------------------------------------------------------------------------


class CertificatePublic(BaseModel):
    number: str
    status: VerificationStatus
    issued_on: date
    expires_on: date
    body_name: str | None = Field(None, description="certification body that issued it")
    mark_licence: MarkStatus | None = Field(
        None, description="the right to use the mark today: granted | suspended | withdrawn | expired"
    )


class OrganisationPublic(BaseModel):
    ruc: str
    name: str
    legal_name: str | None
    trade_name: str | None
    region: str | None
    ciiu_code: str | None
    size_class: str | None
    women_led: bool
    website: str | None
    products: list[str]
    certificate: CertificatePublic


OrganisationsPublic = Page[OrganisationPublic]


class ScopePublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    standard: str = Field(description="what is certified")
    standard_version: str | None
    certification_body: str | None = Field(description="the third party that audited it")


class MarkLicencePublic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: MarkStatus = Field(
        description="granted | suspended | withdrawn | expired (never beyond the certificate)"
    )
    valid_until: date | None


class VerificationPublic(BaseModel):
    """Exactly what a buyer may learn from a certificate number, and nothing else."""

    model_config = ConfigDict(extra="forbid")

    certificate_number: str = Field(description="the number as read, in its canonical form")
    status: VerificationStatus
    status_since: date | None = Field(description="the Lima date the status took effect")
    holder_name: str | None
    scope: ScopePublic | None
    issued_on: date | None
    expires_on: date | None
    mark_licence: MarkLicencePublic | None


# --- circularity calculator --------------------------------------------------------------


class MciCreate(BaseModel):
    """Inputs of the Material Circularity Indicator (fractions of the product's mass)."""

    model_config = ConfigDict(allow_inf_nan=False)

    recycled_feedstock: float = Field(ge=0, le=1, description="F_R: fraction of feedstock from recycling")
    reused_feedstock: float = Field(ge=0, le=1, description="F_U: fraction from reused sources")
    collected_for_recycling: float = Field(ge=0, le=1, description="C_R: fraction collected for recycling")
    collected_for_reuse: float = Field(ge=0, le=1, description="C_U: fraction going into component reuse")
    feedstock_recycling_efficiency: float = Field(
        ge=0, le=1, description="E_F: efficiency of the recycling that made the recycled feedstock"
    )
    collection_recycling_efficiency: float = Field(
        ge=0, le=1, description="E_C: efficiency of recycling the collected product"
    )
    lifetime: float = Field(gt=0, description="L: the product's lifetime")
    average_lifetime: float = Field(gt=0, description="L_av: industry-average lifetime (same unit)")
    functional_units: float = Field(1.0, gt=0, description="U: functional units over the use phase")
    average_functional_units: float = Field(1.0, gt=0, description="U_av: industry average")
    mass: float = Field(1.0, gt=0, description="M: product mass (kg); the indicator does not depend on it")


class MciPublic(BaseModel):
    mass: float
    virgin_feedstock: float = Field(description="V = M(1 - F_R - F_U)")
    linear_waste: float = Field(description="W_0 = M(1 - C_R - C_U)")
    feedstock_recycling_waste: float = Field(description="W_F = M(1 - E_F) F_R / E_F")
    collection_recycling_waste: float = Field(description="W_C = M(1 - E_C) C_R")
    unrecoverable_waste: float = Field(description="W = W_0 + (W_F + W_C)/2")
    linear_flow_index: float = Field(description="LFI = (V + W) / (2M + (W_F - W_C)/2)")
    utility: float = Field(description="X = (L/L_av)(U/U_av)")
    utility_factor: float = Field(description="F(X) = 0.9/X")
    mci: float = Field(description="MCI = max(0, 1 - LFI F(X))")
    methodology: str


# --- knowledge hub: resources ----------------------------------------------------------------


class ResourceKind(StrEnum):
    micro_course = "micro_course"
    guide = "guide"
    methodology = "methodology"
    tool = "tool"


Slug = Field(min_length=3, max_length=120, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")


class ResourceBase(BaseModel):
    kind: ResourceKind
    title: str = Field(min_length=3, max_length=300)
    summary: str = Field(min_length=3, max_length=4000)
    body: str | None = Field(None, max_length=100_000)
    url: str | None = Field(None, max_length=2000)
    tags: list[str] = Field(default_factory=list, max_length=30)
    audiences: list[str] = Field(default_factory=list, max_length=10)
    entity_type: Literal["public", "private"] | None = None
    accompaniment_depth: Literal["basic", "deep"] | None = None
    source: str | None = Field(None, max_length=1000)


class ResourceCreate(ResourceBase):
    slug: str = Slug


class ResourceUpdate(PartialUpdate):
    kind: ResourceKind = left_out()
    title: str = left_out(min_length=3, max_length=300)
    summary: str = left_out(min_length=3, max_length=4000)
    body: str | None = Field(None, max_length=100_000)
    url: str | None = Field(None, max_length=2000)
    tags: list[str] = left_out(max_length=30)
    audiences: list[str] = left_out(max_length=10)
    entity_type: Literal["public", "private"] | None = None
    accompaniment_depth: Literal["basic", "deep"] | None = None
    source: str | None = Field(None, max_length=1000)


class ResourcePublic(ResourceBase):
    resource_id: uuid.UUID
    slug: str
    created_at: datetime
    updated_at: datetime


ResourcesPublic = Page[ResourcePublic]


class EmissionFactorPublic(BaseModel):
    code: str
    version: str
    resource: Resource
    name_es: str
    factor: Decimal
    unit: str
    activity_unit: str
    source: str
    valid_from: date
    is_default: bool
    verified: bool = Field(description="false until checked against the cited publication's table")
    note: str | None


class EmissionFactorsPublic(BaseModel):
    data: list[EmissionFactorPublic]


# --- knowledge hub: success stories ----------------------------------------------------------


class ResourceFiguresIn(BaseModel):
    """One resource's yearly consumption before and after the measure, and its unit price."""

    baseline: Decimal = Field(ge=0, max_digits=14, decimal_places=4, description="per year, before")
    after: Decimal = Field(ge=0, max_digits=14, decimal_places=4, description="per year, after")
    unit_price: Decimal = Field(ge=0, max_digits=12, decimal_places=4, description="S/ per kWh, m³ or kg")


class StoryFigures(BaseModel):
    energy: ResourceFiguresIn | None = Field(None, description="kWh per year")
    water: ResourceFiguresIn | None = Field(None, description="m³ per year")
    raw_material: ResourceFiguresIn | None = Field(None, description="kg per year")
    waste: ResourceFiguresIn | None = Field(None, description="kg per year")

    @model_validator(mode="after")
    def _at_least_one(self) -> StoryFigures:
        if not any((self.energy, self.water, self.raw_material, self.waste)):
            raise ValueError("give the figures of at least one resource (energy, water, raw_material, waste)")
        return self


class SuccessStoryCreate(BaseModel):
    ruc: str = Field(pattern=r"^\d{11}$")
    company_name: str = Field(min_length=2, max_length=300)
    title: str = Field(min_length=3, max_length=300)
    measure: str = Field(min_length=3, max_length=10_000)
    figures: StoryFigures
    investment: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="S/")
    factor_codes: dict[Resource, str] = Field(
        default_factory=dict,
        description="emission factor code per resource; the table's default is used where omitted",
    )


class SuccessStoryUpdate(PartialUpdate):
    title: str = left_out(min_length=3, max_length=300)
    measure: str = left_out(min_length=3, max_length=10_000)
    figures: StoryFigures = left_out()
    investment: Decimal = left_out(ge=0, max_digits=14, decimal_places=2)
    factor_codes: dict[Resource, str] = left_out()


class StoryReview(BaseModel):
    decision: Literal["publish", "reject"]
    note: str | None = Field(None, max_length=4000, description="required when rejecting")


class ResourceSavingPublic(BaseModel):
    resource: Resource
    unit: str
    baseline: Decimal
    after: Decimal
    unit_price: Decimal
    saved_quantity: Decimal
    annual_savings: Decimal = Field(description="S/ per year")
    emission_factor: Decimal | None = Field(description="kg CO2e per unit")
    co2e_avoided_kg: Decimal | None = Field(description="kg CO2e per year")


class FactorUsedPublic(BaseModel):
    resource: Resource
    code: str
    version: str
    factor: Decimal
    unit: str
    source: str
    verified: bool


class SuccessStoryPublic(BaseModel):
    story_id: uuid.UUID
    ruc: str
    company_name: str
    title: str
    measure: str
    status: StoryStatus
    investment: Decimal = Field(description="S/")
    annual_savings: Decimal = Field(description="S/ per year")
    payback_months: Decimal | None = Field(description="investment / (annual savings / 12); null: never")
    co2e_avoided_kg: Decimal = Field(description="kg CO2e per year")
    resources: list[ResourceSavingPublic]
    factors: list[FactorUsedPublic]
    review_note: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None


SuccessStoriesPublic = Page[SuccessStoryPublic]


# --- indicators ------------------------------------------------------------------------------


class CohortIndicators(BaseModel):
    cohort_id: uuid.UUID
    cohort_name: str | None
    totals: dict[str, int]


class IndicatorsPublic(BaseModel):
    as_of: date | None
    cohort_id: uuid.UUID | None
    totals: dict[str, int]
    cohorts: list[CohortIndicators]


class PeriodPublic(BaseModel):
    period: str
    starts_on: date
    new: dict[str, int]
    cumulative: dict[str, int]


class TimeseriesPublic(BaseModel):
    granularity: str
    from_: date = Field(alias="from")
    to: date
    cohort_id: uuid.UUID | None
    indicators: list[str]
    periods: list[PeriodPublic]

    model_config = ConfigDict(populate_by_name=True)
