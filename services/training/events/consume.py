"""What the training service reacts to: topic -> handler, the whole graph on one screen."""

from services.training.handlers import participants
from shared.events.consumer import Handler
from shared.events.contracts.enrollment import MonitorReassigned, ParticipantAdmitted, ParticipantWithdrawn

TOPIC_HANDLERS: dict[str, Handler] = {
    MonitorReassigned.TOPIC: participants.reassign_monitor,
    ParticipantAdmitted.TOPIC: participants.admit_participant,
    ParticipantWithdrawn.TOPIC: participants.withdraw_participant,
}
