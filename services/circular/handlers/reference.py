"""The programme's vocabulary, as the API shows it."""

from __future__ import annotations

from typing import Any

from services.circular.domain.reference import ACTIVITY_KIND_NAMES, METHODOLOGIES, NODE_NAMES


def read() -> dict[str, Any]:
    return {
        "nodes": [{"code": code, "name": name} for code, name in NODE_NAMES.items()],
        "methodologies": [
            {
                "code": m.code,
                "name_es": m.name_es,
                "entity_type": m.entity_type,
                "depth": m.depth,
                "named_in_source": m.named_in_source,
                "summary": m.summary,
            }
            for m in METHODOLOGIES.values()
        ],
        "activity_kinds": [{"code": code, "name_es": name} for code, name in ACTIVITY_KIND_NAMES.items()],
    }
