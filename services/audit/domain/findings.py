"""Pre-audit results and the zero-non-conformity rule (section III.3).

"Aquellas organizaciones que no cuenten con ninguna no conformidad en la etapa de pre
auditoría, iniciarán el proceso de auditoría externa": conforming results and
observations never fail a pre-audit; a single minor or major non-conformity does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class AuditResult(StrEnum):
    conforming = "conforming"
    observation = "observation"
    minor_nonconformity = "minor_nonconformity"
    major_nonconformity = "major_nonconformity"


NONCONFORMITY_RESULTS = frozenset({AuditResult.minor_nonconformity, AuditResult.major_nonconformity})
RESULTS_NEEDING_FINDING = NONCONFORMITY_RESULTS | {AuditResult.observation}


class Severity(StrEnum):
    minor = "minor"
    major = "major"


SEVERITY_OF = {
    AuditResult.minor_nonconformity: Severity.minor,
    AuditResult.major_nonconformity: Severity.major,
}


@dataclass(frozen=True)
class Outcome:
    conforming: int
    observations: int
    minor: int
    major: int

    @property
    def nonconformities(self) -> int:
        return self.minor + self.major

    @property
    def passed(self) -> bool:
        return self.nonconformities == 0


def outcome(results: Iterable[AuditResult | str]) -> Outcome:
    counts = dict.fromkeys(AuditResult, 0)
    for result in results:
        counts[AuditResult(result)] += 1
    return Outcome(
        conforming=counts[AuditResult.conforming],
        observations=counts[AuditResult.observation],
        minor=counts[AuditResult.minor_nonconformity],
        major=counts[AuditResult.major_nonconformity],
    )


def missing_requirements(required: Iterable[str], recorded: Iterable[str]) -> list[str]:
    """Requirements without a result: a pre-audit is concluded only on all of them."""
    return sorted(set(required) - set(recorded))
