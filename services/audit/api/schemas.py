"""Request and response schemas of the audit API (``XCreate`` / ``XUpdate`` / ``XPublic``).

Table rows are never response models: each ``*Public`` reads a row by attribute, and
the views of the handlers are mapped here, at the edge.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from services.audit.domain.calibration import Tally, compare
from services.audit.domain.dates import days_overdue
from services.audit.domain.findings import AuditResult
from services.audit.domain.levels import AspectTally, ImplementationStatus, overall_level
from services.audit.domain.lifecycles import (
    CertificateStatus,
    CertificationAuditStatus,
    MarkLicenceStatus,
    NonconformityStatus,
    PreauditStatus,
)
from shared.pagination import Page
from shared.partial import PartialUpdate
from shared.ruc import is_valid_ruc
from shared.schemas import Input

if TYPE_CHECKING:  # the handlers' views, mapped here; handlers take this module's request models
    from services.audit.handlers.calibration import CalibrationReport
    from services.audit.handlers.certificates import CertificateView
    from services.audit.handlers.nonconformities import NonconformityView
    from services.audit.handlers.preaudits import PreauditView
    from services.audit.handlers.reports import ImplementationReport
    from services.audit.handlers.self_assessments import SelfAssessmentView
    from services.audit.handlers.standards import StandardView

Text = Annotated[str, Field(min_length=1, max_length=5000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]
# A reason must say something: surrounding blanks are dropped before the length check.
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


BusinessDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


class RowModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


P = TypeVar("P", bound=Page[Any])


def page(model: type[P], rows_and_cursor: tuple[Sequence[Any], str | None]) -> P:
    """A handler's ``(rows, next_cursor)`` as the listing's response."""
    rows, next_cursor = rows_and_cursor
    return model.model_validate({"data": rows, "next_cursor": next_cursor})


# --- the standard ---------------------------------------------------------------------------
class StandardVersionPublic(RowModel):
    version: str = Field(examples=["0-draft"])
    title: str
    official: bool = Field(description="false for the shipped draft: it is not PROMPERÚ's official text")
    source: str
    notes: str | None
    is_current: bool = Field(description="new self-assessments and pre-audits use the current version")
    aspect_count: int = Field(examples=[8])
    requirement_count: int = Field(examples=[112])
    imported_by: str
    imported_at: datetime
    official_approved_by: str | None = Field(None, description="the admin who approved it as official")
    official_approved_at: datetime | None = None
    official_reason: str | None = None
    declared_aspect_count: int | None = Field(None, description="counts the admin approved, if not 8/112")
    declared_requirement_count: int | None = None


class OfficialCreate(Input):
    reason: Reason = Field(description="the source of the official text, the resolution, etc.")
    declared_aspect_count: int | None = Field(
        None, ge=1, le=100, description="only when the version does not have the programme's 8 aspects"
    )
    declared_requirement_count: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="only when the version does not have the programme's 112 requirements",
    )


class StandardVersionsPublic(Page[StandardVersionPublic]):
    pass


class AspectPublic(RowModel):
    code: str = Field(examples=["A3"])
    number: int
    name: str = Field(examples=["Agua"])
    description: str | None


class RequirementPublic(RowModel):
    code: str = Field(examples=["A3.R07"])
    aspect_code: str
    position: int
    text: str
    evidence_expected: str
    workshop: int = Field(ge=0, le=10, description="the workshop (Taller 0-10) that teaches it")


class StandardPublic(StandardVersionPublic):
    aspects: list[AspectPublic]
    requirements: list[RequirementPublic]

    @classmethod
    def of(cls, view: StandardView) -> StandardPublic:
        return cls.model_validate(
            StandardVersionPublic.model_validate(view.version).model_dump()
            | {
                "aspects": [AspectPublic.model_validate(a) for a in view.aspects],
                "requirements": [RequirementPublic.model_validate(r) for r in view.requirements],
            }
        )


# --- participants and the implementation report ----------------------------------------------
class ParticipantPublic(RowModel):
    participant_id: uuid.UUID
    company_id: uuid.UUID | None
    ruc: str
    legal_name: str
    cohort_id: uuid.UUID | None
    cohort_name: str | None
    monitor_id: uuid.UUID | None
    monitor_name: str | None
    admitted_at: datetime | None
    withdrawn_at: datetime | None
    eligible_at: datetime | None = Field(description="when enrollment declared it certification-eligible")
    training_completed_at: datetime | None = Field(None, description="from training.program.completed")
    assistance_visits: int | None = Field(
        None, description="technical-assistance visits heard from training (single-participant read only)"
    )


class ParticipantsPublic(Page[ParticipantPublic]):
    pass


class AspectLevelPublic(BaseModel):
    aspect_code: str
    requirements: int
    implemented: int
    partial: int
    not_implemented: int
    unanswered: int
    level: float = Field(description="percentage: implemented 1, partial 0.5, otherwise 0", examples=[62.5])

    @classmethod
    def of(cls, t: AspectTally) -> AspectLevelPublic:
        return cls(
            aspect_code=t.aspect_code,
            requirements=t.requirements,
            implemented=t.implemented,
            partial=t.partial,
            not_implemented=t.not_implemented,
            unanswered=t.unanswered,
            level=t.level,
        )


class AspectReportPublic(AspectLevelPublic):
    name: str
    conforming: int = Field(description="results of the latest pre-audit on this aspect")
    observations: int
    minor_nonconformities: int
    major_nonconformities: int


class PreauditRefPublic(BaseModel):
    id: uuid.UUID
    status: PreauditStatus
    audit_date: date


class ImplementationReportPublic(BaseModel):
    participant_id: uuid.UUID
    ruc: str
    legal_name: str
    standard_version: str
    self_assessment_id: uuid.UUID | None
    overall_level: float = Field(description="over all requirements of the version", examples=[48.2])
    preaudit: PreauditRefPublic | None = Field(description="the latest pre-audit against this version")
    aspects: list[AspectReportPublic]

    @classmethod
    def of(cls, report: ImplementationReport) -> ImplementationReportPublic:
        return cls(
            participant_id=report.participant_id,
            ruc=report.ruc,
            legal_name=report.legal_name,
            standard_version=report.standard_version,
            self_assessment_id=report.self_assessment_id,
            overall_level=report.overall_level,
            preaudit=PreauditRefPublic(**report.preaudit) if report.preaudit else None,
            aspects=[
                AspectReportPublic(
                    **AspectLevelPublic.of(line.tally).model_dump(),
                    name=line.name,
                    conforming=line.conforming,
                    observations=line.observations,
                    minor_nonconformities=line.minor,
                    major_nonconformities=line.major,
                )
                for line in report.aspects
            ],
        )


# --- self-assessment --------------------------------------------------------------------------
class SelfAssessmentCreate(Input):
    participant_id: uuid.UUID
    standard_version: str | None = Field(None, description="default: the current version")


class SelfAssessmentPublic(RowModel):
    id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    standard_version: str
    created_by: str
    created_at: datetime
    updated_at: datetime


class SelfAssessmentsPublic(Page[SelfAssessmentPublic]):
    pass


class AnswerUpdate(Input):
    requirement_code: str = Field(examples=["A3.R07"])
    status: ImplementationStatus
    note: str | None = Field(None, max_length=2000)


class AnswersUpdate(Input):
    answers: list[AnswerUpdate] = Field(min_length=1, max_length=500)


class AnswerPublic(RowModel):
    requirement_code: str
    status: ImplementationStatus
    note: str | None
    answered_by: str
    answered_at: datetime


class SelfAssessmentDetailPublic(SelfAssessmentPublic):
    overall_level: float
    aspects: list[AspectLevelPublic]
    answers: list[AnswerPublic]

    @classmethod
    def of(cls, view: SelfAssessmentView) -> SelfAssessmentDetailPublic:
        return cls(
            **SelfAssessmentPublic.model_validate(view.assessment).model_dump(),
            overall_level=overall_level(view.tallies),
            aspects=[AspectLevelPublic.of(t) for t in view.tallies],
            answers=[AnswerPublic.model_validate(a) for a in view.answers],
        )


class EvidencePublic(RowModel):
    id: uuid.UUID
    assessment_id: uuid.UUID
    requirement_code: str
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str = Field(description="hex SHA-256 of the content")
    uploaded_by: str
    uploaded_at: datetime


class EvidenceListPublic(Page[EvidencePublic]):
    pass


# --- pre-audit --------------------------------------------------------------------------------
class PreauditCreate(Input):
    participant_id: uuid.UUID
    audit_date: BusinessDate = Field(
        description="the pre-audit's date (Lima); remediation deadlines count from it"
    )
    standard_version: str | None = Field(None, description="default: the current version")
    remediation_days: int | None = Field(
        None, ge=1, le=365, description="calendar days to correct non-conformities (default from config, 30)"
    )
    auditor_name: str | None = Field(None, max_length=200)
    order_override_reason: Reason | None = Field(
        None,
        description="officer only: hold the pre-audit before training completion / technical assistance, "
        "with the reason (recorded)",
    )


class PreauditPublic(RowModel):
    id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    standard_version: str
    auditor: str
    auditor_name: str | None
    audit_date: date
    remediation_days: int
    status: PreauditStatus
    remediation_deadline: date | None
    conforming: int | None
    observations: int | None
    minor: int | None
    major: int | None
    created_at: datetime
    started_at: datetime | None
    concluded_at: datetime | None
    passed_at: datetime | None
    order_override_by: str | None = Field(None, description="the officer who overrode the programme order")
    order_override_reason: str | None = None
    order_override_at: datetime | None = None


class PreauditsPublic(Page[PreauditPublic]):
    pass


class ResultRecord(Input):
    requirement_code: str = Field(examples=["A5.R01"])
    result: AuditResult
    finding: str | None = Field(
        None, max_length=5000, description="required for observations and non-conformities"
    )


class ResultsRecord(Input):
    results: list[ResultRecord] = Field(min_length=1, max_length=500)


class ResultsRecordedPublic(BaseModel):
    preaudit_id: uuid.UUID
    received: int
    recorded: int = Field(description="results the pre-audit now has in total")


class ResultPublic(RowModel):
    requirement_code: str
    result: AuditResult
    finding: str | None
    recorded_at: datetime


class PreauditDetailPublic(PreauditPublic):
    results: list[ResultPublic]

    @classmethod
    def of(cls, view: PreauditView) -> PreauditDetailPublic:
        return cls(
            **PreauditPublic.model_validate(view.preaudit).model_dump(),
            results=[ResultPublic.model_validate(r) for r in view.results],
        )


# --- non-conformities ---------------------------------------------------------------------------
class NonconformityPublic(RowModel):
    id: uuid.UUID
    preaudit_id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    requirement_code: str
    severity: str = Field(examples=["minor"])
    finding: str
    deadline: date = Field(description="plazo para subsanar: pre-audit date + remediation days")
    status: NonconformityStatus
    created_at: datetime
    closed_at: datetime | None


class NonconformitiesPublic(Page[NonconformityPublic]):
    pass


class OverdueNonconformityPublic(NonconformityPublic):
    days_overdue: int


class OverdueReportPublic(BaseModel):
    as_of: date
    data: list[OverdueNonconformityPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, as_of: date, rows: Sequence[Any], next_cursor: str | None) -> OverdueReportPublic:
        data = [
            OverdueNonconformityPublic(
                **NonconformityPublic.model_validate(row).model_dump(),
                days_overdue=days_overdue(row.deadline, as_of),
            )
            for row in rows
        ]
        return cls(as_of=as_of, data=data, next_cursor=next_cursor)


class CorrectiveActionCreate(Input):
    description: Text = Field(examples=["Se elaboró e implementó el plan de manejo de residuos sólidos."])
    root_cause: str | None = Field(None, max_length=5000)


class CorrectiveActionPublic(RowModel):
    id: uuid.UUID
    root_cause: str | None
    description: str
    submitted_by: str
    submitted_at: datetime
    verdict: str | None = Field(description="accepted | rejected; null while awaiting verification")
    verified_by: str | None
    verification_note: str | None
    verified_at: datetime | None


class VerificationCreate(Input):
    accepted: bool = Field(description="true closes the non-conformity; false sends it back to the company")
    note: str | None = Field(None, max_length=5000)


class NonconformityDetailPublic(NonconformityPublic):
    corrective_actions: list[CorrectiveActionPublic]

    @classmethod
    def of(cls, view: NonconformityView) -> NonconformityDetailPublic:
        return cls(
            **NonconformityPublic.model_validate(view.nonconformity).model_dump(),
            corrective_actions=[CorrectiveActionPublic.model_validate(a) for a in view.actions],
        )


# --- certification bodies -------------------------------------------------------------------------
class BodyBase(Input):
    @field_validator("ruc", check_fields=False)
    @classmethod
    def _ruc(cls, value: str | None) -> str | None:
        if value is not None and not is_valid_ruc(value):
            raise ValueError("not a valid RUC (11 digits with SUNAT's check digit)")
        return value


class BodyCreate(BodyBase):
    name: ShortText = Field(examples=["Certificadora Andina S.A.C."])
    ruc: str = Field(examples=["20100070970"])
    authorisation_number: ShortText = Field(examples=["PROMPERU-OC-2025-003"])
    valid_from: BusinessDate
    valid_to: BusinessDate
    active: bool = True

    @model_validator(mode="after")
    def _validity(self) -> BodyCreate:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to must be on or after valid_from")
        return self


# A partial update's "left out" default (shared/partial.py) for a field that may not be null:
# None to pydantic, typed Any so the field keeps its non-null type for mypy.
LEFT_OUT: Any = None


class BodyUpdate(BodyBase, PartialUpdate):
    """Leave a field out to keep it; none of them may be null."""

    name: ShortText = LEFT_OUT
    ruc: str = LEFT_OUT
    authorisation_number: ShortText = LEFT_OUT
    valid_from: BusinessDate = LEFT_OUT
    valid_to: BusinessDate = LEFT_OUT
    active: bool = LEFT_OUT


class BodyPublic(RowModel):
    id: uuid.UUID
    name: str
    ruc: str
    authorisation_number: str
    valid_from: date
    valid_to: date
    active: bool
    created_at: datetime
    updated_at: datetime


class BodiesPublic(Page[BodyPublic]):
    pass


# --- certification audits -------------------------------------------------------------------------
class CertificationRequestCreate(Input):
    participant_id: uuid.UUID
    body_id: uuid.UUID = Field(description="the authorised body the organisation hired")
    organisation_pays: bool = Field(
        description="the organisation confirms it pays the body (section III.4: it requests, manages and pays)"
    )
    payment_reference: str | None = Field(None, max_length=200)
    fee_pen: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class PaymentRecord(Input):
    payment_reference: ShortText
    fee_pen: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    paid_on: BusinessDate


class AuditSchedule(Input):
    audit_date: BusinessDate


class AuditDecision(Input):
    approved: bool
    note: str | None = Field(None, max_length=5000)


class CertificationAuditPublic(RowModel):
    id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    body_id: uuid.UUID
    kind: str = Field(description="initial | renewal")
    renews_certificate_id: uuid.UUID | None
    standard_version: str
    status: CertificationAuditStatus
    requested_by: str
    requested_at: datetime
    payment_reference: str | None
    fee_pen: Decimal | None
    paid_on: date | None
    audit_date: date | None
    decision_note: str | None
    decided_by: str | None
    decided_at: datetime | None


class CertificationAuditsPublic(Page[CertificationAuditPublic]):
    pass


# --- certificates -------------------------------------------------------------------------------
class CertificatePublic(RowModel):
    id: uuid.UUID
    number: str = Field(examples=["BPE-2026-000123-C"])
    certification_audit_id: uuid.UUID
    participant_id: uuid.UUID
    company_id: uuid.UUID | None
    ruc: str
    holder_name: str
    body_id: uuid.UUID
    standard_version: str
    issued_on: date
    expires_on: date = Field(description="valid on every Lima date before this one")
    mark_use_until: date = Field(
        description="the right to use the certification mark ends with the certificate"
    )
    status: CertificateStatus
    status_reason: str | None
    status_changed_at: datetime | None
    supersedes_id: uuid.UUID | None


class CertificatesPublic(Page[CertificatePublic]):
    pass


class CertificateChangePublic(RowModel):
    from_status: str | None
    to_status: str
    reason: str | None
    changed_by: str
    changed_at: datetime
    kind: str = Field("transition", description="transition, or an admin's correction")


class CertificateDetailPublic(CertificatePublic):
    history: list[CertificateChangePublic]
    mark_licence: MarkLicencePublic | None = None
    mark_licence_history: list[CertificateChangePublic] = []

    @classmethod
    def of(cls, view: CertificateView) -> CertificateDetailPublic:
        return cls(
            **CertificatePublic.model_validate(view.certificate).model_dump(),
            history=[CertificateChangePublic.model_validate(h) for h in view.history],
            mark_licence=MarkLicencePublic.model_validate(view.licence) if view.licence is not None else None,
            mark_licence_history=[
                CertificateChangePublic.model_validate(h) for h in view.licence_history or []
            ],
        )


class CertificationDecisionPublic(BaseModel):
    audit: CertificationAuditPublic
    certificate: CertificatePublic | None = Field(description="issued when the audit is approved")


class ReasonCreate(Input):
    reason: Reason


class ReinstateCreate(Input):
    reason: Reason = Field(description="why the suspension ends (required: every transition says why)")


class CorrectionCreate(Input):
    to_status: CertificateStatus = Field(description="active, suspended, withdrawn or expired")
    reason: Reason = Field(description="why the earlier transition was wrong")


class MarkLicenceChangeCreate(Input):
    reason: Reason


class MarkLicencePublic(RowModel):
    id: uuid.UUID
    certificate_number: str
    granted_on: date
    valid_until: date
    status: MarkLicenceStatus = Field(description="granted | suspended | withdrawn | expired")
    status_reason: str | None
    status_changed_at: datetime
    status_changed_by: str


class ExpiryPassPublic(BaseModel):
    as_of: date
    expired: list[str] = Field(description="numbers of the certificates this pass expired")


# --- calibration (issue 14) ---------------------------------------------------------------------
class CalibrationTallyPublic(BaseModel):
    compared: int = Field(description="requirements with a pre-audit result")
    agrees: int
    over_rated: int = Field(description="the company rated itself higher than the pre-audit found")
    under_rated: int
    over_rate: float = Field(description="over_rated / compared, in %")
    participants_over_rating: int = Field(description="companies that over-rated it")

    @classmethod
    def of(cls, t: Tally) -> CalibrationTallyPublic:
        return cls(
            compared=t.compared,
            agrees=t.agrees,
            over_rated=t.over_rated,
            under_rated=t.under_rated,
            over_rate=t.over_rate,
            participants_over_rating=len(t.participants_over),
        )


class CalibrationRequirementPublic(CalibrationTallyPublic):
    code: str
    aspect_code: str
    text: str


class CalibrationAspectPublic(CalibrationTallyPublic):
    aspect_code: str


class CalibrationLinePublic(BaseModel):
    participant_id: uuid.UUID
    requirement_code: str
    aspect_code: str
    self_assessment: str | None = Field(
        description="implemented | partial | not_implemented | null (unanswered)"
    )
    preaudit_result: str
    calibration: str = Field(description="agrees | over_rated | under_rated")


class CalibrationParticipantPublic(BaseModel):
    participant_id: uuid.UUID
    ruc: str
    legal_name: str
    compared: int
    over_rated: int
    under_rated: int
    over_rate: float


class CalibrationReportPublic(BaseModel):
    participants: list[CalibrationParticipantPublic] = Field(description="most over-rating first")
    aspects: list[CalibrationAspectPublic]
    requirements: list[CalibrationRequirementPublic] = Field(description="most over-rated first")
    monitor_focus: list[str] = Field(
        description="requirements a monitor should look at: over-rated by at least 20 % of the comparisons"
    )
    lines: list[CalibrationLinePublic] | None = Field(
        None, description="per requirement (one participant only)"
    )

    @classmethod
    def of(cls, report: CalibrationReport, *, with_lines: bool) -> CalibrationReportPublic:
        aspect_of = {r.code: r.aspect_code for r in report.rows}
        requirements = sorted(
            report.by_requirement.items(), key=lambda kv: (-kv[1].over_rate, -kv[1].over_rated, kv[0])
        )
        return cls(
            participants=[CalibrationParticipantPublic.model_validate(p) for p in report.participants],
            aspects=[
                CalibrationAspectPublic(aspect_code=code, **CalibrationTallyPublic.of(t).model_dump())
                for code, t in sorted(report.by_aspect.items())
            ],
            requirements=[
                CalibrationRequirementPublic(
                    code=code,
                    aspect_code=aspect_of[code],
                    text=report.texts[code],
                    **CalibrationTallyPublic.of(t).model_dump(),
                )
                for code, t in requirements
            ],
            monitor_focus=report.focus,
            lines=[
                CalibrationLinePublic(
                    participant_id=r.participant_id,
                    requirement_code=r.code,
                    aspect_code=r.aspect_code,
                    self_assessment=r.self_status,
                    preaudit_result=r.result,
                    calibration=compare(r.self_status, r.result),
                )
                for r in report.rows
            ]
            if with_lines
            else None,
        )
