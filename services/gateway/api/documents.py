"""The public keys that sign the documents' QR codes (issue 14), as a JWKS.

Anyone holding a printed certificate, attendance certificate or commitment letter can
check its QR payload offline against these keys. Every key of the signing key set is
published (rotation: papers signed with an older key still verify while it is listed).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from shared.documents import load_keys

router = APIRouter(tags=["documents"])


@router.get(
    "/.well-known/jwks.json",
    summary="Public keys (JWKS, Ed25519) that verify the signed QR codes of the platform's documents",
    openapi_extra={"x-public": True},
)
async def document_jwks(request: Request) -> JSONResponse:
    keys = load_keys(env=request.app.state.settings.env)
    return JSONResponse(
        keys.public_jwks(),
        media_type="application/jwk-set+json",
        headers={"Cache-Control": "public, max-age=300"},
    )
