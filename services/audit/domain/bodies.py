"""Certification bodies authorised by PROMPERÚ (section III.4: "organismo de certificación
habilitado por PROMPERÚ"): an audit may be assigned to, and performed by, a body only
while its authorisation covers the audit's date."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from shared.errors import RuleViolation


class BodyAuthorisation(Protocol):
    name: str
    authorisation_number: str
    active: bool
    valid_from: date
    valid_to: date


def is_authorised_on(body: BodyAuthorisation, day: date) -> bool:
    return body.active and body.valid_from <= day <= body.valid_to


def ensure_authorised_on(body: BodyAuthorisation, day: date) -> None:
    if not is_authorised_on(body, day):
        state = "inactive" if not body.active else f"authorised {body.valid_from} to {body.valid_to}"
        raise RuleViolation(
            "body_not_authorised",
            f"{body.name} (authorisation {body.authorisation_number}) is not authorised by PROMPERÚ on "
            f"{day} ({state}).",
            detail_es=f"{body.name} (autorización {body.authorisation_number}) no está habilitado por "
            f"PROMPERÚ el {day}.",
            extra={"date": day.isoformat()},
        )
