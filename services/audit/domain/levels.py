"""Implementation level of the standard: how far a company has come, per aspect and overall.

A requirement counts 1 when implemented, 0.5 when partial and 0 when not implemented
or not yet answered; a level is that sum over the requirements, as a percentage. The
overall level is taken over all requirements (not the mean of the aspects), so an
aspect with more requirements weighs more, as it does in an audit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class ImplementationStatus(StrEnum):
    not_implemented = "not_implemented"
    partial = "partial"
    implemented = "implemented"


@dataclass(frozen=True)
class AspectTally:
    aspect_code: str
    requirements: int
    implemented: int = 0
    partial: int = 0
    not_implemented: int = 0

    @property
    def unanswered(self) -> int:
        return self.requirements - self.implemented - self.partial - self.not_implemented

    @property
    def level(self) -> float:
        return level(self.implemented, self.partial, self.requirements)


def level(implemented: int, partial: int, requirements: int) -> float:
    """Percentage 0-100 with one decimal; an aspect without requirements is 0."""
    if requirements <= 0:
        return 0.0
    return round(100.0 * (implemented + 0.5 * partial) / requirements, 1)


def tally(
    requirements_by_aspect: Mapping[str, Sequence[str]], answers: Mapping[str, ImplementationStatus | str]
) -> list[AspectTally]:
    out = []
    for aspect, codes in requirements_by_aspect.items():
        statuses = [ImplementationStatus(answers[c]) for c in codes if c in answers]
        out.append(
            AspectTally(
                aspect_code=aspect,
                requirements=len(codes),
                implemented=statuses.count(ImplementationStatus.implemented),
                partial=statuses.count(ImplementationStatus.partial),
                not_implemented=statuses.count(ImplementationStatus.not_implemented),
            )
        )
    return out


def overall_level(tallies: Sequence[AspectTally]) -> float:
    return level(
        sum(t.implemented for t in tallies),
        sum(t.partial for t in tallies),
        sum(t.requirements for t in tallies),
    )
