"""The kernel's per-role rules: one table, 404 for what a caller may not know exists, and the
identity bound to the request it was issued for."""

from __future__ import annotations

import time
import uuid

import pytest

from shared.access import RULES, ensure_monitor_of, is_assigned_monitor
from shared.auth import Principal, Role, ensure_bound
from shared.errors import Forbidden, NotFound, Unauthorized


def who(role: Role, **kwargs) -> Principal:
    return Principal(
        subject=kwargs.pop("subject", "u1"), role=role, expires_at=int(time.time()) + 60, **kwargs
    )


def test_every_role_has_its_rule_stated():
    assert set(RULES) == set(Role)


def test_a_company_asking_about_another_ruc_gets_404_like_an_unknown_one():
    company = who(Role.company, ruc="20100070970")
    company.ensure_company("20100070970")
    with pytest.raises(NotFound):
        company.ensure_company("20131312955")
    with pytest.raises(Forbidden):  # a role that never sees companies: 403, the role says so
        who(Role.certification_body).ensure_company("20131312955")


def test_a_monitor_acts_only_for_its_assigned_companies():
    monitor_id = uuid.uuid4()
    assert is_assigned_monitor(who(Role.monitor, subject="rq"), monitor_subject="rq", monitor_id=None)
    assert is_assigned_monitor(
        who(Role.monitor, subject=str(monitor_id)), monitor_subject=None, monitor_id=monitor_id
    )
    assert not is_assigned_monitor(
        who(Role.monitor, subject="js"), monitor_subject="rq", monitor_id=monitor_id
    )
    with pytest.raises(NotFound):
        ensure_monitor_of(
            who(Role.monitor, subject="js"),
            what="Participant",
            ident=1,
            monitor_subject="rq",
            monitor_id=None,
        )
    ensure_monitor_of(
        who(Role.promperu_officer), what="Participant", ident=1, monitor_subject="rq", monitor_id=None
    )


def test_a_bound_identity_is_good_only_for_its_method_and_path():
    bound = who(Role.admin, method="GET", path="/api/v1/enrollment/companies/20100070970")
    ensure_bound(bound, "GET", "/api/v1/enrollment/companies/20100070970", dev=False)
    for method, path in (
        ("DELETE", "/api/v1/enrollment/companies/20100070970"),
        ("GET", "/api/v1/enrollment/companies/20131312955"),
        ("GET", "/api/v1/enrollment/companies/20100070970/"),
    ):
        with pytest.raises(Unauthorized):
            ensure_bound(bound, method, path, dev=False)


def test_production_refuses_an_unbound_identity():
    ensure_bound(who(Role.admin), "GET", "/x", dev=True)  # tests.support.testing's helper, dev/test only
    with pytest.raises(Unauthorized):
        ensure_bound(who(Role.admin), "GET", "/x", dev=False)
