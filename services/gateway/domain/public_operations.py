"""Which operations answer without a credential: read from the merged OpenAPI (``x-roles: public``).

nginx asks ``/_auth`` about every request it has not cached an answer for; a request without
a credential for an operation that is not public is refused there, before nginx reads its
body or any service sees it. Paths are matched as templates (``{ruc}`` is one segment).
A service whose document the gateway could not read yet is *unknown*: its requests pass to
the service, which still refuses them (401) itself. A path no operation has passes too: the
service answers 404 (or 405) from its routing table, without reading the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

API_PREFIX = re.compile(r"^/api/v1/(?P<service>[a-z]+)/")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _template_regex(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", path)
    body = "".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts)
    return re.compile(f"^{body}$")


@dataclass(frozen=True)
class PublicOperations:
    operations: tuple[tuple[str, re.Pattern[str], bool], ...] = ()  # method, path, public
    known_services: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_openapi(cls, document: dict[str, Any], known_services: set[str]) -> PublicOperations:
        operations = []
        for path, item in document.get("paths", {}).items():
            for method, op in item.items():
                if method in METHODS and isinstance(op, dict):
                    public = op.get("x-roles") == ["public"]
                    operations.append((method.upper(), _template_regex(path), public))
        return cls(tuple(operations), frozenset(known_services))

    def allows_anonymous(self, method: str, path: str) -> bool:
        """True when a request without credential may go on: a public operation, an unknown
        service, or a path and method no operation has (the service's 404/405)."""
        match = API_PREFIX.match(path)
        if match is None or match["service"] not in self.known_services:
            return True
        method = "GET" if method == "HEAD" else method
        matching = [public for m, regex, public in self.operations if m == method and regex.match(path)]
        return not matching or any(matching)
