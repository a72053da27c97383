"""The event catalogue: the AsyncAPI 3.0 document of every topic, public.

Generated from the typed contracts (``shared.events.asyncapi``) once per process: it
changes only with the code.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from shared.deps import SettingsDep
from shared.events.asyncapi import build_asyncapi

router = APIRouter(tags=["events"])


@lru_cache(maxsize=4)
def _document(kafka_host: str) -> dict[str, Any]:
    return build_asyncapi(kafka_host=kafka_host)


@router.get(
    "/asyncapi.json",
    summary="The event catalogue (AsyncAPI 3.0): every Kafka topic, its message and who consumes it",
    description="Channels per topic (and its `.dlq`), messages with the envelope and the contract's "
    "JSON Schema payload, the Kafka key (the company's RUC), the versions consumers understand, "
    "and one `send` operation per producer and one `receive` per consuming service.",
    openapi_extra={"x-public": True},
    response_class=JSONResponse,
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
)
async def asyncapi(settings: SettingsDep) -> JSONResponse:
    host = settings.kafka_bootstrap.split(",")[0]
    return JSONResponse(_document(host), headers={"Cache-Control": "public, max-age=300"})
