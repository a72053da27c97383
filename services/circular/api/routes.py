"""Routes of the circular service (authenticated unless in ``public``)."""

from fastapi import APIRouter

from services.circular.api import activities, journeys, microcourse, reference, trainings

router = APIRouter()
for module in (activities, trainings, microcourse, journeys):
    router.include_router(module.router)

public = APIRouter()
for module in (reference, microcourse):
    public.include_router(module.public)
