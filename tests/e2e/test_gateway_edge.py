"""Abuse stopped at the edge, through the real nginx: anonymous bodies, bad-credential floods,
the credential check kept away from uploads, nginx's own refusals, and identities bound to
the one request the gateway checked."""

from __future__ import annotations

import json
import socket

import httpx
import pytest

from shared.auth import IDENTITY_HEADER
from tests.e2e.test_gateway_auth import auth_checks

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"


def _problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body = response.json()
    assert body["status"] == status
    return body


def test_an_anonymous_body_for_a_protected_operation_is_refused_before_any_service(stack):
    body = b'{"ruc": "' + b"1" * (5 * 1024 * 1024 - 20) + b'"}'
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/enrollment/companies",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    problem = _problem(response, 401)
    assert problem["reason"] == "credential-required"  # the gateway's answer, not the service's
    assert problem["request_id"] == response.headers["x-request-id"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    # The same refusal for everyone: nginx keeps it, so a flood does not even reach the gateway app.
    before = auth_checks(stack)
    for _ in range(5):
        again = httpx.post(
            f"{stack.gateway_url}/api/v1/enrollment/companies",
            content=body,
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        assert again.json()["reason"] == "credential-required"
        assert again.json()["request_id"] == again.headers["x-request-id"]
    assert auth_checks(stack) == before
    # Public operations still answer anonymous callers.
    public = httpx.post(f"{stack.gateway_url}/api/v1/catalog/circularity/mci", json={}, timeout=30)
    assert public.status_code == 422


def test_bad_credentials_from_one_address_get_429_with_a_real_retry_after(stack):
    # Own client addresses (the whole of 127/8 is loopback), so no other test's failures count.
    flood = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=10)
    other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"), timeout=10)
    url = f"{stack.gateway_url}/api/v1/enrollment/companies"
    bad = {"X-API-Key": "eco_0000000000000000_" + "B" * 43}
    statuses = []
    try:
        for _ in range(80):
            response = flood.get(url, headers=bad)
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
        assert statuses[0] == 401 and statuses[-1] == 429, statuses
        problem = _problem(response, 429)
        assert problem["reason"] == "too-many-failures"
        retry_after = int(response.headers["retry-after"])
        assert 1 <= retry_after <= 60
        # Another address is judged on its own.
        assert other.get(url, headers=bad).status_code == 401
    finally:
        flood.close()
        other.close()


def test_auth_answers_nginx_only(stack, platform_ready, issue_token):
    through_nginx = httpx.get(f"{stack.gateway_url}/_auth", headers={"Authorization": "Bearer x"})
    assert through_nginx.status_code == 404
    token = issue_token("admin")
    direct = httpx.get(f"{stack.app_url('gateway')}/_auth", headers={"Authorization": f"Bearer {token}"})
    assert direct.status_code == 404 and IDENTITY_HEADER.lower() not in direct.headers


def test_a_captured_identity_is_good_only_for_the_request_it_was_issued_for(
    stack, platform_ready, issue_token
):
    """As if an identity header leaked from a log: it works for its method and path only."""
    token = issue_token("admin")
    path = "/api/v1/enrollment/monitors"
    answer = httpx.get(
        f"{stack.app_url('gateway')}/_auth",
        headers={
            "Authorization": f"Bearer {token}",
            "X-Eco-Auth-Secret": platform_ready.auth_request_secret,
            "X-Original-Method": "GET",
            "X-Original-Path": path,
        },
    )
    assert answer.status_code == 204
    captured = {IDENTITY_HEADER: answer.headers[IDENTITY_HEADER]}
    service = stack.app_url("enrollment")
    assert httpx.get(service + path, headers=captured).status_code == 200
    assert httpx.get(service + "/api/v1/enrollment/companies", headers=captured).status_code == 401
    assert httpx.post(service + path, json={}, headers=captured).status_code == 401


def test_a_6mb_csv_import_reaches_its_route(stack, issue_token):
    """The credential check does not judge the upload: the import route's 100 MB limit applies."""
    officer = {"Authorization": f"Bearer {issue_token('promperu_officer')}", "Content-Type": "text/csv"}
    # 640 rows of 10 KB: each is refused (the name is too long), cheaply; the size is the point.
    rows = "".join(f"2{i:010d},{'E' * 10_000},X,,,Lima,1\n" for i in range(640))
    csv = (
        "ruc,razon_social,representante_legal,dni_representante,fecha_constitucion,region,ventas_anuales\n"
        + rows
    ).encode()
    assert len(csv) > 6 * 1024 * 1024
    response = httpx.post(
        f"{stack.gateway_url}/api/v1/enrollment/companies/import", content=csv, headers=officer, timeout=120
    )
    assert response.status_code not in (413, 500, 502, 503), response.text[:300]
    assert response.status_code in (200, 400, 422), response.text[:300]


def _raw(stack, request: bytes) -> tuple[int, dict[str, str], bytes]:
    port = int(stack.gateway_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /api/v1/catalog/organisations HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", 400),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 414),
    ],
    ids=["400", "414"],
)
def test_nginx_own_refusals_are_problem_details(stack, request_bytes, status):
    got, headers, body = _raw(stack, request_bytes)
    assert got == status
    assert headers["content-type"].startswith(PROBLEM)
    problem = json.loads(body)
    assert problem["status"] == status and problem["type"].startswith(
        "https://api.ecoeficiencia.pe/problems/"
    )
