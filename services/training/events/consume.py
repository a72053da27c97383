"""What the training service reacts to: topic -> handler, the whole graph on one screen."""

from services.training.handlers.enrollment_events import (
    admit_participant,
    reassign_monitor,
    withdraw_participant,
)
from shared.events.consumer import Handler
from shared.events.contracts.enrollment import MonitorReassigned, ParticipantAdmitted, ParticipantWithdrawn
from shared.events.envelope import EventEnvelope
from shared.uow import UnitOfWork


async def on_participant_admitted(
    uow: UnitOfWork, event: ParticipantAdmitted, envelope: EventEnvelope
) -> None:
    await admit_participant(uow, event)


async def on_participant_withdrawn(
    uow: UnitOfWork, event: ParticipantWithdrawn, envelope: EventEnvelope
) -> None:
    await withdraw_participant(uow, event)


async def on_monitor_reassigned(uow: UnitOfWork, event: MonitorReassigned, envelope: EventEnvelope) -> None:
    await reassign_monitor(uow, event)


TOPIC_HANDLERS: dict[str, Handler] = {
    MonitorReassigned.TOPIC: on_monitor_reassigned,
    ParticipantAdmitted.TOPIC: on_participant_admitted,
    ParticipantWithdrawn.TOPIC: on_participant_withdrawn,
}
