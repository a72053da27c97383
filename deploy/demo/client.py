"""A small client of the platform as a partner or front end sees it: the gateway only.

People get bearer tokens from the gateway's local issuer (dev and test only), one per
role they act in; every call goes through nginx, so credentials, identity signing and
routing are exercised exactly as in production.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any

import httpx


class JourneyError(RuntimeError):
    """A step got an unexpected answer; carries the problem+json the platform gave."""


class PlatformClient:
    def __init__(self, base_url: str, *, log: Callable[[str], None] = print, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout)
        self.log = log
        self._tokens: dict[tuple, str] = {}

    def close(self) -> None:
        self.http.close()

    def token(
        self, role: str, *, ruc: str | None = None, body_id: str | None = None, name: str | None = None
    ) -> str:
        key = (role, ruc, body_id)
        if key not in self._tokens:
            body = {"role": role, "ruc": ruc, "body_id": body_id, "name": name or f"demo {role}"}
            response = self.http.post("/api/v1/gateway/dev/tokens", json={k: v for k, v in body.items() if v})
            self._expect(response, 201, f"token for {role}")
            self._tokens[key] = response.json()["access_token"]
        return self._tokens[key]

    def call(
        self,
        method: str,
        path: str,
        *,
        as_: tuple[str, dict[str, Any]] | None = None,
        expect: int | tuple[int, ...] = 200,
        idempotent: bool = False,
        **kwargs: Any,
    ) -> Any:
        """One API call as a role (``as_=("company", {"ruc": ...})``) or anonymously."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if as_ is not None:
            role, claims = as_
            headers["Authorization"] = f"Bearer {self.token(role, **claims)}"
        if idempotent:
            headers["Idempotency-Key"] = uuid.uuid4().hex
        response = self.http.request(method, path, headers=headers, **kwargs)
        self._expect(response, expect, f"{method} {path}")
        if response.headers.get("content-type", "").startswith(
            ("application/json", "application/problem+json")
        ):
            return response.json()
        return response.text

    @staticmethod
    def _expect(response: httpx.Response, expect: int | tuple[int, ...], what: str) -> None:
        wanted = (expect,) if isinstance(expect, int) else expect
        if response.status_code not in wanted:
            raise JourneyError(
                f"{what}: expected {wanted}, got {response.status_code}: {response.text[:800]}"
            )


def gateway_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('ECO_GATEWAY_PORT', '8080')}"
