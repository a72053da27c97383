"""What the audit service reacts to: topic -> handler, the whole graph on one screen.

Only enrollment's participant events: who is in the programme (and with which monitor),
who left, and who may ask for the certification audit. Audit never calls enrollment.
"""

from services.audit.handlers import participants
from shared.events.consumer import Handler
from shared.events.contracts import enrollment

TOPIC_HANDLERS: dict[str, Handler] = {
    enrollment.ParticipantAdmitted.TOPIC: lambda uow, event, _: participants.record_admission(uow, event),
    enrollment.ParticipantWithdrawn.TOPIC: lambda uow, event, _: participants.record_withdrawal(uow, event),
    enrollment.MonitorReassigned.TOPIC: lambda uow, event, _: participants.record_monitor(uow, event),
    enrollment.ParticipantCertificationEligible.TOPIC: (
        lambda uow, event, _: participants.record_eligibility(uow, event)
    ),
}
