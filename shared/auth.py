"""Who is calling: the signed identity the gateway forwards, verified by every service.

nginx asks the gateway app (``auth_request``) whether a credential (JWT or API key) is
good; the app answers with ``X-Eco-Identity: <payload>.<signature>`` where payload is
base64url JSON of a :class:`Principal` and signature an HMAC-SHA256 with the shared
``ECO_IDENTITY_SECRET``. Services trust nothing else: a request that bypasses the
gateway has no valid identity and is refused with 401.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable
from enum import StrEnum
from typing import Annotated, Protocol, cast

from fastapi import Depends, Request
from pydantic import BaseModel, Field, ValidationError
from starlette.types import Scope

from shared.errors import Forbidden, Unauthorized

IDENTITY_HEADER = "X-Eco-Identity"


class Role(StrEnum):
    company = "company"
    monitor = "monitor"
    promperu_officer = "promperu_officer"
    auditor = "auditor"
    certification_body = "certification_body"
    partner = "partner"
    admin = "admin"


class Principal(BaseModel):
    subject: str = Field(description="user id, or api-key id for partner systems")
    role: Role
    name: str | None = None
    ruc: str | None = Field(None, description="the company a `company` user is bound to")
    body_id: str | None = Field(
        None, description="the certification body a `certification_body` user is bound to"
    )
    scopes: list[str] = Field(default_factory=list)
    expires_at: int = Field(description="unix seconds; the signed identity is refused after it")
    method: str | None = Field(None, description="the request method this identity was issued for")
    path: str | None = Field(None, description="the raw request path (no query) it was issued for")

    def is_(self, *roles: Role) -> bool:
        return self.role in roles

    def may_see_company(self, ruc: str) -> bool:
        """A company sees only itself; staff roles see every company."""
        if self.role == Role.company:
            return self.ruc == ruc
        return self.role in (Role.monitor, Role.promperu_officer, Role.auditor, Role.admin, Role.partner)

    def ensure_company(self, ruc: str) -> None:
        """A company asking about another RUC learns nothing: 404, as for a RUC never registered
        (shared/access.py). Roles that never see companies get 403."""
        if self.role == Role.company and self.ruc != ruc:
            from shared.access import hidden  # the kernel's rule table imports this module

            raise hidden("Company")
        if not self.may_see_company(ruc):
            raise Forbidden(
                f"A {self.role} credential cannot access company {ruc}.",
                detail_es=f"Una credencial {self.role} no puede acceder a la empresa {ruc}.",
            )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_identity(principal: Principal, secret: str) -> str:
    payload = _b64(json.dumps(principal.model_dump(mode="json"), separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(signature)}"


_VERIFIED: dict[tuple[str, str], Principal] = {}
_VERIFIED_MAX = 4096


def verify_identity(token: str, secret: str, *, now: float | None = None) -> Principal:
    """The principal of a signed identity; its expiry is checked on every call.

    Verified headers are remembered (bounded): the gateway forwards the same header for a
    token's repeated calls, and the HMAC plus the model's validation were a measurable part
    of a hot read. A header is the same bytes or is verified again.
    """
    principal = _VERIFIED.get((token, secret))
    if principal is None:
        principal = _verify_signature(token, secret)
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()
        _VERIFIED[(token, secret)] = principal
    if principal.expires_at < (now if now is not None else time.time()):
        raise Unauthorized("The identity has expired.", detail_es="La identidad ha expirado.")
    return principal


def _verify_signature(token: str, secret: str) -> Principal:
    payload, _, signature = token.partition(".")
    expected = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
    if not signature or not hmac.compare_digest(signature, expected):
        raise Unauthorized(
            "The identity header is not signed by the gateway.",
            detail_es="La identidad no está firmada por el gateway.",
        )
    try:
        principal = Principal.model_validate_json(_unb64(payload))
    except (ValueError, ValidationError) as exc:
        raise Unauthorized("The identity header is malformed.") from exc
    return principal


async def current_principal(request: Request) -> Principal:
    """The verified caller. Services mount every non-public router behind this."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    token = request.headers.get(IDENTITY_HEADER)
    if not token:
        raise Unauthorized(
            "This operation needs a credential: send a bearer token or an API key through the gateway.",
            detail_es="Esta operación requiere una credencial (token o API key) a través del gateway.",
        )
    settings = request.app.state.settings
    principal = verify_identity(token, settings.identity_secret)
    ensure_bound(principal, request.method, request_path(request.scope), dev=settings.is_dev)
    request.state.principal = principal
    return principal


def request_path(scope: Scope) -> str:
    """The path as the client sent it (not percent-decoded), without the query: what nginx binds."""
    raw = scope.get("raw_path")
    path: str = raw.decode("latin-1") if raw else scope["path"]
    return path.split("?", 1)[0]


def ensure_bound(principal: Principal, method: str, path: str, *, dev: bool) -> None:
    """The gateway binds every identity to the request it checked: one method, one path.

    A header captured from one request (a log, a proxy) is then worth nothing for another
    operation, and nothing at all once it expires (seconds later). Unbound identities exist
    only in dev/test (``tests.support.testing.identity_headers``); production refuses them.
    """
    if principal.method is None and principal.path is None:
        if dev:
            return
        raise Unauthorized(
            "The identity is not bound to a request.",
            detail_es="La identidad no está ligada a una solicitud.",
        )
    if principal.method != method or principal.path != path:
        raise Unauthorized(
            "The identity was issued for another request.",
            detail_es="La identidad fue emitida para otra solicitud.",
        )


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class RoleDependency(Protocol):
    """What ``require_roles`` returns: the dependency, and the roles it admits (for ``x-roles``)."""

    roles: list[str]

    def __call__(self, request: Request, principal: Principal) -> Awaitable[Principal]: ...


def require_roles(*roles: Role) -> RoleDependency:
    """A dependency admitting the given roles (admin always).

    A partner system is admitted where ``partner`` is listed only if its API key holds
    the scope ``<service>:read`` (safe methods) or ``<service>:write`` (the rest).
    """

    # The principal is read here rather than declared as a sub-dependency: the router-level
    # dependency has already verified it (cached on the request), and every sub-dependency
    # FastAPI solves costs each request a recursion of its own.
    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        if principal.role == Role.admin:
            return principal
        if principal.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(
                f"The role '{principal.role}' may not do this; allowed roles: {allowed}.",
                detail_es=f"El rol '{principal.role}' no puede hacer esto; roles permitidos: {allowed}.",
                extra={"allowed_roles": [r.value for r in roles]},
            )
        if principal.role == Role.partner:
            access = "read" if request.method in ("GET", "HEAD", "OPTIONS") else "write"
            scope = f"{request.app.state.settings.service}:{access}"
            if scope not in principal.scopes:
                raise Forbidden(
                    f"This API key lacks the scope '{scope}'.",
                    detail_es=f"Esta API key no tiene el alcance '{scope}'.",
                    extra={"required_scope": scope},
                )
        return principal

    gate = cast(RoleDependency, dependency)
    gate.roles = [r.value for r in roles]  # read by shared.openapi for `x-roles`
    return gate
