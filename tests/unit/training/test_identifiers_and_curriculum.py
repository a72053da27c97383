"""RUC/DNI checks, duration resolution and cohort settings rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.training.domain.cohorts import check_durations, check_mandatory, check_min_share
from services.training.domain.curriculum import resolve_duration
from services.training.domain.identifiers import is_valid_dni, is_valid_ruc, ruc_from
from shared.errors import RuleViolation


def test_a_real_ruc_passes_and_a_changed_check_digit_fails():
    assert is_valid_ruc("20100070970")
    assert not is_valid_ruc("20100070971")


@pytest.mark.parametrize("ruc", ["2010007097", "201000709700", "30100070970", "2010007097a"])
def test_malformed_rucs_fail(ruc):
    assert not is_valid_ruc(ruc)


def test_generated_rucs_are_valid():
    assert all(is_valid_ruc(ruc_from(f"20{n:08d}")) for n in range(0, 99_999_999, 7_654_321))


@pytest.mark.parametrize(
    ("dni", "valid"), [("40123456", True), ("01234567", True), ("1234567", False), ("4012345a", False)]
)
def test_dni_is_eight_digits(dni, valid):
    assert is_valid_dni(dni) is valid


def test_duration_precedence_session_then_cohort_then_curriculum():
    assert resolve_duration(3, explicit_minutes=90, cohort_overrides={3: 150}, curriculum_minutes=120) == 90
    assert (
        resolve_duration(3, explicit_minutes=None, cohort_overrides={3: 150}, curriculum_minutes=120) == 150
    )
    assert resolve_duration(3, explicit_minutes=None, cohort_overrides={}, curriculum_minutes=120) == 120


def test_a_workshop_without_duration_anywhere_needs_one():
    with pytest.raises(RuleViolation) as caught:
        resolve_duration(5, explicit_minutes=None, cohort_overrides={}, curriculum_minutes=None)
    assert caught.value.extra["rule"] == "duration_required"


def test_cohort_settings_rules():
    assert check_mandatory([3, 1, 1, 2]) == [1, 2, 3]
    with pytest.raises(RuleViolation):
        check_mandatory([])
    with pytest.raises(RuleViolation):
        check_mandatory([11])
    assert check_min_share(Decimal("0.75")) == Decimal("0.75")
    with pytest.raises(RuleViolation):
        check_min_share(Decimal("1.2"))
    with pytest.raises(RuleViolation):
        check_durations({5: 0})
    assert check_durations({10: 90, 5: 120}) == {5: 120, 10: 90}
