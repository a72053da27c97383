"""What the audit service reacts to: topic -> handler, the whole graph on one screen.

Enrollment's participant events: who is in the programme (and with which monitor), who
left, and who may ask for the certification audit. Training's completion and technical
assistance: the programme's order puts the pre-audit after both. Audit calls neither.
"""

from services.audit.handlers import participants
from shared.events.consumer import Handler
from shared.events.contracts import enrollment, training

TOPIC_HANDLERS: dict[str, Handler] = {
    enrollment.ParticipantAdmitted.TOPIC: participants.record_admission,
    enrollment.ParticipantWithdrawn.TOPIC: participants.record_withdrawal,
    enrollment.MonitorReassigned.TOPIC: participants.record_monitor,
    enrollment.ParticipantCertificationEligible.TOPIC: participants.record_eligibility,
    training.ProgramCompleted.TOPIC: participants.record_training,
    training.ProgramCompletionRevoked.TOPIC: participants.record_training,
    training.AssistanceLogged.TOPIC: participants.record_assistance,
}
