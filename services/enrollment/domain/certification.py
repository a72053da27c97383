"""When a participant may apply for certification: training completed and pre-audit passed.

Section I and III: companies that complete the programme (the training modules) and pass
the pre-audit without non-conformities may start the certification audit. The upstream
events come on different topics, so in any order and possibly more than once: this
progress is a small state that only moves forward, and "eligible" is reached once. A
training completion revoked before eligibility no longer counts; one revoked after is
history (the event already went out).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class CertificationProgress:
    training_completed_at: datetime | None = None
    training_revoked_at: datetime | None = None
    preaudit_passed_at: datetime | None = None
    eligible_at: datetime | None = None

    @property
    def training_counts(self) -> bool:
        done = self.training_completed_at
        revoked = self.training_revoked_at
        return done is not None and (revoked is None or done > revoked)

    @property
    def ready(self) -> bool:
        """Both conditions hold and eligibility was not yet declared."""
        return self.eligible_at is None and self.training_counts and self.preaudit_passed_at is not None


def _later(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a


def training_completed(p: CertificationProgress, at: datetime) -> CertificationProgress:
    return replace(p, training_completed_at=_later(p.training_completed_at, at))


def training_revoked(p: CertificationProgress, at: datetime) -> CertificationProgress:
    if p.eligible_at is not None:
        return p
    return replace(p, training_revoked_at=_later(p.training_revoked_at, at))


def preaudit_passed(p: CertificationProgress, at: datetime) -> CertificationProgress:
    first = at if p.preaudit_passed_at is None or at < p.preaudit_passed_at else p.preaudit_passed_at
    return replace(p, preaudit_passed_at=first)
