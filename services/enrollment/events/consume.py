"""What the enrollment service reacts to: topic -> handler, the whole graph on one screen."""

from services.enrollment.handlers import certification
from shared.events.consumer import Handler
from shared.events.contracts.audit import PreauditPassed
from shared.events.contracts.training import ProgramCompleted, ProgramCompletionRevoked
from shared.events.envelope import EventEnvelope
from shared.uow import UnitOfWork


async def on_program_completed(uow: UnitOfWork, event: ProgramCompleted, envelope: EventEnvelope) -> None:
    await certification.record_training_completed(
        uow, participant_id=event.participant_id, completed_at=event.completed_at
    )


async def on_completion_revoked(
    uow: UnitOfWork, event: ProgramCompletionRevoked, envelope: EventEnvelope
) -> None:
    await certification.record_training_revoked(
        uow, participant_id=event.participant_id, revoked_at=event.revoked_at
    )


async def on_preaudit_passed(uow: UnitOfWork, event: PreauditPassed, envelope: EventEnvelope) -> None:
    await certification.record_preaudit_passed(
        uow, participant_id=event.participant_id, passed_at=event.passed_at
    )


TOPIC_HANDLERS: dict[str, Handler] = {
    ProgramCompleted.TOPIC: on_program_completed,
    ProgramCompletionRevoked.TOPIC: on_completion_revoked,
    PreauditPassed.TOPIC: on_preaudit_passed,
}
