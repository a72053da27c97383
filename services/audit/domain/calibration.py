"""Calibration: the company's self-assessment next to PROMPERÚ's pre-audit (issue 14).

Per requirement, the company said implemented / partial / not implemented (or nothing),
and the auditor found it conforming, with an observation, or a minor / major
non-conformity. The comparison says where a company rates itself higher than the audit
shows (over-rating), lower (under-rating), or as the audit does:

- over-rated: "implemented" where the audit found a non-conformity, or "partial" where
  it found a major one;
- under-rated: "not implemented" (or unanswered) where the audit found it conforming;
- otherwise the two agree (an observation does not contradict "implemented": it never
  fails a pre-audit).

Across a cohort, the requirements most often over-rated are what a monitor should look
at on the next visits: the companies believe them done and they are not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

NC = {"minor_nonconformity", "major_nonconformity"}


class Calibration(StrEnum):
    agrees = "agrees"
    over_rated = "over_rated"
    under_rated = "under_rated"


def compare(self_status: str | None, result: str) -> Calibration:
    if (self_status == "implemented" and result in NC) or (
        self_status == "partial" and result == "major_nonconformity"
    ):
        return Calibration.over_rated
    if self_status in (None, "not_implemented") and result == "conforming":
        return Calibration.under_rated
    return Calibration.agrees


@dataclass(frozen=True)
class Pair:
    """One requirement of one company: what it said, what the audit found."""

    participant_id: object
    requirement_code: str
    aspect_code: str
    self_status: str | None
    result: str

    @property
    def calibration(self) -> Calibration:
        return compare(self.self_status, self.result)


@dataclass
class Tally:
    compared: int = 0
    agrees: int = 0
    over_rated: int = 0
    under_rated: int = 0
    participants_over: set[object] = field(default_factory=set)

    def add(self, pair: Pair) -> None:
        self.compared += 1
        kind = pair.calibration
        setattr(self, kind.value, getattr(self, kind.value) + 1)
        if kind == Calibration.over_rated:
            self.participants_over.add(pair.participant_id)

    @property
    def over_rate(self) -> float:
        """Share of comparisons where the company rated itself higher than the audit, in %."""
        return round(100 * self.over_rated / self.compared, 1) if self.compared else 0.0


def tally_by(pairs: Iterable[Pair], key: Callable[[Pair], str]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for pair in pairs:
        tallies[key(pair)].add(pair)
    return dict(tallies)


def focus(by_requirement: dict[str, Tally], *, limit: int = 10, min_rate: float = 20.0) -> list[str]:
    """Requirements a monitor should look at: the most over-rated (at least ``min_rate`` %)."""
    ranked = sorted(
        (code for code, t in by_requirement.items() if t.over_rated and t.over_rate >= min_rate),
        key=lambda code: (-by_requirement[code].over_rate, -by_requirement[code].over_rated, code),
    )
    return ranked[:limit]
