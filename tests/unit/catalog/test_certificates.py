"""A certificate's status from its lifecycle facts, whatever order the events arrived in."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from services.catalog.domain.certificates import (
    TRANSITIONS,
    CertificateFacts,
    CertificateStatus,
    VerificationStatus,
    effective_status,
    ensure_transition,
)
from shared.clock import LIMA
from shared.errors import InvalidTransition

ISSUED = {"issued_on": date(2025, 5, 20)}
SUSPENDED = {"suspended_at": datetime(2025, 9, 1, tzinfo=UTC)}
WITHDRAWN = {"withdrawn_at": datetime(2025, 10, 1, tzinfo=UTC)}
EXPIRED = {"expired_on": date(2027, 5, 20)}


def facts_after(*events: dict) -> CertificateFacts:
    merged: dict = {}
    for event in events:
        merged |= event
    return CertificateFacts(**merged)


def test_nothing_is_known_before_the_issue_even_if_a_suspension_came_first():
    assert facts_after(SUSPENDED).status() is None
    assert facts_after(SUSPENDED, ISSUED).status() is CertificateStatus.suspended


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ((ISSUED,), CertificateStatus.valid),
        ((ISSUED, SUSPENDED), CertificateStatus.suspended),
        ((ISSUED, SUSPENDED, WITHDRAWN), CertificateStatus.withdrawn),
        ((ISSUED, SUSPENDED, EXPIRED), CertificateStatus.expired),
        ((ISSUED, WITHDRAWN, EXPIRED), CertificateStatus.withdrawn),  # withdrawn before its expiry date
    ],
)
def test_every_arrival_order_gives_the_same_status(events, expected):
    statuses = {facts_after(*order).status() for order in itertools.permutations(events)}
    assert statuses == {expected}


def test_expiry_recorded_before_a_late_withdrawal_stays_expired():
    late_withdrawal = {"withdrawn_at": datetime(2027, 6, 1, tzinfo=UTC)}
    assert facts_after(ISSUED, EXPIRED, late_withdrawal).status() is CertificateStatus.expired


def test_a_withdrawal_on_the_lima_evening_before_expiry_came_first():
    """Events carry UTC instants: 01:00 UTC on the expiry date is 20:00 in Lima the day before."""
    evening_before = {"withdrawn_at": datetime(2027, 5, 20, 1, 0, tzinfo=UTC)}
    assert evening_before["withdrawn_at"].astimezone(LIMA).date() == date(2027, 5, 19)
    assert facts_after(ISSUED, EXPIRED, evening_before).status() is CertificateStatus.withdrawn
    on_the_day = {"withdrawn_at": datetime(2027, 5, 20, 5, 30, tzinfo=UTC)}
    assert facts_after(ISSUED, EXPIRED, on_the_day).status() is CertificateStatus.expired


def test_final_states_allow_nothing_and_say_so():
    assert TRANSITIONS[CertificateStatus.withdrawn] == frozenset()
    with pytest.raises(InvalidTransition) as err:
        ensure_transition(CertificateStatus.withdrawn, CertificateStatus.valid)
    assert err.value.extra["allowed_transitions"] == []
    with pytest.raises(InvalidTransition) as err:
        ensure_transition(CertificateStatus.expired, CertificateStatus.suspended)
    assert err.value.extra["allowed_transitions"] == []
    ensure_transition(CertificateStatus.suspended, CertificateStatus.valid)  # a reinstatement


REINSTATED = {"reinstated_at": datetime(2025, 9, 15, tzinfo=UTC)}
SUSPENDED_AGAIN = {"suspended_at": datetime(2025, 11, 1, tzinfo=UTC)}


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ((ISSUED, SUSPENDED, REINSTATED), CertificateStatus.valid),
        ((ISSUED, REINSTATED, SUSPENDED_AGAIN), CertificateStatus.suspended),  # suspended after it
        ((ISSUED, SUSPENDED, REINSTATED, WITHDRAWN), CertificateStatus.withdrawn),
        ((ISSUED, SUSPENDED, REINSTATED, EXPIRED), CertificateStatus.expired),
    ],
)
def test_a_reinstatement_lifts_the_suspension_before_it_in_any_arrival_order(events, expected):
    statuses = {facts_after(*order).status() for order in itertools.permutations(events)}
    assert statuses == {expected}


def test_a_live_certificate_reads_expired_from_its_expiry_date_in_lima():
    expires = date(2027, 5, 20)
    assert effective_status("valid", expires, date(2027, 5, 19)) is VerificationStatus.valid
    assert effective_status("valid", expires, date(2027, 5, 20)) is VerificationStatus.expired
    assert effective_status("suspended", expires, date(2027, 6, 1)) is VerificationStatus.expired
    assert effective_status("withdrawn", expires, date(2027, 6, 1)) is VerificationStatus.withdrawn
    assert effective_status(None, None, date(2027, 6, 1)) is VerificationStatus.unknown
