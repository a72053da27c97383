"""The contract front ends generate clients from: the merged OpenAPI document, in-process."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.openapi import merged_document, service_documents


@pytest.fixture(scope="session")
def service_docs() -> dict[str, dict[str, Any]]:
    return service_documents()


@pytest.fixture(scope="session")
def document(service_docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return merged_document(service_docs)
