"""Routes of the circular service (authenticated unless in ``public``)."""

from fastapi import APIRouter

from services.circular.api import activities, indicators, journeys, microcourse, reference, trainings

router = APIRouter()
for module in (activities, trainings, indicators, microcourse, journeys):
    router.include_router(module.router)

public = APIRouter()
for module in (reference, indicators, microcourse):
    public.include_router(module.public)
