"""Platform events as the audit, enrollment and training relays put them on Kafka."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from shared.events.contracts import audit, enrollment
from shared.ruc import make_ruc


def new_ruc() -> str:
    return make_ruc("20", f"{random.randrange(10**8):08d}")


class Certificate:
    """One certificate's life, each event a little later than the previous one."""

    def __init__(self, ruc: str | None = None) -> None:
        self.ruc = ruc or new_ruc()
        self.id = uuid.uuid4()
        self.number = f"BPE-2026-{random.randrange(10**6):06d}"
        self.at = datetime.now(UTC)

    def _next(self) -> datetime:
        self.at += timedelta(milliseconds=10)
        return self.at

    def issued(self) -> audit.CertificateIssued:
        self._next()
        return audit.CertificateIssued(
            certificate_id=self.id,
            certificate_number=self.number,
            participant_id=uuid.uuid4(),
            ruc=self.ruc,
            holder_name="Café Orgánico del Sur S.A.C.",
            body_id=uuid.uuid4(),
            body_name="Certificadora Andina",
            standard_version="0-draft",
            issued_on=date(2026, 3, 1),
            expires_on=date(2028, 3, 1),
            mark_use_until=date(2028, 3, 1),
        )

    def suspended(self) -> audit.CertificateSuspended:
        return audit.CertificateSuspended(
            certificate_id=self.id,
            certificate_number=self.number,
            ruc=self.ruc,
            reason="Auditor Juan Pérez found a major non-conformity",
            suspended_at=self._next(),
        )

    def reinstated(self) -> audit.CertificateReinstated:
        return audit.CertificateReinstated(
            certificate_id=self.id,
            certificate_number=self.number,
            ruc=self.ruc,
            reason="closed",
            expires_on=date(2028, 3, 1),
            reinstated_at=self._next(),
        )

    def withdrawn(self) -> audit.CertificateWithdrawn:
        return audit.CertificateWithdrawn(
            certificate_id=self.id,
            certificate_number=self.number,
            ruc=self.ruc,
            reason="fraud",
            withdrawn_at=self._next(),
        )


def admitted(ruc: str, region: str = "Cusco") -> enrollment.ParticipantAdmitted:
    return enrollment.ParticipantAdmitted(
        participant_id=uuid.uuid4(),
        company_id=uuid.uuid4(),
        ruc=ruc,
        legal_name="Textiles Ana María S.A.C.",
        cohort_id=uuid.uuid4(),
        cohort_name="Cusco 2026-I",
        region=region,
        admitted_at=datetime.now(UTC),
    )
