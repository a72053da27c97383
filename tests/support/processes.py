"""Services as real processes, started the way deploy/services.sh starts them."""

from __future__ import annotations

import sys


def uvicorn_command(service: str, port: int, *options: str) -> list[str]:
    """uvicorn serving ``service`` on 127.0.0.1:``port``, its app built by the factory at start-up."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        f"services.{service}.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        *options,
    ]
