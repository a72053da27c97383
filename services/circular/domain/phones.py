"""A learner's WhatsApp number, kept as a keyed hash plus its last digits (Ley 29733).

The micro-course identifies a learner by the number the provider writes from. The number
itself is never stored, logged or published: the service keeps

- ``phone_hash``: HMAC-SHA256 of the normalised number under the service's secret key
  (``ECO_CIRCULAR_PHONE_HASH_KEY``), hex. The same number always gives the same hash, so a
  learner's later messages and a bulk import find the same learner; without the key the hash
  cannot be reversed by enumerating Peru's ~10^9 mobile numbers (an unkeyed hash could);
- ``phone_last_digits``: the last four digits, for staff to tell learners apart on screen.

Normalisation: digits only; a Peruvian mobile written without the country code (9 digits
starting with 9) gets ``51`` in front, so ``987 654 321``, ``+51 987-654-321`` and
``51987654321`` are one learner.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from shared.errors import RuleViolation

PERU = "51"
LAST_DIGITS = 4
_NON_DIGITS = re.compile(r"\D")


@dataclass(frozen=True)
class PhoneRef:
    """What the service keeps of a number: never the number."""

    phone_hash: str
    last_digits: str


def normalise(raw: str) -> str:
    digits = _NON_DIGITS.sub("", raw or "")
    if len(digits) == 9 and digits.startswith("9"):
        digits = PERU + digits
    if not 8 <= len(digits) <= 15:  # E.164: at most 15 digits
        raise RuleViolation(
            "microcourse.phone_invalid",
            "The WhatsApp number is not a phone number (8 to 15 digits, country code included).",
            detail_es="El número de WhatsApp no es válido (de 8 a 15 dígitos, con código de país).",
        )
    return digits


def protect(raw: str, *, key: bytes) -> PhoneRef:
    """The keyed hash and last digits of ``raw``; the number itself goes no further."""
    if len(key) < 32:
        raise ValueError("the phone hash key must have at least 32 bytes")
    digits = normalise(raw)
    digest = hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()
    return PhoneRef(phone_hash=digest, last_digits=digits[-LAST_DIGITS:])


def masked(last_digits: str) -> str:
    """How staff see a learner's number: ``•••• 4321``."""
    return f"•••• {last_digits}"
