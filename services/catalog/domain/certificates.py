"""A certificate's lifecycle as the catalogue sees it, from the audit service's events.

Events reach the catalogue from four topics with no order between them (a suspension
may be read before the issue it suspends), so the catalogue does not walk the state
machine event by event: it records each lifecycle *fact* (issued, suspended at,
withdrawn at, expired on) and derives the status as the furthest state those facts
reach in the transition table (a suspension counts while no later reinstatement is
recorded). Any arrival order gives the same status, which is what
makes the read model converge and a replay reproduce it exactly.

Validity is two years (PROMPERÚ, section IV "Beneficios"); a certificate whose
``expires_on`` has arrived in Lima is reported expired even before the audit service's
expiry event comes in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.clock import LIMA
from shared.errors import InvalidTransition


class CertificateStatus(StrEnum):
    valid = "valid"
    suspended = "suspended"
    withdrawn = "withdrawn"
    expired = "expired"


class VerificationStatus(StrEnum):
    """What a buyer is told: a certificate status, or that the number is unknown."""

    valid = "valid"
    suspended = "suspended"
    withdrawn = "withdrawn"
    expired = "expired"
    unknown = "unknown"


# The audit service's lifecycle: a suspension ends in a reinstatement (valid again), a
# withdrawal or the expiry. Final states allow nothing.
TRANSITIONS: dict[CertificateStatus, frozenset[CertificateStatus]] = {
    CertificateStatus.valid: frozenset(
        {CertificateStatus.suspended, CertificateStatus.withdrawn, CertificateStatus.expired}
    ),
    CertificateStatus.suspended: frozenset(
        {CertificateStatus.valid, CertificateStatus.withdrawn, CertificateStatus.expired}
    ),
    CertificateStatus.withdrawn: frozenset(),
    CertificateStatus.expired: frozenset(),
}


def ensure_transition(current: CertificateStatus, target: CertificateStatus) -> None:
    """Raise InvalidTransition (listing the allowed moves) unless the table allows it."""
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            "Certificate", current.value, target.value, sorted(s.value for s in TRANSITIONS[current])
        )


@dataclass(frozen=True)
class CertificateFacts:
    """Everything the events said about one certificate; ``None`` = not (yet) said."""

    issued_on: date | None = None
    suspended_at: datetime | None = None  # the latest suspension
    withdrawn_at: datetime | None = None
    expired_on: date | None = None
    reinstated_at: datetime | None = None  # the latest reinstatement

    @property
    def suspension_in_force(self) -> bool:
        """Suspended, and not reinstated since (the later of the two latest facts counts)."""
        if self.suspended_at is None:
            return False
        return self.reinstated_at is None or self.suspended_at > self.reinstated_at

    def status(self) -> CertificateStatus | None:
        """The furthest state the recorded facts reach; ``None`` before the issue is known.

        Walks the transition table from ``valid``: withdrawal and expiry are final, and
        when both are recorded the earlier one is the one that happened.
        """
        if self.issued_on is None:
            return None
        state = CertificateStatus.valid
        if self.suspension_in_force:
            ensure_transition(state, CertificateStatus.suspended)
            state = CertificateStatus.suspended
        final = self._final_state()
        if final is not None:
            ensure_transition(state, final)
            state = final
        return state

    def _final_state(self) -> CertificateStatus | None:
        if self.withdrawn_at is None and self.expired_on is None:
            return None
        if self.expired_on is None:
            return CertificateStatus.withdrawn
        if self.withdrawn_at is None:
            return CertificateStatus.expired
        # expired_on is a Lima date: compare the Lima date of the withdrawal, not its UTC one.
        withdrawn_first = self.withdrawn_at.astimezone(LIMA).date() < self.expired_on
        return CertificateStatus.withdrawn if withdrawn_first else CertificateStatus.expired


def effective_status(
    stored: CertificateStatus | str | None, expires_on: date | None, today: date
) -> VerificationStatus:
    """The status a buyer sees today (Lima): a live certificate past its date is expired."""
    if stored is None:
        return VerificationStatus.unknown
    status = CertificateStatus(stored)
    live = status in (CertificateStatus.valid, CertificateStatus.suspended)
    if live and expires_on is not None and expires_on <= today:
        return VerificationStatus.expired
    return VerificationStatus(status.value)
