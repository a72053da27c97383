"""The gateway app's ASGI entry point (uvicorn services.gateway.main:app)."""

from services.gateway.app import create_gateway_app

app = create_gateway_app()
