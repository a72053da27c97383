"""API keys: shape, hashing, and the partner a key proves."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from services.gateway.domain import api_keys
from services.gateway.domain.api_keys import Scope
from services.gateway.domain.rejections import CredentialRejected, Reason
from shared.auth import Role


@dataclass(frozen=True)
class Key:
    id: str
    secret_hash: str
    name: str = "nightly sync"
    organisation: str = "ProInnovate"
    scopes: tuple[str, ...] = ("enrollment:read",)
    revoked_at: datetime | None = None


def test_a_new_key_parses_back_and_only_its_hash_is_kept():
    new = api_keys.generate()
    key_id, secret = api_keys.parse(new.plaintext)
    assert key_id == new.id
    assert new.plaintext == f"eco_{key_id}_{secret}"
    assert new.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in new.secret_hash
    assert len(secret) == 43  # 32 random bytes in base64url


def test_keys_are_unique():
    assert len({api_keys.generate().plaintext for _ in range(200)}) == 200


@pytest.mark.parametrize(
    "text",
    ["", "eco_", "eco_123_abc", "sk_0123456789abcdef_" + "a" * 43, "eco_0123456789ABCDEF_" + "a" * 43],
)
def test_a_malformed_key_is_refused_before_any_lookup(text):
    with pytest.raises(CredentialRejected) as caught:
        api_keys.parse(text)
    assert caught.value.reason == Reason.malformed_api_key


def test_a_matching_key_proves_a_partner_with_its_scopes():
    new = api_keys.generate()
    _, secret = api_keys.parse(new.plaintext)
    key = Key(id=new.id, secret_hash=new.secret_hash, scopes=("audit:read", "enrollment:read"))
    principal = api_keys.principal_for(key, secret, expires_at=1_900_000_000)
    assert principal.role == Role.partner
    assert principal.subject == f"apikey:{new.id}"
    assert principal.scopes == ["audit:read", "enrollment:read"]
    assert principal.name == "ProInnovate: nightly sync"
    assert principal.expires_at == 1_900_000_000


def test_a_wrong_secret_is_unknown_even_for_a_revoked_key():
    """Whether a key was revoked is told only to whoever holds its secret."""
    new = api_keys.generate()
    key = Key(id=new.id, secret_hash=new.secret_hash, revoked_at=datetime.now(UTC))
    with pytest.raises(CredentialRejected) as caught:
        api_keys.principal_for(key, "x" * 43, expires_at=0)
    assert caught.value.reason == Reason.unknown_api_key


def test_a_revoked_key_is_refused():
    new = api_keys.generate()
    _, secret = api_keys.parse(new.plaintext)
    key = replace(Key(id=new.id, secret_hash=new.secret_hash), revoked_at=datetime.now(UTC))
    with pytest.raises(CredentialRejected) as caught:
        api_keys.principal_for(key, secret, expires_at=0)
    assert caught.value.reason == Reason.revoked_api_key


def test_scopes_are_the_services_read_or_write_and_normalised():
    assert {s.value for s in Scope} == {
        f"{svc}:{access}"
        for svc in ("enrollment", "training", "audit", "catalog", "webhooks", "circular")
        for access in ("read", "write")
    }
    scopes = [Scope("training:write"), Scope("audit:read"), Scope("training:write")]
    assert api_keys.normalise_scopes(scopes) == ["audit:read", "training:write"]
