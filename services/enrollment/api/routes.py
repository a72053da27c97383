"""Routes of the enrollment service (authenticated unless in ``public``)."""

from fastapi import APIRouter

from services.enrollment.api import applications, cohorts, companies, monitors, reports

router = APIRouter()
for module in (companies, cohorts, monitors, applications, reports):
    router.include_router(module.router)

public = APIRouter()
