"""The WhatsApp micro-course of the hub "Mi Empresa Circular": what its messages mean.

GIZ, "Integrar la economía circular en las mipymes manufactureras", Impacto: the hub hosts a
"micro curso de WhatsApp". A messaging provider runs the course and tells this service what
each learner did, one signed message per fact (docs/microcourse-webhooks.md):

- ``enrolment.created``: a learner enrolled and answered the opening questions (region,
  gender, RUC of the company they work for, if any);
- ``module.completed``: a learner finished module ``n``;
- ``course.completed``: a learner finished the course (every module and the closing quiz,
  as the provider decides).

Messages may arrive late, twice or out of order (providers retry): folding one into a
learner's facts is order-independent and idempotent, so any arrival order ends in the same
record:

- **enrolled at**: the earliest message of the learner (a module finished proves enrolment,
  even when the enrolment message is still on its way);
- **node, gender, company**: from the enrolment answers (a later enrolment message with an
  answer fills what is missing; a stated answer is never overwritten by a blank one);
- **modules**: the set of module numbers finished;
- **completed at**: the earliest ``course.completed``.

Definitions used by the indicators (``DEFINITIONS``):
- *reach*: distinct learners (distinct numbers) enrolled on or before the date, by node and gender;
- *completion*: distinct learners whose course completion was reported on or before the date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from services.circular.domain.reference import Gender, Node

DEFINITIONS = {
    "microcourse_reach": (
        "Distinct learners (distinct WhatsApp numbers) enrolled in the micro-course on or before the "
        "date: an enrolment message, any later message of the learner or a row of an imported list."
    ),
    "microcourse_completed": (
        "Among the learners reached (same period), those whose course completion (all modules and the "
        "closing quiz, as reported by the provider or an imported list) is dated on or before the date."
    ),
}


class MessageType(StrEnum):
    enrolled = "enrolment.created"
    module_completed = "module.completed"
    course_completed = "course.completed"


@dataclass(frozen=True)
class CourseMessage:
    """One fact about one learner, the phone already reduced to its hash by the caller."""

    type: MessageType
    occurred_at: datetime
    node: Node | None = None
    gender: Gender = Gender.not_stated
    company_ruc: str | None = None
    module: int | None = None


@dataclass(frozen=True)
class LearnerFacts:
    enrolled_at: datetime
    node: Node | None = None
    gender: Gender = Gender.not_stated
    company_ruc: str | None = None
    modules: frozenset[int] = frozenset()
    completed_at: datetime | None = None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def fold(facts: LearnerFacts | None, message: CourseMessage) -> LearnerFacts:
    """The learner's facts after ``message`` (``facts`` None: the learner's first message)."""
    current = facts or LearnerFacts(enrolled_at=message.occurred_at)
    enrolled_at = min(current.enrolled_at, message.occurred_at)
    updated = replace(current, enrolled_at=enrolled_at)
    if message.type is MessageType.enrolled:
        updated = replace(
            updated,
            node=current.node or message.node,
            gender=current.gender if current.gender is not Gender.not_stated else message.gender,
            company_ruc=current.company_ruc or message.company_ruc,
        )
    elif message.type is MessageType.module_completed and message.module is not None:
        updated = replace(updated, modules=current.modules | {message.module})
    elif message.type is MessageType.course_completed:
        updated = replace(updated, completed_at=_earliest(current.completed_at, message.occurred_at))
    return updated


def merge(facts: LearnerFacts | None, imported: LearnerFacts) -> LearnerFacts:
    """A learner's facts after an imported row: the same rules as messages (earliest dates,
    answers filled not overwritten, modules united)."""
    if facts is None:
        return imported
    return LearnerFacts(
        enrolled_at=min(facts.enrolled_at, imported.enrolled_at),
        node=facts.node or imported.node,
        gender=facts.gender if facts.gender is not Gender.not_stated else imported.gender,
        company_ruc=facts.company_ruc or imported.company_ruc,
        modules=facts.modules | imported.modules,
        completed_at=_earliest(facts.completed_at, imported.completed_at),
    )
