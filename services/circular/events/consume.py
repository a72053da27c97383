"""What the circular service reacts to: topic -> handler, the whole graph on one screen.

Nothing yet: the circular economy's facts are recorded here first-hand (activities, sheets,
trainings, the micro-course's webhooks), not learnt from other services' events.
"""

from shared.events.consumer import Handler

TOPIC_HANDLERS: dict[str, Handler] = {}
