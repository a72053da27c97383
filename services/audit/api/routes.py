"""Routes of the audit service (authenticated unless in ``public``), one module per area."""

from fastapi import APIRouter

from services.audit.api import (
    bodies,
    calibration,
    certificates,
    certification,
    nonconformities,
    participants,
    preaudits,
    self_assessments,
    standards,
)

router = APIRouter()
for area in (
    standards,
    participants,
    self_assessments,
    preaudits,
    nonconformities,
    bodies,
    certification,
    certificates,
    calibration,
):
    router.include_router(area.router)

# Public verification of a certificate is the catalogue's (built from audit's events).
public = APIRouter()
