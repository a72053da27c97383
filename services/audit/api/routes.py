"""Routes of the audit service (authenticated unless in ``public``)."""

from fastapi import APIRouter

router = APIRouter()
public = APIRouter()
