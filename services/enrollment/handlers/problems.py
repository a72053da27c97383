"""Turn field problems found by the pure checks into one precise problem+json."""

from __future__ import annotations

from services.enrollment.domain.company import FieldProblem
from shared.errors import RuleViolation


def raise_field_problems(problems: list[FieldProblem]) -> None:
    """422 rule-violation naming the first rule; every problem listed in ``errors``."""
    if not problems:
        return
    first = problems[0]
    detail = " ".join(p.message for p in problems)
    raise RuleViolation(
        first.rule,
        detail,
        extra={
            "errors": [
                {"field": p.field, "in": "body", "rule": p.rule, "message": p.message} for p in problems
            ]
        },
    )
