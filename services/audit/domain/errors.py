"""Input the schema could not catch, reported like FastAPI's own validation errors (422,
``validation-error``, one entry per field), so clients handle both the same way."""

from __future__ import annotations

from typing import Any

from shared.errors import DomainError


class InvalidInput(DomainError):
    status, slug = 422, "validation-error"

    def __init__(self, detail: str, errors: list[dict[str, Any]], *, detail_es: str | None = None) -> None:
        super().__init__(detail, detail_es=detail_es, extra={"errors": errors})
        self.errors = errors


class PayloadTooLarge(DomainError):
    status, slug = 413, "payload-too-large"


class UnsupportedMediaType(DomainError):
    status, slug = 415, "unsupported-media-type"
