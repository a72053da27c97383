"""What the audit service reacts to: topic -> handler, the whole graph on one screen.

Enrollment's participant events: who is in the programme (and with which monitor), who
left, and who may ask for the certification audit. Training's completion and technical
assistance: the programme's order puts the pre-audit after both. Audit calls neither.
"""

from services.audit.handlers import participants
from shared.events.consumer import Handler
from shared.events.contracts import enrollment, training

TOPIC_HANDLERS: dict[str, Handler] = {
    enrollment.ParticipantAdmitted.TOPIC: lambda uow, event, _: participants.record_admission(uow, event),
    enrollment.ParticipantWithdrawn.TOPIC: lambda uow, event, _: participants.record_withdrawal(uow, event),
    enrollment.MonitorReassigned.TOPIC: lambda uow, event, _: participants.record_monitor(uow, event),
    enrollment.ParticipantCertificationEligible.TOPIC: (
        lambda uow, event, _: participants.record_eligibility(uow, event)
    ),
    training.ProgramCompleted.TOPIC: lambda uow, event, _: participants.record_training(uow, event),
    training.ProgramCompletionRevoked.TOPIC: lambda uow, event, _: participants.record_training(uow, event),
    training.AssistanceLogged.TOPIC: lambda uow, event, _: participants.record_assistance(uow, event),
}
