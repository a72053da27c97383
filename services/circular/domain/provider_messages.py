"""The body of a micro-course provider's message: the shape this service accepts.

Standard Webhooks' recommended payload (``type``, ``timestamp``, ``data``). Unknown fields
anywhere are ignored, and so is a message of an unknown ``type`` (answered 200 and recorded as
seen), so the provider may add to its messages without breaking deliveries. What is read:

- ``timestamp``: when the learner did it (ISO 8601 with offset);
- ``data.learner.wa_id``: the learner's WhatsApp number (reduced at once to a keyed hash and
  its last four digits; the number and ``profile_name`` are not kept);
- ``data.answers`` (``enrolment.created``): ``region``, ``gender``, ``ruc``;
- ``data.module.number`` (``module.completed``).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from services.circular.domain.microcourse import CourseMessage, MessageType
from services.circular.domain.reference import Gender, parse_gender, parse_node
from shared.errors import BadRequest
from shared.ruc import ruc_problem


class _Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Learner(_Tolerant):
    wa_id: str = Field(min_length=1, max_length=32, description="WhatsApp id: the number, digits only")
    profile_name: str | None = Field(None, description="ignored: not kept")


class Answers(_Tolerant):
    region: str | None = Field(None, max_length=100, description="Arequipa, La Libertad, Lima or another")
    gender: str | None = Field(None, max_length=50, description="mujer, hombre, otro, or not stated")
    ruc: str | None = Field(None, max_length=20, description="the learner's company RUC, if any")


class Module(_Tolerant):
    number: int = Field(ge=1, le=100)
    title: str | None = None


class MessageData(_Tolerant):
    learner: Learner
    answers: Answers | None = None
    module: Module | None = None


class ProviderMessage(_Tolerant):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "example": {
                "type": "module.completed",
                "timestamp": "2026-03-04T21:15:02.120Z",
                "data": {
                    "course": {"id": "crs_mec_2026", "name": "Mi Empresa Circular", "modules": 5},
                    "learner": {"wa_id": "51987654321", "profile_name": "Rosa"},
                    "module": {"number": 2, "title": "Diseño circular", "score": 0.8},
                },
            }
        },
    )

    type: str = Field(max_length=100, description="enrolment.created | module.completed | course.completed")
    timestamp: AwareDatetime
    data: MessageData


class MessageUnreadable(BadRequest):
    def __init__(self, problems: list[dict[str, object]]) -> None:
        super().__init__(
            "The message body is not a micro-course message this service reads.",
            detail_es="El cuerpo del mensaje no es un mensaje del micro curso que este servicio lea.",
            extra={"errors": problems},
        )


def parse(body: bytes) -> ProviderMessage:
    try:
        return ProviderMessage.model_validate_json(body)
    except ValidationError as exc:
        problems: list[dict[str, object]] = [
            {"field": ".".join(str(p) for p in e["loc"]), "in": "body", "message": e["msg"]}
            for e in exc.errors()[:20]
        ]
        raise MessageUnreadable(problems) from None


def course_message(message: ProviderMessage) -> CourseMessage | None:
    """The fact a message states, or ``None`` for a type this service does not read."""
    try:
        kind = MessageType(message.type)
    except ValueError:
        return None
    occurred_at: datetime = message.timestamp
    if kind is MessageType.enrolled:
        answers = message.data.answers or Answers()
        ruc = (answers.ruc or "").strip() or None
        return CourseMessage(
            type=kind,
            occurred_at=occurred_at,
            node=parse_node(answers.region or ""),
            gender=parse_gender(answers.gender or "") or Gender.not_stated,
            company_ruc=ruc if ruc and ruc_problem(ruc) is None else None,
        )
    if kind is MessageType.module_completed:
        if message.data.module is None:
            raise MessageUnreadable([{"field": "data.module", "in": "body", "message": "Field required"}])
        return CourseMessage(type=kind, occurred_at=occurred_at, module=message.data.module.number)
    return CourseMessage(type=kind, occurred_at=occurred_at)
