"""The gateway's merged OpenAPI document, built in-process (no stack needed).

Exactly what ``GET /openapi.json`` serves: the gateway app's document and every service's,
merged by :func:`services.gateway.openapi_merge.merge_openapi`. The e2e tests read the same
document through nginx.
"""

from __future__ import annotations

import copy
import importlib
from typing import Any

import httpx

from services.gateway.main import create_app as create_gateway_app
from services.gateway.openapi_merge import merge_openapi
from shared.app import create_app
from shared.settings import SERVICES, Settings
from tests.support.testing import wait_until

TITLE = "Ecoeficiencia Platform API"
METHODS = ("get", "put", "post", "delete", "patch")


def service_documents() -> dict[str, dict[str, Any]]:
    settings = Settings(env="test")
    documents = {"gateway": create_gateway_app(settings).openapi()}
    for name in SERVICES:
        spec = importlib.import_module(f"services.{name}.main").SPEC
        documents[name] = create_app(spec, settings=settings).openapi()
    return documents


def merged_document(documents: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    return merge_openapi(copy.deepcopy(documents or service_documents()), title=TITLE, version="1")


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def resolve(node: Any, doc: dict[str, Any], *, seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every ``$ref`` inlined and ``title``s dropped (a rename changes only those).

    A reference already being inlined (a recursive schema) stays a marker naming nothing.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            kind, name = ref.split("/")[-2:]
            if ref in seen:
                return {"$recursive": True}
            return resolve(doc["components"][kind][name], doc, seen=(*seen, ref))
        return {key: resolve(value, doc, seen=seen) for key, value in node.items() if key != "title"}
    if isinstance(node, list):
        return [resolve(value, doc, seen=seen) for value in node]
    return node


def served_document(gateway_url: str, *, timeout: float = 120.0) -> dict[str, Any]:
    """``GET /openapi.json`` through nginx once every service is in it.

    A service slow to build its document the first time (a loaded machine) is left out of that
    answer and named in ``info.x-unavailable-services``; the gateway caches only complete ones.
    """

    def complete() -> dict[str, Any] | None:
        doc = httpx.get(f"{gateway_url}/openapi.json", timeout=30).json()
        return None if "x-unavailable-services" in doc["info"] else doc

    return wait_until(complete, timeout=timeout, interval=1, message="every service in /openapi.json")
