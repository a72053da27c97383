"""Every lifecycle: each legal move passes, each illegal one is refused with the allowed moves."""

from __future__ import annotations

import itertools

import pytest

from services.audit.domain.lifecycles import (
    CERTIFICATE,
    CERTIFICATION_AUDIT,
    NONCONFORMITY,
    PREAUDIT,
    CertificateStatus,
    CertificationAuditStatus,
    NonconformityStatus,
    PreauditStatus,
)
from services.audit.domain.state_machine import StateMachine
from shared.errors import InvalidTransition

MACHINES: list[tuple[StateMachine, type]] = [
    (PREAUDIT, PreauditStatus),
    (NONCONFORMITY, NonconformityStatus),
    (CERTIFICATION_AUDIT, CertificationAuditStatus),
    (CERTIFICATE, CertificateStatus),
]

LEGAL = {
    "Pre-audit": {
        ("scheduled", "in_progress"),
        ("scheduled", "cancelled"),
        ("in_progress", "passed"),
        ("in_progress", "failed"),
        ("in_progress", "cancelled"),
        ("failed", "passed"),
    },
    "Non-conformity": {
        ("open", "action_submitted"),
        ("action_submitted", "verified_closed"),
        ("action_submitted", "rejected"),
        ("rejected", "action_submitted"),
    },
    "Certification audit": {
        ("requested", "scheduled"),
        ("requested", "cancelled"),
        ("scheduled", "approved"),
        ("scheduled", "not_approved"),
        ("scheduled", "cancelled"),
    },
    "Certificate": {
        ("active", "suspended"),
        ("active", "withdrawn"),
        ("active", "expired"),
        ("active", "superseded"),
        ("suspended", "active"),
        ("suspended", "withdrawn"),
        ("suspended", "expired"),
    },
}


def _pairs(legal: bool):
    for machine, states in MACHINES:
        for current, target in itertools.product(states, states):
            pair = (str(current), str(target))
            if (pair in LEGAL[machine.entity]) == legal:
                yield pytest.param(machine, *pair, id=f"{machine.entity}:{pair[0]}->{pair[1]}")


def test_every_state_of_each_enum_is_in_its_table():
    for machine, states in MACHINES:
        assert set(machine.states) == {str(s) for s in states}


@pytest.mark.parametrize(("machine", "current", "target"), list(_pairs(legal=True)))
def test_legal_transition_is_allowed(machine: StateMachine, current: str, target: str):
    assert machine.ensure(current, target) == target


@pytest.mark.parametrize(("machine", "current", "target"), list(_pairs(legal=False)))
def test_illegal_transition_is_refused_with_the_allowed_moves(
    machine: StateMachine, current: str, target: str
):
    with pytest.raises(InvalidTransition) as caught:
        machine.ensure(current, target)
    error = caught.value
    assert error.status == 409
    assert error.extra["current_state"] == current
    assert error.extra["attempted"] == target
    assert error.extra["allowed_transitions"] == sorted(t for c, t in LEGAL[machine.entity] if c == current)


@pytest.mark.parametrize(
    ("machine", "final"),
    [
        (PREAUDIT, "passed"),
        (PREAUDIT, "cancelled"),
        (NONCONFORMITY, "verified_closed"),
        (CERTIFICATION_AUDIT, "approved"),
        (CERTIFICATION_AUDIT, "not_approved"),
        (CERTIFICATE, "withdrawn"),
        (CERTIFICATE, "expired"),
        (CERTIFICATE, "superseded"),
    ],
)
def test_final_states_say_so(machine: StateMachine, final: str):
    with pytest.raises(InvalidTransition) as caught:
        machine.ensure(final, machine.states[0])
    assert "final state" in caught.value.detail
