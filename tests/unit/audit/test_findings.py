"""The zero-non-conformity rule of the pre-audit (section III.3)."""

from __future__ import annotations

import pytest

from services.audit.domain.findings import AuditResult, missing_requirements, outcome

CONF, OBS, MINOR, MAJOR = (
    AuditResult.conforming,
    AuditResult.observation,
    AuditResult.minor_nonconformity,
    AuditResult.major_nonconformity,
)


def test_all_conforming_passes():
    result = outcome([CONF] * 112)
    assert result.passed and result.conforming == 112 and result.nonconformities == 0


def test_observations_do_not_fail_a_preaudit():
    result = outcome([CONF] * 100 + [OBS] * 12)
    assert result.passed and result.observations == 12


@pytest.mark.parametrize("nonconformity", [MINOR, MAJOR])
def test_a_single_nonconformity_of_either_severity_fails(nonconformity):
    result = outcome([CONF] * 111 + [nonconformity])
    assert not result.passed and result.nonconformities == 1


def test_counts_are_by_severity():
    result = outcome(
        ["conforming", "observation", "minor_nonconformity", "minor_nonconformity", "major_nonconformity"]
    )
    assert (result.conforming, result.observations, result.minor, result.major) == (1, 1, 2, 1)
    assert result.nonconformities == 3 and not result.passed


def test_missing_requirements_lists_what_has_no_result():
    assert missing_requirements(["A1.R01", "A1.R02", "A2.R01"], ["A1.R02"]) == ["A1.R01", "A2.R01"]
    assert missing_requirements(["A1.R01"], ["A1.R01"]) == []
