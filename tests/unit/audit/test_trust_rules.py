"""Issue 14's pure rules: the expiry pass date, the programme's structure and order, corrections."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.audit.domain.trust import (
    ProgrammeProgress,
    Structure,
    ensure_correction,
    ensure_programme_order,
    ensure_programme_structure,
    expiry_pass_date,
    licence_after_correction,
    programme_order_gaps,
)
from shared.errors import RuleViolation

TODAY = date(2026, 11, 28)


def test_the_expiry_pass_takes_another_date_only_in_dev_and_test():
    assert expiry_pass_date(None, TODAY, "prod") == TODAY
    assert expiry_pass_date(TODAY, TODAY, "prod") == TODAY
    assert expiry_pass_date(date(2028, 11, 28), TODAY, "dev") == date(2028, 11, 28)
    with pytest.raises(RuleViolation) as caught:
        expiry_pass_date(date(2028, 11, 28), TODAY, "prod")
    assert caught.value.extra["rule"] == "expiry_pass_date"
    with pytest.raises(RuleViolation):
        expiry_pass_date(date(2026, 11, 27), TODAY, "staging")


def test_the_programme_structure_is_8_and_112_unless_declared():
    ensure_programme_structure("v", Structure(8, 112), purpose="x")
    ensure_programme_structure("v", Structure(2, 2, 2, 2), purpose="x")
    for wrong in (Structure(1, 1), Structure(8, 111), Structure(2, 2, 2, 3)):
        with pytest.raises(RuleViolation):
            ensure_programme_structure("v", wrong, purpose="x")


def test_the_pre_audit_comes_after_training_and_assistance():
    done = datetime(2026, 10, 1, tzinfo=UTC)
    assert programme_order_gaps(ProgrammeProgress(done, 1), 1) == []
    assert programme_order_gaps(ProgrammeProgress(None, 0), 1) == [
        "training_not_completed",
        "technical_assistance_missing",
    ]
    assert programme_order_gaps(ProgrammeProgress(done, 1), 2) == ["technical_assistance_missing"]
    ensure_programme_order(ProgrammeProgress(None, 0), 1, overridden=True)
    with pytest.raises(RuleViolation):
        ensure_programme_order(ProgrammeProgress(done, 0), 1, overridden=False)


@pytest.mark.parametrize(
    ("current", "target", "expires_on", "rule"),
    [
        ("expired", "active", date(2028, 11, 29), None),
        ("withdrawn", "suspended", date(2028, 11, 29), None),
        ("active", "active", date(2028, 11, 29), "correction_no_change"),
        ("active", "superseded", date(2028, 11, 29), "correction_target"),
        ("expired", "active", TODAY, "certificate_past_expiry"),
        ("active", "expired", date(2028, 11, 29), "correction_not_due"),
    ],
)
def test_corrections(current, target, expires_on, rule):
    if rule is None:
        ensure_correction(current, target, expires_on, TODAY)
        return
    with pytest.raises(RuleViolation) as caught:
        ensure_correction(current, target, expires_on, TODAY)
    assert caught.value.extra["rule"] == rule


@pytest.mark.parametrize(
    ("certificate_to", "licence", "expected"),
    [
        ("active", "withdrawn", "granted"),  # a wrong withdrawal had ended the licence: it comes back
        ("active", "expired", "granted"),
        ("active", "suspended", None),  # suspended on its own: it stays suspended
        ("active", "granted", None),
        ("withdrawn", "granted", "withdrawn"),  # the licence never outlives its certificate
        ("withdrawn", "suspended", "withdrawn"),
        ("expired", "granted", "expired"),
        ("suspended", "granted", None),  # a suspended certificate leaves the licence as it is
    ],
)
def test_the_mark_licence_follows_a_correction_where_the_wrong_move_had_ended_it(
    certificate_to, licence, expected
):
    assert licence_after_correction(certificate_to, licence) == expected
