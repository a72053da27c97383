"""Who may know which enrollment record exists (domain/access.py), without a database."""

from __future__ import annotations

import pytest

from services.enrollment.domain.access import WHOLE_PROGRAMME, Scope, ensure_may_register, scope_of, visible
from shared.access import Hidden
from shared.auth import Principal, Role
from shared.errors import Forbidden, NotFound

RUC = "20100070970"
OTHER = "20131312955"


def caller(role: Role, **bound: str) -> Principal:
    return Principal(subject=f"{role}-1", role=role, expires_at=1, **bound)


def test_a_company_sees_its_own_ruc_and_a_monitor_the_participants_it_follows():
    assert scope_of(caller(Role.company, ruc=RUC)) == Scope(company_ruc=RUC)
    assert scope_of(caller(Role.monitor)) == Scope(monitor_subject="monitor-1")


@pytest.mark.parametrize("role", [Role.promperu_officer, Role.partner, Role.admin])
def test_staff_and_partner_systems_see_the_whole_programme(role):
    assert scope_of(caller(role)).whole_programme


def test_a_company_credential_without_a_ruc_sees_nothing_rather_than_everything():
    scope = scope_of(caller(Role.company))
    assert not scope.whole_programme and scope.company_ruc == ""


def test_a_record_out_of_reach_is_a_404_that_names_nothing():
    with pytest.raises(Hidden) as caught:
        visible(None, Scope(monitor_subject="m"), what="Company", ident=RUC)
    assert RUC not in caught.value.detail and caught.value.status == 404


def test_a_missing_record_is_named_to_whoever_sees_the_whole_programme():
    with pytest.raises(NotFound) as caught:
        visible(None, WHOLE_PROGRAMME, what="Company", ident=RUC)
    assert not isinstance(caught.value, Hidden) and RUC in caught.value.detail
    assert visible("row", Scope(company_ruc=RUC), what="Company", ident=RUC) == "row"


def test_a_company_registers_only_its_own_ruc_and_is_told_so():
    ensure_may_register(caller(Role.company, ruc=RUC), RUC)
    ensure_may_register(caller(Role.promperu_officer), OTHER)
    with pytest.raises(Forbidden):
        ensure_may_register(caller(Role.company, ruc=RUC), OTHER)
