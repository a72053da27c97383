"""Routes of the catalog service (authenticated unless in ``public``)."""

from fastapi import APIRouter

from services.catalog.api import catalogue, circularity, hub, indicators

router = APIRouter()
router.include_router(hub.router)
router.include_router(indicators.router)

public = APIRouter()
public.include_router(catalogue.router)
public.include_router(circularity.router)
public.include_router(hub.public)
