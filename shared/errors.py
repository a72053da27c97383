"""Errors raised in domain words and rendered once, as RFC 9457 problem+json.

Domain and handler code raises the classes below; ``install_error_handlers`` turns
them, FastAPI's validation errors, Starlette's HTTP errors and anything unexpected into
``application/problem+json`` with a stable ``type`` URI. Nothing else builds error
responses, and no stack trace ever reaches a client.
"""

from __future__ import annotations

import errno
import logging
import socket
from collections.abc import Mapping
from typing import Any, Literal

import asyncpg
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from kafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError, NoBrokersAvailable
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_BASE = "https://api.ecoeficiencia.pe/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("eco.errors")

# Titles per problem slug in both languages of the programme; detail texts come from
# the code that raised the error (English), with a Spanish variant where it gave one.
TITLES: dict[str, tuple[str, str]] = {
    "validation-error": ("Your request has invalid fields", "La solicitud tiene campos no válidos"),
    "not-found": ("Resource not found", "Recurso no encontrado"),
    "conflict": ("Conflict with the current state", "Conflicto con el estado actual"),
    "invalid-transition": ("Transition not allowed", "Transición no permitida"),
    "rule-violation": ("A business rule was not met", "No se cumple una regla del programa"),
    "unauthorized": ("Authentication required", "Se requiere autenticación"),
    "forbidden": ("Not allowed", "Acceso no permitido"),
    "bad-request": ("Bad request", "Solicitud incorrecta"),
    "method-not-allowed": ("Method not allowed", "Método no permitido"),
    "payload-too-large": ("Request body too large", "El cuerpo de la solicitud es demasiado grande"),
    "unsupported-media-type": ("Unsupported media type", "Tipo de contenido no admitido"),
    "rate-limited": ("Too many requests", "Demasiadas solicitudes"),
    "service-unavailable": ("Service unavailable", "Servicio no disponible"),
    "internal-error": ("Internal error", "Error interno"),
    "idempotency-conflict": (
        "Idempotency-Key reused for a different request",
        "Idempotency-Key reutilizada con otra solicitud",
    ),
}


# --- Failure classes shared by the HTTP handlers and the Kafka consumer -----------------------
#
# A *transient* failure is a dependency that is away for a while (Postgres restarting, the broker
# down, a serialization conflict): retrying later succeeds, so a consumer retries it without limit
# and never dead-letters it, and an HTTP request answers 503 with Retry-After. A *permanent*
# failure can never succeed however often it is retried (not an envelope, a contract violation, an
# unknown version): a consumer dead-letters it at once. Anything else is "unknown" (most likely a
# bug): a consumer retries it a bounded number of times, then dead-letters it.

FailureKind = Literal["transient", "permanent", "unknown"]

# SQLSTATE classes: 08 connection exception, 53 insufficient resources (too many connections,
# disk full), 57P operator intervention (admin/crash shutdown, cannot connect now); and the two
# codes whose transaction simply lost a race: 40001 serialization failure, 40P01 deadlock.
TRANSIENT_SQLSTATE_CLASSES = ("08", "53", "57P")
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})
_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EPIPE,
        errno.ETIMEDOUT,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ENETDOWN,
        errno.EHOSTDOWN,
        errno.ENOTCONN,
    }
)
# Seconds a client is told to wait when a dependency is away.
RETRY_AFTER_SECONDS = 5


class PermanentError(Exception):
    """A message or request that can never succeed by retrying it (raise it to dead-letter at once)."""


def _sqlstate(exc: BaseException) -> str:
    return str(getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None) or "")


def _transient_itself(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):
        return True
    if isinstance(exc, OSError) and (
        exc.errno in _NETWORK_ERRNOS or (type(exc) is OSError and exc.errno is None)
    ):
        return True  # errno None: asyncio's "Multiple exceptions: [Errno 111] ..." on connect
    if isinstance(exc, sqlalchemy.exc.InterfaceError | sqlalchemy.exc.TimeoutError):
        return True  # connection closed under us; no pooled connection within the pool timeout
    if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.CannotConnectNowError):
        return True
    if isinstance(exc, asyncpg.InterfaceError) and "connection" in str(exc) and "closed" in str(exc):
        return True
    state = _sqlstate(exc)
    if state and (state.startswith(TRANSIENT_SQLSTATE_CLASSES) or state in TRANSIENT_SQLSTATES):
        return True
    if isinstance(exc, KafkaError):
        return bool(
            exc.retriable or isinstance(exc, KafkaConnectionError | KafkaTimeoutError | NoBrokersAvailable)
        )
    return False


def classify_failure(exc: BaseException) -> FailureKind:
    """Transient, permanent or unknown: one answer for the consumer and the HTTP handlers.

    Wrapped errors are unwrapped: SQLAlchemy's ``.orig`` and the ``__cause__``/``__context__``
    chain, so a ``ConnectionRefusedError`` under a ``DBAPIError`` is still transient.
    """
    if isinstance(exc, PermanentError):
        return "permanent"
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if _transient_itself(current):
            return "transient"
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]
    return "unknown"


def is_transient(exc: BaseException) -> bool:
    return classify_failure(exc) == "transient"


def _dependency_of(exc: BaseException) -> str:
    current: BaseException | None = exc
    for _ in range(8):
        if current is None:
            break
        if isinstance(current, KafkaError):
            return "message broker"
        current = current.__cause__ or current.__context__
    return "database"


class DomainError(Exception):
    """Base of every error the platform answers on purpose."""

    status: int = 400
    slug: str = "bad-request"

    def __init__(
        self, detail: str, *, detail_es: str | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_es = detail_es
        self.extra = extra or {}


class BadRequest(DomainError):
    status, slug = 400, "bad-request"


class NotFound(DomainError):
    status, slug = 404, "not-found"

    def __init__(self, what: str, ident: object, **kwargs: Any) -> None:
        super().__init__(f"{what} {ident} does not exist.", **kwargs)
        self.extra.setdefault("resource", what)


class Conflict(DomainError):
    status, slug = 409, "conflict"


class InvalidTransition(Conflict):
    """A state machine refused a move; says which moves the current state allows."""

    slug = "invalid-transition"

    def __init__(self, entity: str, current: str, attempted: str, allowed: list[str]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (final state)"
        super().__init__(
            f"{entity} is '{current}' and cannot go to '{attempted}'. Allowed from '{current}': "
            f"{allowed_text}.",
            detail_es=f"{entity} está en '{current}' y no puede pasar a '{attempted}'. "
            f"Permitido: {allowed_text}.",
            extra={"current_state": current, "attempted": attempted, "allowed_transitions": allowed},
        )


class RuleViolation(DomainError):
    """A programme rule failed; ``rule`` is a stable identifier clients can switch on."""

    status, slug = 422, "rule-violation"

    def __init__(self, rule: str, detail: str, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.extra.setdefault("rule", rule)


class Unauthorized(DomainError):
    status, slug = 401, "unauthorized"


class Forbidden(DomainError):
    status, slug = 403, "forbidden"


class IdempotencyConflict(DomainError):
    status, slug = 422, "idempotency-conflict"


class InvalidInput(DomainError):
    """Input the schema could not catch, answered like FastAPI's own validation errors (422
    ``validation-error``, one entry per field: ``field``, ``in``, ``message``), so clients
    handle both the same way."""

    status, slug = 422, "validation-error"

    def __init__(self, detail: str, errors: list[dict[str, Any]], *, detail_es: str | None = None) -> None:
        super().__init__(detail, detail_es=detail_es, extra={"errors": errors})
        self.errors = errors


class PayloadTooLarge(DomainError):
    """A body or file over its limit (413); the answer names the limit (``max_bytes``)."""

    status, slug = 413, "payload-too-large"

    def __init__(self, what: str, max_bytes: int, *, what_es: str | None = None) -> None:
        size = _size_text(max_bytes)
        super().__init__(
            f"{what} is limited to {size}.",
            detail_es=f"{what_es or what}: el límite es {size}.",
            extra={"max_bytes": max_bytes},
        )


class UnsupportedMediaType(DomainError):
    status, slug = 415, "unsupported-media-type"


def _size_text(size: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def prefers_spanish(request: Request) -> bool:
    """True when Accept-Language ranks Spanish above English (q-values honoured)."""
    header = request.headers.get("accept-language", "")
    best_lang, best_q = "en", 0.0
    for part in header.split(","):
        lang, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = lang.strip().lower().split("-")[0]
        if primary in ("es", "en") and q > best_q:
            best_lang, best_q = primary, q
    return best_lang == "es"


def problem_response(
    request: Request,
    status: int,
    slug: str,
    detail: str,
    *,
    detail_es: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    spanish = prefers_spanish(request)
    title_en, title_es = TITLES.get(slug, (slug.replace("-", " ").capitalize(),) * 2)
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title_es if spanish else title_en,
        "status": status,
        "detail": (detail_es or detail) if spanish else detail,
        "instance": request.url.path,
    }
    request_id = request.headers.get("x-request-id")
    if request_id:
        body["request_id"] = request_id
    if extra:
        body.update(extra)
    response_headers = {"Content-Language": "es" if spanish else "en", **(headers or {})}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=response_headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where = loc[0] if loc else "body"
        field = ".".join(loc[1:]) if len(loc) > 1 else where
        errors.append({"field": field, "in": where, "message": err.get("msg", ""), "code": err.get("type")})
    return errors


_STATUS_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    429: "rate-limited",
    503: "service-unavailable",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.slug, exc.detail, detail_es=exc.detail_es, extra=exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return problem_response(
            request,
            422,
            "validation-error",
            f"Invalid or missing fields: {fields}.",
            detail_es=f"Campos no válidos o ausentes: {fields}.",
            extra={"errors": errors},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = _STATUS_SLUGS.get(exc.status_code, "bad-request")
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No route matches {request.method} {request.url.path}."
        return problem_response(request, exc.status_code, slug, detail, headers=exc.headers)

    async def _unavailable(request: Request, exc: BaseException) -> JSONResponse:
        dependency = _dependency_of(exc)
        log.warning(
            "%s unavailable on %s %s: %s", dependency, request.method, request.url.path, type(exc).__name__
        )
        spanish = {"database": "la base de datos", "message broker": "el bus de eventos"}[dependency]
        return problem_response(
            request,
            503,
            "service-unavailable",
            f"The {dependency} is unavailable for a moment; nothing was changed. "
            f"Retry in {RETRY_AFTER_SECONDS} seconds.",
            detail_es=f"{spanish.capitalize()} no está disponible por un momento; no se cambió nada. "
            f"Reintente en {RETRY_AFTER_SECONDS} segundos.",
            extra={"dependency": dependency},
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    async def _dependency_failure(request: Request, exc: Exception) -> JSONResponse:
        if is_transient(exc):
            return await _unavailable(request, exc)
        return await _unexpected(request, exc)

    # Connection failures arrive raw (asyncpg, sockets, Kafka) or wrapped by SQLAlchemy: each
    # family answers 503 when the classifier calls it transient, and 500 otherwise.
    for family in (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError):
        app.add_exception_handler(family, _dependency_failure)
    app.add_exception_handler(sqlalchemy.exc.SQLAlchemyError, _dependency_failure)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        if is_transient(exc):
            return await _unavailable(request, exc)
        # SQLSTATE class 22 (data exception: a NUL byte in text, a number out of range,
        # an unparsable value) means the caller's input, not our failure: a 400 that
        # names no SQL. Anything else is unexpected.
        sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or ""
        if not sqlstate.startswith("22"):
            return await _unexpected(request, exc)
        return problem_response(
            request,
            400,
            "bad-request",
            "A value in the request cannot be stored (for example a NUL character or a number out of range).",
            detail_es="Un valor de la solicitud no se puede almacenar (por ejemplo un carácter NUL o un número fuera de rango).",
            extra={"sqlstate": sqlstate},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if is_transient(exc):  # e.g. a connection error wrapped in another exception
            return await _unavailable(request, exc)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            request,
            500,
            "internal-error",
            "The request could not be completed. It has been logged; quote the request id.",
            detail_es="No se pudo completar la solicitud. Se registró; indique el request id.",
        )
