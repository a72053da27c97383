"""``GET /_auth``: nginx's ``auth_request`` asks here whether a request's credential is good.

204 with ``X-Eco-Identity`` (the signed Principal) when it is; 204 with no identity when
the request carries no credential at all (the service then decides: public routes
answer, the others 401); 401/403 when a credential is present but refused. nginx
discards an auth subrequest's body, so a refusal also travels as ``X-Eco-Auth-Problem``
(the problem+json, ASCII-escaped to be header-safe) for nginx to return as the body.

``X-Accel-Expires`` tells nginx how long it may reuse the answer for the same credential
headers (never past the identity's expiry); refusals carry none and are never cached,
because their body names the request it answers. API keys also get ``X-Eco-Key-Id`` and
``X-Eco-Rate-Limit``: nginx rate-limits after authentication, per key, at the key's tier.
Internal: nginx serves ``/_auth`` only to its own subrequests; not in the OpenAPI.
"""

from __future__ import annotations

import json
import time
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse

from services.gateway import handlers
from services.gateway.domain.credentials import read_credential
from services.gateway.domain.decisions import Decision
from services.gateway.domain.rejections import CredentialRejected
from shared.auth import IDENTITY_HEADER, sign_identity
from shared.deps import EngineDep, SettingsDep
from shared.errors import PROBLEM_MEDIA_TYPE, problem_response
from shared.settings import Settings

AUTH_PROBLEM_HEADER = "X-Eco-Auth-Problem"
KEY_ID_HEADER = "X-Eco-Key-Id"
RATE_LIMIT_HEADER = "X-Eco-Rate-Limit"
CACHE_HEADER = "X-Accel-Expires"

router = APIRouter(include_in_schema=False)


@router.get("/_auth")
async def check_credential(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    x_api_key: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    request.state.credential_kind = "unreadable"
    credential = read_credential(x_api_key, authorization)
    request.state.credential_kind = credential.kind.value if credential else "none"
    now = time.time()
    decision = await handlers.authenticate(
        engine,
        request.app.state.verifier,
        credential,
        now=now,
        max_age_seconds=settings.identity_max_age_seconds,
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
    rendered = problem_response(
        request, exc.status, exc.slug, exc.detail, detail_es=exc.detail_es, extra=exc.extra
    )
    # The instance is the request nginx is deciding about, not this subrequest.
    problem = json.loads(rendered.body) | {
        "instance": request.headers.get("x-original-uri", request.url.path)
    }
    headers = {
        "Content-Language": rendered.headers["content-language"],
        AUTH_PROBLEM_HEADER: json.dumps(problem, ensure_ascii=True, separators=(",", ":")),
    }
    return JSONResponse(problem, status_code=exc.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def install_rejection_handler(app: FastAPI) -> None:
    app.add_exception_handler(CredentialRejected, _rejected)
