"""Rules that keep the certificate trustworthy (issue 14): pure, no I/O.

- The expiry pass runs for today's Lima date; another date only in dev/test (the demo
  jumps ahead), because ``expired`` is final and a pass dated in the future would expire
  certificates still valid.
- A standard version counts for certification only with the programme's structure
  ("8 aspectos y 112 requisitos", PBE III.2) or the counts it declares and an admin
  approved when marking it official.
- The programme's order (PBE III): training, technical assistance, then the pre-audit;
  an officer may override it with a recorded reason.
- A wrong certificate transition is corrected by an admin's reasoned action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.audit.domain.lifecycles import CertificateStatus, MarkLicenceStatus
from shared.errors import RuleViolation

PROGRAMME_ASPECTS = 8
PROGRAMME_REQUIREMENTS = 112
OTHER_DATES_ENVS = ("dev", "test")


def expiry_pass_date(requested: date | None, today: date, env: str) -> date:
    """The date an on-demand expiry pass runs for."""
    if requested is None or requested == today:
        return today
    if env in OTHER_DATES_ENVS:
        return requested
    raise RuleViolation(
        "expiry_pass_date",
        f"The expiry pass runs for today's Lima date ({today}); {requested} is only accepted in dev/test.",
        detail_es=f"El proceso de vencimiento corre con la fecha de hoy en Lima ({today}); "
        f"{requested} solo se acepta en desarrollo o pruebas.",
        extra={"errors": [{"field": "as_of", "in": "query", "message": f"must be {today} or omitted"}]},
    )


@dataclass(frozen=True)
class Structure:
    aspects: int
    requirements: int
    declared_aspects: int | None = None
    declared_requirements: int | None = None

    @property
    def expected(self) -> tuple[int, int]:
        return (
            self.declared_aspects if self.declared_aspects is not None else PROGRAMME_ASPECTS,
            self.declared_requirements if self.declared_requirements is not None else PROGRAMME_REQUIREMENTS,
        )

    @property
    def complete(self) -> bool:
        return (self.aspects, self.requirements) == self.expected


def ensure_programme_structure(version: str, structure: Structure, *, purpose: str) -> None:
    """Refuse a version whose counts are not the programme's (or the admin-approved declared ones)."""
    if structure.complete:
        return
    want_a, want_r = structure.expected
    raise RuleViolation(
        "standard_structure",
        f"Standard version '{version}' has {structure.aspects} aspects and {structure.requirements} "
        f"requirements; {purpose} needs {want_a} and {want_r}.",
        detail_es=f"La versión '{version}' del estándar tiene {structure.aspects} aspectos y "
        f"{structure.requirements} requisitos; se requieren {want_a} y {want_r}.",
        extra={
            "aspect_count": structure.aspects,
            "requirement_count": structure.requirements,
            "expected": {"aspects": want_a, "requirements": want_r},
        },
    )


@dataclass(frozen=True)
class ProgrammeProgress:
    training_completed_at: datetime | None
    assistance_visits: int


def programme_order_gaps(progress: ProgrammeProgress, required_visits: int) -> list[str]:
    """What the participant still lacks before a pre-audit (empty: in order)."""
    gaps = []
    if progress.training_completed_at is None:
        gaps.append("training_not_completed")
    if progress.assistance_visits < required_visits:
        gaps.append("technical_assistance_missing")
    return gaps


def ensure_programme_order(progress: ProgrammeProgress, required_visits: int, *, overridden: bool) -> None:
    gaps = programme_order_gaps(progress, required_visits)
    if not gaps or overridden:
        return
    raise RuleViolation(
        "preaudit_before_programme",
        f"The pre-audit comes after the training and at least {required_visits} technical-assistance "
        f"visit(s) (the company has {progress.assistance_visits}; training "
        f"{'completed' if progress.training_completed_at else 'not completed'}). An officer may "
        "override with a reason.",
        detail_es=f"La pre auditoría va después de la capacitación y de al menos {required_visits} "
        f"visita(s) de asistencia técnica (tiene {progress.assistance_visits}; capacitación "
        f"{'completada' if progress.training_completed_at else 'no completada'}). Un funcionario "
        "puede autorizarla con un motivo.",
        extra={"missing": gaps, "required_assistance_visits": required_visits},
    )


X = CertificateStatus
# Where an admin may put a certificate to correct a wrong transition (never superseded:
# only a renewal supersedes).
CORRECTION_TARGETS = frozenset({X.active, X.suspended, X.withdrawn, X.expired})


def ensure_correction(current: str, target: str, expires_on: date, today: date) -> None:
    if target not in CORRECTION_TARGETS:
        raise RuleViolation(
            "correction_target",
            f"A correction may set active, suspended, withdrawn or expired; not '{target}'.",
            detail_es=f"Una corrección puede fijar active, suspended, withdrawn o expired; no '{target}'.",
        )
    if target == current:
        raise RuleViolation(
            "correction_no_change",
            f"The certificate is already '{current}'.",
            detail_es=f"El certificado ya está en '{current}'.",
        )
    if target in (X.active, X.suspended) and today >= expires_on:
        raise RuleViolation(
            "certificate_past_expiry",
            f"The certificate reached its expiry date {expires_on}; it can only be expired or withdrawn.",
            detail_es=f"El certificado venció el {expires_on}; solo puede quedar vencido o retirado.",
        )
    if target == X.expired and today < expires_on:
        raise RuleViolation(
            "correction_not_due",
            f"The certificate is valid until {expires_on}; it cannot be expired before.",
            detail_es=f"El certificado es válido hasta el {expires_on}; no puede vencer antes.",
        )


_LICENCE_OF = {
    X.active: MarkLicenceStatus.granted,
    X.withdrawn: MarkLicenceStatus.withdrawn,
    X.expired: MarkLicenceStatus.expired,
}


def licence_after_correction(target: str, licence_status: str) -> MarkLicenceStatus | None:
    """Where a certificate's correction moves its mark licence (None: it stays).

    The licence follows the correction where the wrong transition had ended it; a licence
    suspended on its own stays suspended when the certificate is corrected back to active.
    """
    follow = _LICENCE_OF.get(CertificateStatus(target))
    if follow is None or follow == licence_status:
        return None
    if follow == MarkLicenceStatus.granted and licence_status == MarkLicenceStatus.suspended:
        return None
    return follow
