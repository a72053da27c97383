"""A body may act only on dates its PROMPERÚ authorisation covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from services.audit.domain.bodies import ensure_authorised_on, is_authorised_on
from shared.errors import RuleViolation


@dataclass
class Body:
    name: str = "Certificadora Andina"
    authorisation_number: str = "OC-003"
    active: bool = True
    valid_from: date = date(2025, 1, 1)
    valid_to: date = date(2026, 12, 31)


@pytest.mark.parametrize(
    ("day", "authorised"),
    [
        (date(2024, 12, 31), False),
        (date(2025, 1, 1), True),
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), False),
    ],
)
def test_authorisation_covers_its_first_and_last_day(day, authorised):
    assert is_authorised_on(Body(), day) is authorised


def test_an_inactive_body_is_never_authorised():
    assert not is_authorised_on(Body(active=False), date(2025, 6, 1))
    with pytest.raises(RuleViolation) as caught:
        ensure_authorised_on(Body(active=False), date(2025, 6, 1))
    assert caught.value.extra["rule"] == "body_not_authorised"
