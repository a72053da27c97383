"""Routes of the training service (authenticated unless in ``public``)."""

from fastapi import APIRouter

from services.training.api import assistance, attendance, certificates, cohorts, participants, sessions

router = APIRouter()
for module in (cohorts, sessions, attendance, participants, certificates, assistance):
    router.include_router(module.router)

public = APIRouter()
public.include_router(cohorts.public)
