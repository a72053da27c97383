"""Record-level access rules: own company, assigned monitor, assigned certification body."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pytest

from services.audit.domain.access import (
    body_filter,
    company_filter,
    ensure_assigned_body,
    ensure_can_fill,
    ensure_can_see,
    ensure_can_see_audit,
    ensure_leads,
    ensure_may_approve_official,
    ensure_may_override_order,
    narrow,
)
from services.audit.domain.filters import BodyFilter, CertificateFilter, PreauditFilter
from shared.auth import Principal, Role
from shared.errors import Forbidden, NotFound

OWN, OTHER = "20100070970", "20131312955"
MONITOR = uuid.uuid4()
BODY, OTHER_BODY = uuid.uuid4(), uuid.uuid4()


@dataclass
class Participant:
    ruc: str = OWN
    monitor_id: uuid.UUID | None = MONITOR
    monitor_subject: str | None = None


@dataclass
class Audit:
    ruc: str = OWN
    body_id: uuid.UUID = BODY


def who(role: Role, **kwargs) -> Principal:
    return Principal(
        subject=kwargs.pop("subject", "u1"), role=role, expires_at=int(time.time()) + 60, **kwargs
    )


def test_company_sees_and_fills_only_its_own_file():
    company = who(Role.company, ruc=OWN)
    ensure_can_see(company, OWN)
    ensure_can_fill(company, Participant())
    with pytest.raises(NotFound):  # another company's file is not there for it
        ensure_can_see(company, OTHER)
    with pytest.raises(NotFound):
        ensure_can_fill(company, Participant(ruc=OTHER))


def test_company_listing_is_narrowed_to_its_ruc_and_cannot_ask_for_another():
    company = who(Role.company, ruc=OWN)
    assert company_filter(company, None) == OWN
    with pytest.raises(NotFound):
        company_filter(company, OTHER)
    assert company_filter(who(Role.promperu_officer), OTHER) == OTHER


def test_only_the_assigned_monitor_fills_a_self_assessment():
    ensure_can_fill(who(Role.monitor, subject=str(MONITOR)), Participant())
    with pytest.raises(NotFound):
        ensure_can_fill(who(Role.monitor, subject=str(uuid.uuid4())), Participant())
    with pytest.raises(NotFound):
        ensure_can_fill(who(Role.monitor, subject=str(MONITOR)), Participant(monitor_id=None))


def test_a_monitor_is_known_by_the_login_subject_enrollment_recorded():
    ensure_can_fill(who(Role.monitor, subject="rquispe"), Participant(monitor_subject="rquispe"))
    with pytest.raises(NotFound):
        ensure_can_fill(who(Role.monitor, subject="jsalas"), Participant(monitor_subject="rquispe"))


@pytest.mark.parametrize("role", [Role.auditor, Role.certification_body, Role.partner])
def test_other_roles_never_fill_a_self_assessment(role):
    with pytest.raises(Forbidden):
        ensure_can_fill(who(role, ruc=OWN), Participant())


def test_a_certification_body_sees_only_audits_assigned_to_it():
    body = who(Role.certification_body, body_id=str(BODY))
    ensure_assigned_body(body, BODY)
    ensure_can_see_audit(body, Audit())
    assert body_filter(body, None) == BODY
    with pytest.raises(NotFound):  # another body's audit is not there for it
        ensure_can_see_audit(body, Audit(body_id=OTHER_BODY))
    with pytest.raises(Forbidden):
        body_filter(body, OTHER_BODY)
    with pytest.raises(Forbidden):
        ensure_can_see(body, OWN)  # a body has no business with a company's findings


def test_a_body_credential_without_body_id_is_refused():
    with pytest.raises(Forbidden):
        body_filter(who(Role.certification_body), None)


def test_staff_see_every_company_and_audit():
    for role in (Role.promperu_officer, Role.auditor, Role.admin):
        ensure_can_see(who(role), OTHER)
        ensure_can_see_audit(who(role), Audit(ruc=OTHER, body_id=OTHER_BODY))


def test_an_auditor_changes_only_the_preaudits_it_leads():
    @dataclass
    class Preaudit:
        id: uuid.UUID
        auditor: str

    mine = Preaudit(uuid.uuid4(), "auditor-1")
    ensure_leads(who(Role.auditor, subject="auditor-1"), mine)
    with pytest.raises(Forbidden):
        ensure_leads(who(Role.auditor, subject="auditor-2"), mine)
    for role in (Role.promperu_officer, Role.admin):
        ensure_leads(who(role), mine)


def test_a_listing_is_narrowed_to_what_the_caller_may_see():
    company = who(Role.company, ruc=OWN)
    assert narrow(company, PreauditFilter(status="failed")) == PreauditFilter(ruc=OWN, status="failed")
    body = who(Role.certification_body, body_id=str(BODY))
    assert narrow(body, CertificateFilter(ruc=OTHER)) == CertificateFilter(ruc=OTHER, body_id=BODY)
    with pytest.raises(Forbidden):
        narrow(body, CertificateFilter(body_id=OTHER_BODY))
    officer = who(Role.promperu_officer)
    assert narrow(officer, CertificateFilter(ruc=OTHER)) == CertificateFilter(ruc=OTHER)
    assert narrow(company, BodyFilter(active=True)) == BodyFilter(active=True)  # the registry is public


def test_only_an_officer_overrides_the_programme_order_and_only_an_admin_approves_a_standard():
    ensure_may_override_order(who(Role.promperu_officer))
    ensure_may_override_order(who(Role.admin))
    with pytest.raises(Forbidden):
        ensure_may_override_order(who(Role.auditor))
    ensure_may_approve_official(who(Role.admin))
    with pytest.raises(Forbidden):
        ensure_may_approve_official(who(Role.promperu_officer))
