"""Which credential a request carries, read from its headers.

Partner systems send ``X-API-Key: <key>`` (or ``Authorization: ApiKey <key>``); people
send ``Authorization: Bearer <jwt>``. An empty header counts as absent, because nginx
caches decisions keyed by these two headers' values and an empty value must get the
same answer as a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.gateway.domain.rejections import CredentialRejected, Reason


class Kind(StrEnum):
    api_key = "api_key"
    bearer = "bearer"


@dataclass(frozen=True)
class Credential:
    kind: Kind
    value: str


def read_credential(x_api_key: str | None, authorization: str | None) -> Credential | None:
    """The one credential of a request, None when there is none; refuses two or a bad scheme."""
    api_key = (x_api_key or "").strip()
    auth = (authorization or "").strip()
    if api_key and auth:
        raise CredentialRejected(Reason.ambiguous_credentials)
    if api_key:
        return Credential(Kind.api_key, api_key)
    if not auth:
        return None
    scheme, _, value = auth.partition(" ")
    value = value.strip()
    kinds = {"bearer": Kind.bearer, "apikey": Kind.api_key}
    kind = kinds.get(scheme.lower())
    if kind is None or not value:
        raise CredentialRejected(Reason.unsupported_scheme)
    return Credential(kind, value)
