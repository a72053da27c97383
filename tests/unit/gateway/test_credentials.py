"""Reading the one credential of a request from its headers."""

from __future__ import annotations

import pytest

from services.gateway.domain.credentials import Credential, Kind, read_credential
from services.gateway.domain.rejections import CredentialRejected, Reason


@pytest.mark.parametrize(
    ("x_api_key", "authorization", "expected"),
    [
        ("eco_k", None, Credential(Kind.api_key, "eco_k")),
        (None, "Bearer a.b.c", Credential(Kind.bearer, "a.b.c")),
        (None, "bearer   a.b.c ", Credential(Kind.bearer, "a.b.c")),
        (None, "ApiKey eco_k", Credential(Kind.api_key, "eco_k")),
        (None, None, None),
        # Empty counts as absent: nginx's cache key cannot tell the two apart.
        ("", "  ", None),
    ],
)
def test_reads_the_credential(x_api_key, authorization, expected):
    assert read_credential(x_api_key, authorization) == expected


@pytest.mark.parametrize(
    ("x_api_key", "authorization", "reason"),
    [
        ("eco_k", "Bearer a.b.c", Reason.ambiguous_credentials),
        (None, "Basic dXNlcjpwYXNz", Reason.unsupported_scheme),
        (None, "Bearer", Reason.unsupported_scheme),
        (None, "a.b.c", Reason.unsupported_scheme),
    ],
)
def test_refuses_two_credentials_or_an_unknown_scheme(x_api_key, authorization, reason):
    with pytest.raises(CredentialRejected) as caught:
        read_credential(x_api_key, authorization)
    assert caught.value.reason == reason
    assert caught.value.status == 401
    assert caught.value.extra == {"reason": reason.value}
