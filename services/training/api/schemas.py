"""Request and response schemas of the training API (``XCreate / XUpdate / XPublic``).

Request bodies are ``shared.schemas.Input`` (no NUL, no unknown field; PATCH bodies a
``PartialUpdate``). Times: requests may send an offset or a naive time, which is read as Lima time;
responses always show Lima time (``-05:00``), the programme's time zone.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import orjson
import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from services.training.db.repositories import MatrixPage
from services.training.domain.assistance import AssistanceMode
from services.training.domain.attendees import Gender
from services.training.domain.cohorts import CohortSettings
from services.training.domain.curriculum import WORKSHOP_NUMBERS
from services.training.domain.presence import share
from services.training.domain.sessions import DeliveryMode, Session
from shared.clock import LIMA
from shared.pagination import Page
from shared.partial import PartialUpdate, left_out
from shared.schemas import Input


def _assume_lima(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=LIMA)


LimaInput = Annotated[datetime, AfterValidator(_assume_lima)]
LimaTime = Annotated[
    datetime, PlainSerializer(lambda v: v.astimezone(LIMA).isoformat(), return_type=str, when_used="json")
]


class PublicModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _values(source: Any) -> dict[str, Any]:
    """A row's or a dataclass's fields by name."""
    return dict(source._mapping) if isinstance(source, sa.Row) else dict(vars(source))


# --- curriculum and cohorts -------------------------------------------------------------


class WorkshopPublic(PublicModel):
    number: int
    code: str
    title_es: str
    title_en: str
    duration_minutes: int | None = Field(description="null where the programme document gives none")


class CurriculumPublic(BaseModel):
    curriculum_version: str
    default_mandatory_workshops: list[int]
    default_min_attendance_share: float
    workshops: list[WorkshopPublic]


class CohortSettingsPublic(PublicModel):
    cohort_id: uuid.UUID
    cohort_name: str
    mandatory_workshops: list[int]
    min_attendance_share: float
    workshop_durations: dict[int, int] = Field(description="minutes per workshop set for this cohort")
    participants: int | None = None
    updated_at: LimaTime
    updated_by: str | None


class CohortsPublic(Page[CohortSettingsPublic]):
    pass


class CohortSettingsUpdate(PartialUpdate):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"mandatory_workshops": [1, 2, 3, 4, 5, 6, 7, 8, 9], "min_attendance_share": 0.8}]
        }
    )
    mandatory_workshops: list[int] = left_out(max_length=11)
    min_attendance_share: Decimal = left_out(ge=Decimal("0.1"), le=1, decimal_places=3)
    workshop_durations: dict[int, int] = left_out(description="workshop number -> minutes")


# --- sessions -----------------------------------------------------------------------------


class SessionCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cohort_id": "0b8f3c1e-8a6e-4f57-9a0b-2f0d3a1c9e11",
                    "workshop_number": 3,
                    "starts_at": "2025-04-08T09:00:00",
                    "mode": "virtual",
                    "link": "https://zoom.us/j/123456789",
                    "trainer": "Ing. Rosa Quispe",
                    "capacity": 120,
                }
            ]
        }
    )
    cohort_id: uuid.UUID
    workshop_number: int = Field(ge=0, le=10)
    starts_at: LimaInput = Field(description="Lima time when no offset is given")
    duration_minutes: int | None = Field(
        None, ge=1, le=720, description="default: the cohort's, else the curriculum's"
    )
    ends_at: LimaInput | None = Field(None, description="alternative to duration_minutes")
    mode: DeliveryMode
    venue: str | None = Field(None, max_length=300)
    link: str | None = Field(None, max_length=500)
    trainer: str | None = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=1, le=100_000)


class SessionReschedule(PartialUpdate):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"starts_at": "2025-04-15T09:00:00", "duration_minutes": 150}]}
    )
    starts_at: LimaInput = left_out()
    duration_minutes: int = left_out(ge=1, le=720)
    ends_at: LimaInput = left_out()
    mode: DeliveryMode = left_out()
    venue: str | None = Field(None, max_length=300)
    link: str | None = Field(None, max_length=500)
    trainer: str | None = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=1, le=100_000)


class SessionCancel(Input):
    reason: str | None = Field(
        None, max_length=500, examples=["Trainer unavailable; rescheduled as a new session"]
    )


class SessionPublic(PublicModel):
    session_id: uuid.UUID
    cohort_id: uuid.UUID
    workshop_number: int
    workshop_title: str
    starts_at: LimaTime
    ends_at: LimaTime
    duration_minutes: int
    mode: DeliveryMode
    venue: str | None
    link: str | None
    trainer: str | None
    capacity: int | None
    status: str
    cancellation_reason: str | None
    cancelled_at: LimaTime | None
    created_at: LimaTime
    updated_at: LimaTime

    @classmethod
    def from_source(cls, source: Session | sa.Row[Any], workshop_title: str | None = None) -> SessionPublic:
        """A session (domain object, or a row with its ``workshop_title``) with its end time."""
        values = _values(source)
        values.setdefault("workshop_title", workshop_title)
        values["ends_at"] = values["starts_at"] + timedelta(minutes=values["duration_minutes"])
        return cls.model_validate(values)


class SessionsPublic(Page[SessionPublic]):
    pass


# --- participants and attendees -------------------------------------------------------------


class ParticipantPublic(PublicModel):
    participant_id: uuid.UUID = Field(description="the enrollment application's id")
    company_id: uuid.UUID
    ruc: str
    legal_name: str | None
    cohort_id: uuid.UUID
    cohort_name: str
    region: str | None
    women_led: bool
    monitor_id: uuid.UUID | None
    monitor_name: str | None
    status: str
    admitted_at: LimaTime | None
    withdrawn_at: LimaTime | None
    completion_state: str
    completed_at: LimaTime | None


class ParticipantsPublic(Page[ParticipantPublic]):
    pass


DniText = Annotated[str, Field(pattern=r"^\d{8}$", description="DNI: 8 digits", examples=["40123456"])]
EmailText = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]


class AttendeeCreate(Input):
    dni: DniText
    full_name: str = Field(min_length=1, max_length=200, examples=["María Huamán Rojas"])
    job_role: str | None = Field(None, max_length=200, examples=["Jefa de producción"])
    gender: Gender = Gender.not_stated
    email: EmailText | None = None


class AttendeeUpdate(PartialUpdate):
    full_name: str = left_out(min_length=1, max_length=200)
    job_role: str | None = Field(None, max_length=200)
    gender: Gender = left_out()
    email: EmailText | None = None


class AttendeePublic(PublicModel):
    attendee_id: uuid.UUID
    participant_id: uuid.UUID
    dni: str
    full_name: str
    job_role: str | None
    gender: Gender
    email: str | None
    created_at: LimaTime


class AttendeesPublic(Page[AttendeePublic]):
    pass


# --- attendance ------------------------------------------------------------------------------


class AttendanceRecord(Input):
    """Either check-in and check-out times, or the minutes attended."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"check_in": "2025-04-08T09:02:00", "check_out": "2025-04-08T10:55:00"},
                {"minutes_present": 95},
            ]
        }
    )
    check_in: LimaInput | None = None
    check_out: LimaInput | None = None
    minutes_present: float | None = Field(None, ge=0, le=720)

    @model_validator(mode="after")
    def _one_way_of_saying_it(self) -> AttendanceRecord:
        check_in, check_out = self.check_in, self.check_out
        if check_in is not None and check_out is not None:
            if self.minutes_present is not None:
                raise ValueError("give check_in/check_out or minutes_present, not both")
            if check_out < check_in:
                raise ValueError("check_out is before check_in")
        elif check_in is not None or check_out is not None:
            raise ValueError("check_in and check_out go together")
        elif self.minutes_present is None:
            raise ValueError("give check_in and check_out, or minutes_present")
        return self


class AttendancePublic(PublicModel):
    session_id: uuid.UUID
    attendee_id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    dni: str
    full_name: str
    minutes_present: float
    share: float = Field(description="minutes present / session duration, in [0, 1]")
    check_in: LimaTime | None
    check_out: LimaTime | None
    source: str
    recorded_by: str
    recorded_at: LimaTime

    @classmethod
    def from_source(cls, source: Any) -> AttendancePublic:
        """A recorded attendance (row or handler result) with its minutes and share of the session."""
        values = _values(source)
        seconds, minutes = values["seconds_present"], values["duration_minutes"]
        return cls.model_validate(
            values | {"minutes_present": round(seconds / 60, 2), "share": round(share(seconds, minutes), 4)}
        )


class AttendancesPublic(Page[AttendancePublic]):
    pass


class ReportRowErrorPublic(PublicModel):
    line: int = Field(description="line of the file (the header's line counts)")
    field: str | None
    message: str


class AttendanceImportPublic(PublicModel):
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    people_recorded: int
    attendees_created: int
    companies: int
    errors: list[ReportRowErrorPublic]


# --- progress ------------------------------------------------------------------------------------


class WorkshopProgressPublic(PublicModel):
    number: int
    title: str
    mandatory: bool
    attended: bool
    best_share: float | None = Field(description="the best share reached by one of the company's people")
    minutes: float | None = Field(description="minutes present of that person")
    attendees_present: int


class ProgressPublic(BaseModel):
    participant_id: uuid.UUID
    ruc: str
    legal_name: str | None
    cohort_id: uuid.UUID
    cohort_name: str
    status: str
    completion_state: str
    completed_at: LimaTime | None
    min_attendance_share: float
    mandatory_workshops: list[int]
    attended_workshops: list[int]
    missing_workshops: list[int]
    workshops: list[WorkshopProgressPublic]


class MatrixRowPublic(BaseModel):
    participant_id: uuid.UUID
    ruc: str
    legal_name: str | None
    status: str
    completion_state: str
    attended: list[bool] = Field(description="aligned with `workshops`")
    best_share: list[float | None] = Field(description="aligned with `workshops`; null: nobody came")
    minutes: list[float | None]


class MatrixPublic(Page[MatrixRowPublic]):
    cohort_id: uuid.UUID
    cohort_name: str
    min_attendance_share: float
    workshops: list[int]
    mandatory_workshops: list[int]


def matrix_json(cohort: CohortSettings, page: MatrixPage) -> bytes:
    """A :class:`MatrixPublic` as JSON bytes: the cohort's header around the rows Postgres
    already serialised (the programme officer's hot read; a test validates the shape)."""
    return orjson.dumps(
        {
            "cohort_id": str(cohort.cohort_id),
            "cohort_name": cohort.cohort_name,
            "min_attendance_share": float(cohort.min_attendance_share),
            "workshops": list(WORKSHOP_NUMBERS),
            "mandatory_workshops": cohort.mandatory_workshops,
            "data": orjson.Fragment(page.rows_json),
            "next_cursor": page.next_cursor,
        }
    )


# --- technical assistance -------------------------------------------------------------------------


class AssistanceCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "held_on": "2025-05-12",
                    "mode": "visit",
                    "duration_minutes": 90,
                    "aspects": ["A3", "Gestión de residuos sólidos"],
                    "agreements": "Instalar medidores de agua en la línea de lavado.",
                    "next_steps": "Registrar consumos semanales.",
                    "next_visit_on": "2025-06-09",
                }
            ]
        }
    )
    held_on: date
    mode: AssistanceMode
    duration_minutes: int = Field(ge=1, le=600)
    aspects: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(
        default_factory=list,
        max_length=20,
        description="aspects of the standard worked on, by code (A1-A8) or name; stored as codes",
    )
    agreements: str | None = Field(None, max_length=4000)
    next_steps: str | None = Field(None, max_length=4000)
    next_visit_on: date | None = None


class AssistancePublic(PublicModel):
    assistance_id: uuid.UUID
    participant_id: uuid.UUID
    ruc: str
    cohort_id: uuid.UUID
    held_on: date
    mode: AssistanceMode
    duration_minutes: int
    aspects: list[str]
    agreements: str | None
    next_steps: str | None
    next_visit_on: date | None
    monitor_name: str = Field(description="the follow-up monitor who held the visit")
    logged_by_name: str | None = Field(
        None, description="who entered it (an officer may log for the monitor)"
    )
    created_at: LimaTime


class AssistancesPublic(Page[AssistancePublic]):
    pass
