"""What a buyer is told about a certificate number (issue 14): pure rules, no I/O.

- The number is read as a person types it (case and spaces ignored) and checked before
  the lookup: a malformed number or a wrong check letter is a 422 that says which, so a
  misread number is caught instead of answering "unknown".
- The answer: status with the date it took effect, holder, scope, dates and the mark
  licence status — nothing more about the company.
- The mark licence never outlives the certificate: a suspended, withdrawn or expired
  certificate carries no right to use the mark whatever the licence record says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from services.catalog.domain.certificates import VerificationStatus, effective_status
from shared.certificate_number import normalise, number_problem
from shared.clock import LIMA
from shared.errors import RuleViolation

STANDARD_NAME = "Buenas Prácticas de Ecoeficiencia Perú"


class MarkStatus(StrEnum):
    granted = "granted"
    suspended = "suspended"
    withdrawn = "withdrawn"
    expired = "expired"


def checked_number(raw: str) -> str:
    """The canonical number, or a 422 saying what is wrong with it."""
    number = normalise(raw)
    problem = number_problem(number)
    if problem == "malformed":
        raise RuleViolation(
            "certificate_number.malformed",
            f"'{raw.strip()}' is not a certificate number: expected BPE-<year>-<sequence>-<letter>, "
            "e.g. BPE-2026-000123-K.",
            detail_es=f"'{raw.strip()}' no es un número de certificado: se espera BPE-<año>-<secuencia>-<letra>, "
            "p. ej. BPE-2026-000123-K.",
            extra={"errors": [{"field": "certificate_number", "in": "path", "message": "malformed"}]},
        )
    if problem == "check_letter":
        raise RuleViolation(
            "certificate_number.check_letter",
            f"The check letter of {number} does not match its digits: the number was probably misread. "
            "Check it against the certificate.",
            detail_es=f"La letra de control de {number} no corresponde a sus dígitos: probablemente se leyó mal. "
            "Compárelo con el certificado.",
            extra={
                "errors": [{"field": "certificate_number", "in": "path", "message": "wrong check letter"}]
            },
        )
    return number


def _lima(value: datetime | None) -> date | None:
    return value.astimezone(LIMA).date() if value is not None else None


def status_since(row: Any, status: str, today: date) -> date | None:
    """The Lima date the shown status took effect."""
    if status == "expired":
        expired: date | None = row.expired_on or row.expires_on
        return expired
    if status == "withdrawn":
        return _lima(row.withdrawn_at)
    if status == "suspended":
        return _lima(row.suspended_at)
    if status == "valid":
        reinstated = _lima(getattr(row, "reinstated_at", None))
        return max(d for d in (row.issued_on, reinstated) if d is not None) if row.issued_on else reinstated
    return None


def mark_status(
    stored: str | None, certificate_status: str, valid_until: date | None, today: date
) -> MarkStatus | None:
    """The right to use the mark today: the licence record, bounded by the certificate."""
    if certificate_status in ("withdrawn", "expired"):
        return MarkStatus(certificate_status)
    if certificate_status == "unknown":
        return None
    if stored in (MarkStatus.withdrawn, MarkStatus.expired):
        return MarkStatus(stored)
    if valid_until is not None and valid_until <= today:
        return MarkStatus.expired
    if certificate_status == "suspended" or stored == MarkStatus.suspended:
        return MarkStatus.suspended
    return MarkStatus.granted


@dataclass(frozen=True)
class Verification:
    """The answer for a certificate number today; only ``number`` and ``status`` when unknown."""

    number: str
    status: VerificationStatus
    since: date | None = None
    holder_name: str | None = None
    standard_version: str | None = None
    body_name: str | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    mark: MarkStatus | None = None
    mark_valid_until: date | None = None


def verification(number: str, certificate: Any | None, today: date) -> Verification:
    """What a buyer is told of ``number`` from the certificate's recorded facts (None: never issued)."""
    if certificate is None or certificate.status is None:  # known only from a later fact: not issued
        return Verification(number, VerificationStatus.unknown)
    status = effective_status(certificate.status, certificate.expires_on, today)
    valid_until: date | None = certificate.mark_valid_until or certificate.expires_on
    return Verification(
        number,
        status,
        since=status_since(certificate, status, today),
        holder_name=certificate.holder_name,
        standard_version=certificate.standard_version,
        body_name=certificate.body_name,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        mark=mark_status(certificate.mark_status, status, valid_until, today),
        mark_valid_until=valid_until,
    )
