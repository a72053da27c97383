"""Request and response schemas of the circular API (``XCreate / XUpdate / XPublic``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

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


class AttendeeIn(BaseModel):
    """One row of an attendance list, as a sheet's row: a person of a company, a company whose
    people did not sign, or a person without a company. Checked by the same rules as a sheet
    (`line` in errors is the position in `attendees`, from 1)."""

    model_config = ConfigDict(extra="forbid")

    ruc: Cell = ""
    legal_name: Cell = ""
    size: CompanySize | None = None
    manufacturing: bool | None = None
    women_led: bool | None = None
    full_name: Cell = ""
    gender: Gender = Gender.not_stated
    role: Cell = ""


class ActivityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class AttendanceListIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class TraineeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: Text
    dni: Dni | None = Field(None, description="shown on the certificate when given")
    gender: Gender = Gender.not_stated
    kind: TraineeKind = Field(description="specialist (e.g. CITE staff) or public official")
    institution: Text = Field(description="e.g. CITEccal Lima, PRODUCE, Gobierno Regional de Arequipa")
    hours_attended: Decimal = Field(ge=0, le=1000, max_digits=6, decimal_places=1)


class TrainingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class TraineesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
