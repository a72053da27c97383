"""Request and response schemas of the circular API (``XCreate / XUpdate / XPublic``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.circular.domain.journeys import JourneyStatus, Resource
from services.circular.domain.reference import (
    ActivityKind,
    CompanySize,
    Depth,
    EntityType,
    Gender,
    Methodology,
    Node,
    OrganiserKind,
    TraineeKind,
)
from shared.pagination import Page
from shared.schemas import Input

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Cell = Annotated[str, StringConstraints(max_length=200)]


class PublicModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- reference ----------------------------------------------------------------------------


class NodePublic(PublicModel):
    code: Node
    name: str


class MethodologyPublic(PublicModel):
    code: Methodology
    name_es: str
    entity_type: EntityType = Field(description="who offers it: a public or a private entity")
    depth: Depth = Field(description="how deep the accompaniment of the company goes")
    named_in_source: bool = Field(
        description="true when the GIZ/PRODUCE document names it (only ecocanvas); the others are named "
        "by their place on the document's two axes"
    )
    summary: str


class ActivityKindPublic(PublicModel):
    code: ActivityKind
    name_es: str


class ReferencePublic(PublicModel):
    nodes: list[NodePublic]
    methodologies: list[MethodologyPublic]
    activity_kinds: list[ActivityKindPublic]


# --- activities -----------------------------------------------------------------------------


class AttendeeIn(Input):
    """One row of an attendance list, as a sheet's row: a person of a company, a company whose
    people did not sign, or a person without a company. Checked by the same rules as a sheet
    (`line` in errors is the position in `attendees`, from 1)."""

    ruc: Cell = ""
    legal_name: Cell = ""
    size: CompanySize | None = None
    manufacturing: bool | None = None
    women_led: bool | None = None
    full_name: Cell = ""
    gender: Gender = Gender.not_stated
    role: Cell = ""


class ActivityCreate(Input):
    kind: ActivityKind
    title: Text
    held_on: date
    node: Node = Field(description="the Commission's regional node whose territory the activity belongs to")
    organiser_kind: OrganiserKind = Field(description="held by the node itself or by a partner")
    organiser: Text = Field(description="who held it: the node, a CITE, a chamber, a university...")
    methodology: Methodology | None = Field(
        None,
        description="the training methodology applied; a micro-course cohort defaults to public_awareness",
    )
    place: Text | None = None
    external_ref: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None
    ) = Field(None, description="the organiser's own reference: unique per organiser (409 when repeated)")
    attendees: list[AttendeeIn] = Field(default_factory=list, max_length=5000)


class ActivityPublic(PublicModel):
    id: uuid.UUID
    kind: ActivityKind
    title: str
    held_on: date
    node: Node
    organiser_kind: OrganiserKind
    organiser: str
    methodology: Methodology | None
    place: str | None
    external_ref: str | None
    created_at: datetime
    updated_at: datetime


class ActivityDetailPublic(ActivityPublic):
    companies: int = Field(description="distinct companies that attended")
    people: int = Field(description="people who signed")
    women: int = Field(description="of them, women (as the sheet states gender)")


ActivitiesPublic = Page[ActivityPublic]


class AttendingCompanyPublic(PublicModel):
    ruc: str
    legal_name: str | None
    size: CompanySize | None
    manufacturing: bool | None
    women_led: bool | None


class AttendingPersonPublic(PublicModel):
    id: uuid.UUID
    full_name: str
    gender: Gender
    role: str | None
    ruc: str | None


class AttendancePublic(PublicModel):
    activity_id: uuid.UUID
    companies: list[AttendingCompanyPublic]
    people: list[AttendingPersonPublic]


class AttendanceListIn(Input):
    attendees: list[AttendeeIn] = Field(min_length=1, max_length=5000)


class AttendanceImportPublic(PublicModel):
    activity_id: uuid.UUID
    rows_read: int
    companies_added: int = Field(description="companies new to this activity")
    people_added: int = Field(description="people new to this activity")
    companies_removed: int = Field(description="replace mode: companies no longer on the sheet")
    people_removed: int = Field(description="replace mode: people no longer on the sheet")
    companies: int = Field(description="the activity's companies after the import")
    people: int
    women: int
    columns: dict[str, str] = Field(description="which header of the sheet was read as which field")
    ignored_columns: list[str] = Field(
        description="headers not read (e-mail, phone, signature...: not stored)"
    )


# --- people trained -------------------------------------------------------------------------

Dni = Annotated[str, StringConstraints(pattern=r"^\d{8}$")]


class TraineeIn(Input):
    full_name: Text
    dni: Dni | None = Field(None, description="shown on the certificate when given")
    gender: Gender = Gender.not_stated
    kind: TraineeKind = Field(description="specialist (e.g. CITE staff) or public official")
    institution: Text = Field(description="e.g. CITEccal Lima, PRODUCE, Gobierno Regional de Arequipa")
    hours_attended: Decimal = Field(ge=0, le=1000, max_digits=6, decimal_places=1)


class TrainingCreate(Input):
    methodology: Methodology
    title: Text
    node: Node | None = Field(None, description="the node that held it; none for a national training")
    organiser: Text
    starts_on: date
    ends_on: date
    hours: Decimal = Field(gt=0, le=1000, max_digits=6, decimal_places=1)
    min_share: Decimal = Field(
        Decimal("0.80"),
        gt=0,
        le=1,
        max_digits=3,
        decimal_places=2,
        description="share of the hours a trainee attends to count as trained and get a certificate",
    )
    trainees: list[TraineeIn] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _dates(self) -> TrainingCreate:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class TraineesIn(Input):
    trainees: list[TraineeIn] = Field(min_length=1, max_length=500)


class TraineePublic(PublicModel):
    id: uuid.UUID
    full_name: str
    dni: str | None
    gender: Gender
    kind: TraineeKind
    institution: str
    hours_attended: Decimal
    trained: bool = Field(description="attended at least the training's min_share of its hours")


class TrainingPublic(PublicModel):
    id: uuid.UUID
    methodology: Methodology
    title: str
    node: Node | None
    organiser: str
    starts_on: date
    ends_on: date
    hours: Decimal
    min_share: Decimal
    created_at: datetime


class TrainingDetailPublic(TrainingPublic):
    trainees: list[TraineePublic]


TrainingsPublic = Page[TrainingPublic]


# --- indicators -----------------------------------------------------------------------------


class CellPublic(PublicModel):
    group: str = Field(
        description="a node, methodology, kind, gender code, or a period (2024-03, 2024-Q1, 2024)"
    )
    value: int | None = Field(description="null when withheld (public answers: small cells)")
    suppressed: bool = False


class FigurePublic(BaseModel):
    name: str
    label_es: str
    unit: str
    definition: str
    definition_es: str
    source: str = Field(description="the GIZ/PRODUCE report's wording this figure reproduces (empty: none)")
    applicable: bool = Field(description="false when a filter asked for does not apply to this figure")
    total: int | None
    groups: list[CellPublic] | None = Field(
        description="the breakdown asked for (group_by), if the figure has it"
    )
    note: str | None = None


class IndicatorFilters(BaseModel):
    node: Node | None = None
    methodology: Methodology | None = None
    activity_kind: ActivityKind | None = None
    trainee_kind: TraineeKind | None = None


class IndicatorReportPublic(BaseModel):
    as_of: date
    from_: date | None = Field(None, alias="from", serialization_alias="from")
    group_by: str | None
    period: str
    filters: IndicatorFilters
    rules: str = Field(description="the counting rules every figure follows")
    figures: list[FigurePublic]

    model_config = ConfigDict(populate_by_name=True)


class HubFigurePublic(BaseModel):
    name: str
    label_es: str
    definition_es: str
    definition: str
    total: int
    by_node: list[CellPublic]


class HubFiguresPublic(BaseModel):
    as_of: date
    small_cell_threshold: int = Field(description="breakdown cells from 1 to this minus one are withheld")
    suppression: str = Field(description="why and how cells are withheld")
    figures: list[HubFigurePublic]


# --- the WhatsApp micro-course (h8) ------------------------------------------------------------


class MicrocourseReceipt(PublicModel):
    message_id: str = Field(description="the webhook-id header")
    outcome: Literal["applied", "duplicate", "ignored"] = Field(
        description="applied: the fact was recorded; duplicate: this message id was seen before and "
        "nothing changed; ignored: a message type this service does not read (recorded as seen)"
    )


class LearnerPublic(PublicModel):
    id: uuid.UUID
    phone: str = Field(description="the last four digits only (•••• 4321): the number is not kept")
    node: Node | None = Field(description="null: another region, or not stated")
    gender: Gender
    company_ruc: str | None
    enrolled_on: date
    modules_completed: list[int]
    completed_on: date | None


class LearnersPublic(PublicModel):
    data: list[LearnerPublic]
    next_cursor: str | None


class RowErrorPublic(PublicModel):
    field: str
    message: str


class RejectedRowPublic(PublicModel):
    line: int = Field(description="the spreadsheet's line (the header is line 1)")
    errors: list[RowErrorPublic]


class MicrocourseImportPublic(PublicModel):
    rows: int = Field(description="non-blank rows read")
    new_learners: int
    updated_learners: int = Field(
        description="learners already known (by their number) whose facts were merged"
    )
    rejected: list[RejectedRowPublic]


class ReachCount(PublicModel):
    enrolled: int
    completed: int


class ReachByNode(ReachCount):
    node: Node | None = Field(description="null: sin nodo (another region or not stated)")


class ReachByGender(ReachCount):
    gender: Gender


class ReachByNodeGender(ReachCount):
    node: Node | None
    gender: Gender


class MicrocourseReachPublic(PublicModel):
    since: date | None = Field(description="first enrolment date counted (null: since the start)")
    as_of: date = Field(description="last date counted, enrolments and completions alike (Lima dates)")
    total: ReachCount
    by_node: list[ReachByNode]
    by_gender: list[ReachByGender]
    by_node_gender: list[ReachByNodeGender]
    definitions: dict[str, str]


# --- transition journeys (h8) ------------------------------------------------------------------

Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]


class MciIn(BaseModel):
    """The calculator's inputs (the hub's circularity calculator, shared/mci.py)."""

    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")

    recycled_feedstock: float = Field(ge=0, le=1, description="F_R: fraction of feedstock from recycling")
    reused_feedstock: float = Field(ge=0, le=1, description="F_U: fraction from reused sources")
    collected_for_recycling: float = Field(ge=0, le=1, description="C_R: fraction collected for recycling")
    collected_for_reuse: float = Field(ge=0, le=1, description="C_U: fraction going into component reuse")
    feedstock_recycling_efficiency: float = Field(ge=0, le=1, description="E_F")
    collection_recycling_efficiency: float = Field(ge=0, le=1, description="E_C")
    lifetime: float = Field(gt=0, description="L: the product's lifetime")
    average_lifetime: float = Field(gt=0, description="L_av: industry-average lifetime (same unit)")
    functional_units: float = Field(1.0, gt=0, description="U")
    average_functional_units: float = Field(1.0, gt=0, description="U_av")
    mass: float = Field(1.0, gt=0, description="M: product mass (kg)")


class CommitmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    baseline: Amount = Field(description="yearly consumption before the measure (kWh, m3 or kg)")
    expected: Amount = Field(description="yearly consumption expected after it")
    unit_price: Amount = Field(description="S/ per unit")


class JourneyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "company_ruc": "20100070970",
                "company_name": "Textiles del Misti S.A.C.",
                "women_led": True,
                "node": "arequipa",
                "started_on": "2026-04-15",
                "title": "Secado solar del café",
                "measure": "Reemplazo del secador eléctrico por un secador solar con respaldo.",
                "methodology": "ecocanvas",
                "mci": {
                    "recycled_feedstock": 0.1,
                    "reused_feedstock": 0,
                    "collected_for_recycling": 0.2,
                    "collected_for_reuse": 0,
                    "feedstock_recycling_efficiency": 0.8,
                    "collection_recycling_efficiency": 0.8,
                    "lifetime": 5,
                    "average_lifetime": 5,
                },
                "resources": {"energy": {"baseline": 12000, "expected": 7000, "unit_price": 0.6}},
                "investment": 9000,
            }
        },
    )

    company_ruc: str = Field(pattern=r"^\d{11}$")
    company_name: str = Field(min_length=1, max_length=300)
    women_led: bool = Field(description="the company is led by a woman (GIZ's 'dirigidas por mujeres')")
    node: Node | None = Field(None, description="the node accompanying the company; null: none")
    started_on: date | None = Field(None, description="the day the company committed; default today (Lima)")
    title: str = Field(min_length=1, max_length=200)
    measure: str = Field(min_length=1, max_length=4000)
    methodology: Methodology | None = None
    mci: MciIn = Field(description="the product's baseline MCI inputs; the indicator is computed and kept")
    resources: dict[Resource, CommitmentIn] = Field(min_length=1)
    investment: Amount


class FollowUpCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "measured_on": "2026-09-30",
                "measured": {"energy": 7400},
                "note": "Secador solar operando desde julio; consumo anualizado de julio a septiembre.",
            }
        },
    )

    measured_on: date
    measured: dict[Resource, Amount] = Field(
        min_length=1, description="yearly consumption measured after the measure, per committed resource"
    )
    mci: MciIn | None = Field(None, description="the product's MCI inputs now, when re-assessed")
    note: str | None = Field(None, max_length=4000)


class JourneyFinish(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"finished_on": "2026-10-01"}})

    finished_on: date | None = Field(None, description="default today (Lima)")


class JourneyAbandon(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"abandoned_on": "2026-06-15", "reason": "La empresa cerró la línea de secado."}
        },
    )

    abandoned_on: date | None = Field(None, description="default today (Lima)")
    reason: str = Field(min_length=1, max_length=2000)


class CommitmentPublic(PublicModel):
    baseline: Decimal
    expected: Decimal
    unit_price: Decimal


class FollowUpPublic(PublicModel):
    id: uuid.UUID
    measured_on: date
    measured: dict[Resource, Decimal]
    mci: float | None
    note: str | None
    recorded_at: datetime


class StoryFigurePublic(PublicModel):
    resource: Resource
    unit: str
    baseline: Decimal
    after: Decimal
    unit_price: Decimal
    baseline_source: str = Field(description="where the baseline comes from in this service's data")
    after_source: str = Field(description="the follow-up that measured the result")
    measured_on: date


class JourneyPublic(PublicModel):
    id: uuid.UUID
    company_ruc: str
    company_name: str
    women_led: bool
    node: Node | None
    status: JourneyStatus
    started_on: date
    title: str
    measure: str
    methodology: Methodology | None
    mci_baseline: float = Field(
        description="the MCI computed from the baseline inputs when the company committed"
    )
    mci_inputs: dict[str, float]
    mci_latest: float | None = Field(description="the MCI of the latest follow-up that re-assessed it")
    resources: dict[Resource, CommitmentPublic]
    investment: Decimal
    expected_annual_savings: Decimal = Field(
        description="S/ per year: sum of (baseline - expected) x unit price"
    )
    follow_ups: list[FollowUpPublic]
    finished_on: date | None
    abandoned_on: date | None
    abandon_reason: str | None
    story_figures: list[StoryFigurePublic] | None = Field(
        description="finished journeys: the figures the draft success story was made from, with their sources"
    )


class JourneySummaryPublic(PublicModel):
    id: uuid.UUID
    company_ruc: str
    company_name: str
    women_led: bool
    node: Node | None
    status: JourneyStatus
    started_on: date
    title: str
    mci_baseline: float
    expected_annual_savings: Decimal


class JourneysPublic(PublicModel):
    data: list[JourneySummaryPublic]
    next_cursor: str | None
