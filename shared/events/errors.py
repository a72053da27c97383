"""Failures of event handling, by what the consumer must do about them.

``PermanentError`` means "this message can never succeed as it is: dead-letter it now,
do not retry". Anything else a handler raises is a candidate for retry.
"""

from __future__ import annotations

# One class for the whole platform: the kernel's failure classifier (shared/errors.py) reads it.
from shared.errors import PermanentError

__all__ = ["PermanentError", "UnknownSchemaVersion"]


class UnknownSchemaVersion(PermanentError):
    """The envelope's ``schema_version`` is one this consumer's contract does not understand
    (newer than its current version, or older than its oldest upcaster)."""

    def __init__(self, topic: str, version: int, understood: tuple[int, ...]) -> None:
        self.topic, self.version, self.understood = topic, version, understood
        newer = version > max(understood)
        super().__init__(
            f"{topic} schema_version {version} is {'newer than' if newer else 'not one of'} the versions "
            f"this consumer understands ({', '.join(map(str, understood))})"
            + ("; upgrade the consumer, then re-drive" if newer else "")
        )
