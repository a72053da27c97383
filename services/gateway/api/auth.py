"""``GET /_auth``: nginx's ``auth_request`` asks here whether a request's credential is good.

Only nginx may ask: every subrequest carries ``X-Eco-Auth-Secret`` (``ECO_AUTH_REQUEST_SECRET``,
written into nginx's config); anyone else gets a 404, as if the route did not exist. nginx
also says which request it is deciding about (``X-Original-Method``, ``X-Original-Path``:
the raw path without its query) and from which address (``X-Real-IP``).

204 with ``X-Eco-Identity`` (the signed Principal, bound to that method and path) when the
credential is good; 204 with no identity when the request carries no credential and the
operation is public (``x-roles: public`` in the merged OpenAPI); 401/403 otherwise, so an
anonymous request to any other operation is refused before nginx reads its body. nginx
discards an auth subrequest's body, so a refusal also travels as ``X-Eco-Auth-Problem``
(the problem+json, ASCII-escaped to be header-safe) for nginx to return as the body.

Refused credentials are counted per client address (:mod:`services.gateway.domain.throttle`);
past the limit the answer is a 401 carrying ``X-Eco-Auth-Retry-After``, which nginx turns
into 429 with that ``Retry-After`` (auth_request passes only 2xx/401/403 through).

``X-Accel-Expires`` tells nginx how long it may reuse the answer for the same credential,
method and path (never past the identity's expiry); refusals carry none and are never cached,
because their body names the request it answers. API keys also get ``X-Eco-Key-Id`` and
``X-Eco-Rate-Limit``: nginx rate-limits after authentication, per key, at the key's tier.
Internal: not in the OpenAPI.
"""

from __future__ import annotations

import hmac
import json
import time
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse

from services.gateway.domain.credentials import read_credential
from services.gateway.domain.decisions import Decision
from services.gateway.domain.rejections import CredentialRejected, Reason
from services.gateway.handlers.credentials import authenticate
from shared.auth import IDENTITY_HEADER, sign_identity
from shared.deps import EngineDep, SettingsDep
from shared.errors import PROBLEM_MEDIA_TYPE, problem_response
from shared.settings import Settings

AUTH_PROBLEM_HEADER = "X-Eco-Auth-Problem"
KEY_ID_HEADER = "X-Eco-Key-Id"
RATE_LIMIT_HEADER = "X-Eco-Rate-Limit"
CACHE_HEADER = "X-Accel-Expires"
RETRY_AFTER_HEADER = "X-Eco-Auth-Retry-After"
ANONYMOUS_HEADER = "X-Eco-Auth-Anonymous"

router = APIRouter(include_in_schema=False)


@router.get("/_auth")
async def check_credential(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    x_api_key: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
    x_eco_auth_secret: Annotated[str | None, Header()] = None,
    x_original_method: Annotated[str, Header()] = "GET",
    x_original_path: Annotated[str, Header()] = "/",
    x_real_ip: Annotated[str | None, Header()] = None,
) -> Response:
    if not hmac.compare_digest((x_eco_auth_secret or "").encode(), settings.auth_request_secret.encode()):
        return problem_response(
            request,
            404,
            "not-found",
            "No API route matches this path.",
            detail_es="Ninguna ruta de la API corresponde a esta dirección.",
        )
    request.state.credential_kind = "unreadable"
    client = x_real_ip or (request.client.host if request.client else "unknown")
    request.state.client_address = client
    now = time.time()
    throttle = request.app.state.failures
    presented = bool((x_api_key or "").strip() or (authorization or "").strip())
    if presented and (wait := throttle.retry_after(client, now)) is not None:
        raise CredentialRejected(Reason.too_many_failures, retry_after=wait)
    credential = read_credential(x_api_key, authorization)
    request.state.credential_kind = credential.kind.value if credential else "none"
    if credential is None:
        documents = request.app.state.documents
        documents.refresh_soon(request.app)
        if not documents.public.allows_anonymous(x_original_method, x_original_path):
            raise CredentialRejected(Reason.credential_required)
    decision = await authenticate(
        engine,
        request.app.state.verifier,
        credential,
        now=now,
        max_age_seconds=settings.identity_max_age_seconds,
        method=x_original_method,
        path=x_original_path,
    )
    outcome = "allowed" if decision.principal else "anonymous"
    request.app.state.auth_metrics.checks.labels(request.state.credential_kind, outcome).inc()
    return Response(status_code=204, headers=_decision_headers(decision, settings, now))


def _decision_headers(decision: Decision, settings: Settings, now: float) -> dict[str, str]:
    headers = {CACHE_HEADER: str(decision.cache_seconds(now, settings.auth_cache_seconds))}
    if decision.principal is not None:
        headers[IDENTITY_HEADER] = sign_identity(decision.principal, settings.identity_secret)
    if decision.key_id is not None:
        headers[KEY_ID_HEADER] = decision.key_id
        headers[RATE_LIMIT_HEADER] = str(decision.rate_limit_per_minute)
    return headers


async def _rejected(request: Request, exc: CredentialRejected) -> JSONResponse:
    kind = getattr(request.state, "credential_kind", "unreadable")
    request.app.state.auth_metrics.checks.labels(kind, exc.reason.value).inc()
    client = getattr(request.state, "client_address", None)
    if client is not None and kind not in ("none",) and exc.reason != Reason.too_many_failures:
        request.app.state.failures.failed(client, time.time())
    rendered = problem_response(
        request, exc.status, exc.slug, exc.detail, detail_es=exc.detail_es, extra=exc.extra
    )
    # The instance is the request nginx is deciding about, not this subrequest.
    problem = json.loads(bytes(rendered.body)) | {
        "instance": request.headers.get("x-original-uri", request.url.path)
    }
    headers = {
        "Content-Language": rendered.headers["content-language"],
        AUTH_PROBLEM_HEADER: json.dumps(problem, ensure_ascii=True, separators=(",", ":")),
    }
    status = exc.status
    if exc.reason == Reason.credential_required:
        # The same answer for everyone who calls this operation without a credential: nginx
        # may keep it (its key is method, path and the empty credential) and writes the
        # problem itself, with each request's own id. A flood then never reaches Python.
        settings: Settings = request.app.state.settings
        headers |= {ANONYMOUS_HEADER: "1", CACHE_HEADER: str(settings.auth_cache_seconds)}
    if exc.retry_after is not None:
        # auth_request passes only 401/403 on: nginx turns this one into a 429.
        headers[RETRY_AFTER_HEADER] = str(exc.retry_after)
        status = 401
    return JSONResponse(problem, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def install_rejection_handler(app: FastAPI) -> None:
    app.exception_handler(CredentialRejected)(_rejected)
