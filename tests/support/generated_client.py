"""The demo journey's client, with every request made by a client generated from the OpenAPI.

``deploy/demo/journey.py`` speaks in (method, path, role, json, params). This adapter finds the
operation of the merged document that the method and path name, imports the function
openapi-python-client generated for it, builds its typed arguments (path and query parameters
converted to the annotated types, the body through the generated model's ``from_dict``, the
``Idempotency-Key`` as the declared header parameter) and returns what the generated code parsed,
as a dict. Nothing here sends a request itself: a request the document cannot express, an answer
it does not describe, or an answer that does not parse fails the journey.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
import types
import typing
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

from deploy.demo.client import JourneyError, PlatformClient

METHODS = ("get", "put", "post", "delete", "patch")


def _python_name(name: str) -> str:
    """openapi-python-client's identifier for a parameter (snake case, keywords get a ``_``)."""
    snake = re.sub(r"[^0-9a-zA-Z]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)).strip("_").lower()
    return snake + "_" if snake in ("from", "in", "import", "class", "type", "id", "format") else snake


class GeneratedPlatformClient(PlatformClient):
    def __init__(self, base_url: str, package: Path, doc: dict[str, Any], *, log=print) -> None:
        # No httpx client of our own: requests are the generated code's.
        self.base_url = base_url.rstrip("/")
        self.log = log
        self._tokens: dict[tuple, str] = {}
        self.package = package.name
        self._client_module = importlib.import_module(f"{self.package}.client")
        self._types = importlib.import_module(f"{self.package}.types")
        self._anonymous = self._client_module.Client(base_url=self.base_url, raise_on_unexpected_status=True)
        self._authenticated: dict[str, Any] = {}
        self._routes = []
        for template, item in doc["paths"].items():
            for method, op in item.items():
                if method not in METHODS:
                    continue
                names = re.findall(r"{([^}]+)}", template)
                pattern = re.escape(template)
                for name in names:
                    pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>[^/]+)")
                [module_file] = package.glob(f"api/*/{op['operationId']}.py")
                module = ".".join(module_file.relative_to(package.parent).with_suffix("").parts)
                self._routes.append((method.upper(), re.compile(pattern + "$"), len(names), module, op))
        # A literal segment wins over a parameter (/nonconformities/overdue vs /{id}).
        self._routes.sort(key=lambda route: route[2])
        self.calls: list[str] = []

    def close(self) -> None:
        for client in (self._anonymous, *self._authenticated.values()):
            client.get_httpx_client().close()

    # --- identity ------------------------------------------------------------------------
    def token(
        self, role: str, *, ruc: str | None = None, body_id: str | None = None, name: str | None = None
    ) -> str:
        key = (role, ruc, body_id)
        if key not in self._tokens:
            body = {"role": role, "ruc": ruc, "body_id": body_id, "name": name or f"demo {role}"}
            answer = self.call(
                "POST", "/api/v1/gateway/dev/tokens", expect=201, json={k: v for k, v in body.items() if v}
            )
            self._tokens[key] = answer["access_token"]
        return self._tokens[key]

    def _client_for(self, as_: tuple[str, dict[str, Any]] | None) -> Any:
        if as_ is None:
            return self._anonymous
        role, claims = as_
        token = self.token(role, **claims)
        if token not in self._authenticated:
            self._authenticated[token] = self._client_module.AuthenticatedClient(
                base_url=self.base_url, token=token, raise_on_unexpected_status=True
            )
        return self._authenticated[token]

    # --- one call --------------------------------------------------------------------------
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
        route = next(
            ((m, rx, n, mod, op) for m, rx, n, mod, op in self._routes if m == method and rx.match(path)),
            None,
        )
        if route is None:
            raise JourneyError(f"the OpenAPI document has no operation for {method} {path}")
        _, regex, _, module_name, op = route
        module = importlib.import_module(module_name)
        function = module.sync_detailed
        hints = typing.get_type_hints(function, vars(module))
        signature = inspect.signature(function)
        arguments: dict[str, Any] = {"client": self._client_for(as_)}
        for name, value in regex.match(path).groupdict().items():
            arguments[_python_name(name)] = value
        for name, value in (kwargs.pop("params", None) or {}).items():
            arguments[_python_name(name)] = value
        if "json" in kwargs:
            arguments["body"] = kwargs.pop("json")
        if idempotent:
            arguments["idempotency_key"] = uuid.uuid4().hex
        if kwargs:
            raise JourneyError(
                f"{method} {path}: cannot express {sorted(kwargs)} through the generated client"
            )
        for name in arguments:
            if name not in signature.parameters:
                raise JourneyError(f"{op['operationId']} declares no parameter {name!r}")
        for name, value in list(arguments.items()):
            if name != "client":
                arguments[name] = self._coerce(value, hints[name])
        response = function(**arguments)
        self.calls.append(op["operationId"])
        self._expect(response, expect, f"{method} {path}")
        return self._plain(response)

    def _expect(self, response: Any, expect: int | tuple[int, ...], what: str) -> None:  # type: ignore[override]
        wanted = (expect,) if isinstance(expect, int) else expect
        if int(response.status_code) not in wanted:
            raise JourneyError(
                f"{what}: expected {wanted}, got {int(response.status_code)}: {response.content[:800]!r}"
            )

    def _plain(self, response: Any) -> Any:
        parsed = response.parsed
        if parsed is None:
            if response.content.strip():
                raise JourneyError(f"an answer the document does not describe: {response.content[:300]!r}")
            return None
        return self._to_plain(parsed)

    def _to_plain(self, value: Any) -> Any:
        if hasattr(value, "to_dict"):
            return value.to_dict()
        if isinstance(value, list):
            return [self._to_plain(v) for v in value]
        return value

    # --- typed arguments -------------------------------------------------------------------
    def _coerce(self, value: Any, annotation: Any) -> Any:
        """``value`` (JSON-ish, as the journey writes it) as the generated code's ``annotation``."""
        unset = self._types.Unset
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a not in (unset, type(None))]
            if value is None:
                return None
            errors = []
            for option in options:
                try:
                    return self._coerce(value, option)
                except (TypeError, ValueError, KeyError, AttributeError) as exc:
                    errors.append(f"{option}: {exc}")
            raise TypeError(f"{value!r} fits none of {options}: {errors}")
        if origin is list:
            [item] = typing.get_args(annotation)
            if not isinstance(value, list):
                raise TypeError(f"{value!r} is not a list")
            return [self._coerce(v, item) for v in value]
        if annotation is self._types.File:
            raise TypeError("files are not part of the journey")
        if inspect.isclass(annotation) and hasattr(annotation, "from_dict"):
            if not isinstance(value, dict):
                raise TypeError(f"{value!r} is not an object")
            return annotation.from_dict(value)
        if annotation is uuid.UUID:
            return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        if annotation is datetime:
            return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if annotation is date:
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if inspect.isclass(annotation) and issubclass(annotation, enum.Enum):
            return annotation(value)
        if annotation in (str, int, float, bool):
            if annotation is str and not isinstance(value, str):
                raise TypeError(f"{value!r} is not a string")
            if annotation in (int, float) and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise TypeError(f"{value!r} is not a number")
            if annotation is bool and not isinstance(value, bool):
                raise TypeError(f"{value!r} is not a boolean")
            return value
        return value
