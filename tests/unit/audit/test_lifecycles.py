"""The audit lifecycles, stated in the programme's words (not read back from the tables).

Pre-audit (PBE III.3), non-conformity, certification audit (III.4), certificate (IV) and
the right to use the mark: what may follow what, and what a refusal says.
"""

from __future__ import annotations

import pytest

from services.audit.domain.lifecycles import (
    CERTIFICATE,
    CERTIFICATION_AUDIT,
    MARK_LICENCE,
    NONCONFORMITY,
    PREAUDIT,
    CertificateStatus,
    CertificationAuditStatus,
    MarkLicenceStatus,
    NonconformityStatus,
    PreauditStatus,
)
from services.audit.domain.state_machine import StateMachine
from shared.errors import InvalidTransition


def refused(machine: StateMachine, current: str, target: str) -> InvalidTransition:
    with pytest.raises(InvalidTransition) as caught:
        machine.ensure(current, target)
    return caught.value


def test_a_refusal_is_a_409_naming_the_state_the_move_and_what_the_state_allows():
    error = refused(PREAUDIT, "scheduled", "passed")
    assert error.status == 409
    assert error.extra == {
        "current_state": "scheduled",
        "attempted": "passed",
        "allowed_transitions": ["cancelled", "in_progress"],
    }


def test_a_final_state_says_so():
    error = refused(CERTIFICATE, "withdrawn", "active")
    assert error.extra["allowed_transitions"] == []
    assert "final state" in error.detail


# -- pre-audit ---------------------------------------------------------------------------------
def test_a_preaudit_is_started_before_it_concludes():
    assert PREAUDIT.ensure("scheduled", "in_progress") == "in_progress"
    for conclusion in ("passed", "failed"):
        refused(PREAUDIT, "scheduled", conclusion)
        assert PREAUDIT.ensure("in_progress", conclusion) == conclusion


def test_a_preaudit_may_be_cancelled_until_it_concludes():
    assert PREAUDIT.can("scheduled", "cancelled")
    assert PREAUDIT.can("in_progress", "cancelled")
    for concluded in ("passed", "failed"):
        assert not PREAUDIT.can(concluded, "cancelled")


def test_a_failed_preaudit_can_still_pass_and_nothing_else():
    """Zero non-conformities is the rule: it passes once every one is closed, never re-opens."""
    assert PREAUDIT.ensure("failed", "passed") == "passed"
    assert refused(PREAUDIT, "failed", "in_progress").extra["allowed_transitions"] == ["passed"]


@pytest.mark.parametrize("final", ["passed", "cancelled"])
def test_a_passed_or_cancelled_preaudit_is_final(final: str):
    for status in PreauditStatus:
        assert not PREAUDIT.can(final, status)


# -- non-conformity ----------------------------------------------------------------------------
def test_a_nonconformity_closes_only_through_a_verified_corrective_action():
    refused(NONCONFORMITY, "open", "verified_closed")
    assert NONCONFORMITY.ensure("open", "action_submitted") == "action_submitted"
    assert NONCONFORMITY.ensure("action_submitted", "verified_closed") == "verified_closed"


def test_a_rejected_corrective_action_is_answered_with_another():
    assert NONCONFORMITY.ensure("action_submitted", "rejected") == "rejected"
    assert NONCONFORMITY.ensure("rejected", "action_submitted") == "action_submitted"
    refused(NONCONFORMITY, "rejected", "verified_closed")


def test_a_closed_nonconformity_stays_closed():
    for status in NonconformityStatus:
        assert not NONCONFORMITY.can("verified_closed", status)


# -- certification audit -------------------------------------------------------------------------
def test_the_body_schedules_the_audit_before_deciding_it():
    refused(CERTIFICATION_AUDIT, "requested", "approved")
    refused(CERTIFICATION_AUDIT, "requested", "not_approved")
    assert CERTIFICATION_AUDIT.ensure("requested", "scheduled") == "scheduled"
    assert CERTIFICATION_AUDIT.ensure("scheduled", "approved") == "approved"
    assert CERTIFICATION_AUDIT.ensure("scheduled", "not_approved") == "not_approved"


def test_the_organisation_may_cancel_until_the_body_decides():
    assert CERTIFICATION_AUDIT.can("requested", "cancelled")
    assert CERTIFICATION_AUDIT.can("scheduled", "cancelled")
    assert not CERTIFICATION_AUDIT.can("approved", "cancelled")
    assert not CERTIFICATION_AUDIT.can("not_approved", "cancelled")


@pytest.mark.parametrize("final", ["approved", "not_approved", "cancelled"])
def test_a_decided_or_cancelled_certification_audit_is_final(final: str):
    for status in CertificationAuditStatus:
        assert not CERTIFICATION_AUDIT.can(final, status)


# -- certificate -------------------------------------------------------------------------------
def test_a_suspension_is_lifted_or_ends_in_withdrawal_or_expiry():
    assert CERTIFICATE.ensure("active", "suspended") == "suspended"
    assert CERTIFICATE.ensure("suspended", "active") == "active"
    assert CERTIFICATE.can("suspended", "withdrawn")
    assert CERTIFICATE.can("suspended", "expired")


def test_only_an_active_certificate_is_superseded_by_its_renewal():
    assert CERTIFICATE.ensure("active", "superseded") == "superseded"
    refused(CERTIFICATE, "suspended", "superseded")


def test_an_active_certificate_is_withdrawn_or_expires_directly():
    assert CERTIFICATE.can("active", "withdrawn")
    assert CERTIFICATE.can("active", "expired")


@pytest.mark.parametrize("final", ["withdrawn", "expired", "superseded"])
def test_a_withdrawn_expired_or_superseded_certificate_is_final(final: str):
    for status in CertificateStatus:
        assert not CERTIFICATE.can(final, status)


# -- the right to use the mark ---------------------------------------------------------------------
def test_the_mark_licence_is_suspended_and_restored_on_its_own():
    assert MARK_LICENCE.ensure("granted", "suspended") == "suspended"
    assert MARK_LICENCE.ensure("suspended", "granted") == "granted"
    refused(MARK_LICENCE, "granted", "granted")


@pytest.mark.parametrize("end", ["withdrawn", "expired"])
def test_a_mark_licence_ends_for_good(end: str):
    assert MARK_LICENCE.can("granted", end)
    assert MARK_LICENCE.can("suspended", end)
    for status in MarkLicenceStatus:
        assert not MARK_LICENCE.can(end, status)


@pytest.mark.parametrize(
    ("machine", "statuses"),
    [
        (PREAUDIT, PreauditStatus),
        (NONCONFORMITY, NonconformityStatus),
        (CERTIFICATION_AUDIT, CertificationAuditStatus),
        (CERTIFICATE, CertificateStatus),
        (MARK_LICENCE, MarkLicenceStatus),
    ],
)
def test_every_status_the_api_reports_is_a_state_of_its_lifecycle(machine: StateMachine, statuses: type):
    assert sorted(machine.states) == sorted(str(s) for s in statuses)
