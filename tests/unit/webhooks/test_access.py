"""Whose subscriptions a caller sees, and who subscribes for whom."""

from __future__ import annotations

import pytest

from services.webhooks.domain.access import owner_scope, subscriber
from shared.auth import Principal, Role
from shared.errors import Forbidden, RuleViolation


def principal(role: Role, **kw: object) -> Principal:
    return Principal(subject=f"apikey:{role}", role=role, expires_at=0, **kw)


def test_a_partner_sees_its_own_subscriptions_and_an_admin_every_partners():
    assert owner_scope(principal(Role.partner)) == "apikey:partner"
    assert owner_scope(principal(Role.admin)) is None


def test_a_partner_subscribes_for_itself_with_its_keys_scopes():
    partner = principal(Role.partner, name="ProInnovate", scopes=["audit:read"])
    who = subscriber(partner, owner=None, scopes=None, organisation=None)
    assert (who.owner, who.organisation, who.scopes) == ("apikey:partner", "ProInnovate", ["audit:read"])
    for given in ({"owner": "apikey:x"}, {"scopes": []}, {"organisation": "ITP"}):
        with pytest.raises(Forbidden):
            subscriber(partner, **{"owner": None, "scopes": None, "organisation": None, **given})


def test_an_admin_subscribes_for_a_partner_it_names_with_that_partners_scopes():
    admin = principal(Role.admin)
    who = subscriber(admin, owner="apikey:itp", scopes=["enrollment:read"], organisation="ITP")
    assert (who.owner, who.organisation, who.scopes) == ("apikey:itp", "ITP", ["enrollment:read"])
    with pytest.raises(RuleViolation):
        subscriber(admin, owner=None, scopes=["audit:read"], organisation=None)
    with pytest.raises(RuleViolation):
        subscriber(admin, owner="apikey:itp", scopes=None, organisation=None)
