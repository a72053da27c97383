"""Bodies and files read against a size limit: the one 413 (docs/conventions.md §5).

A route that reads a raw body or an upload itself (CSV imports, evidence files) reads it here,
so an oversize one is refused with :class:`shared.errors.PayloadTooLarge` as soon as it passes
the limit, never read whole into memory first. nginx's ``client_max_body_size`` is the outer
bound; these are each operation's own.
"""

from __future__ import annotations

from fastapi import Request, UploadFile

from shared.errors import PayloadTooLarge


async def read_body(request: Request, *, max_bytes: int, what: str, what_es: str | None = None) -> bytes:
    """The request body; 413 once it passes ``max_bytes`` (``what`` names it in the answer)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(what, max_bytes, what_es=what_es)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(what, max_bytes, what_es=what_es)
        chunks.append(chunk)
    body = b"".join(chunks)
    # Starlette's own cache of the body: a later ``request.body()`` (the idempotency
    # fingerprint) returns it instead of failing on the consumed stream.
    request._body = body
    return body


async def read_upload(upload: UploadFile, *, max_bytes: int, what: str, what_es: str | None = None) -> bytes:
    """An uploaded file's bytes; 413 when it has more than ``max_bytes``."""
    data = await upload.read(max_bytes + 1)  # one byte more tells "too large"
    if len(data) > max_bytes:
        raise PayloadTooLarge(what, max_bytes, what_es=what_es)
    return data
