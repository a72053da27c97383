"""What the enrollment service reacts to: topic -> handler, the whole graph on one screen."""

from shared.events.consumer import Handler

TOPIC_HANDLERS: dict[str, Handler] = {}
