"""Settings read from ``ECO_*`` environment variables (see ``.env.example``).

One class serves every process; the service name picks the DB role and schema so that
a single ``.env`` can drive the whole platform locally while compose gives each
container its own credentials.
"""

from __future__ import annotations

import os
from functools import cached_property

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES: tuple[str, ...] = ("enrollment", "training", "audit", "catalog")
DEV_IDENTITY_SECRET = "dev-identity-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECO_", env_file=".env", extra="ignore")

    env: str = Field("dev", description="dev | test | prod; prod refuses default secrets")
    service: str = Field("gateway", description="which service this process runs")

    pg_host: str = "127.0.0.1"
    pg_port: int = 55432
    pg_database: str = "ecoeficiencia"
    pg_user: str | None = None
    pg_password: str | None = None
    pg_pool_size: int = 10
    pg_max_overflow: int = 10

    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_namespace: str = Field("", description="prefix for topic and group names (tests use one)")
    consumer_max_attempts: int = 5
    outbox_poll_seconds: float = 0.5
    run_background: bool = Field(True, description="start the outbox relay and consumers with the app")

    identity_secret: str = DEV_IDENTITY_SECRET
    identity_max_age_seconds: int = 300

    gateway_port: int = 8080
    gateway_app_port: int = 8100
    enrollment_port: int = 8101
    training_port: int = 8102
    audit_port: int = 8103
    catalog_port: int = 8104
    enrollment_host: str = "127.0.0.1"
    training_host: str = "127.0.0.1"
    audit_host: str = "127.0.0.1"
    catalog_host: str = "127.0.0.1"

    storage_dir: str = ".local/storage"
    cors_origins: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _refuse_default_secrets_in_prod(self) -> Settings:
        if self.env not in ("dev", "test"):
            if self.identity_secret == DEV_IDENTITY_SECRET:
                raise ValueError("ECO_IDENTITY_SECRET must be set outside dev/test")
            if self.service in SERVICES and not self.pg_password:
                raise ValueError("ECO_PG_PASSWORD must be set outside dev/test")
        return self

    @property
    def schema(self) -> str:
        """The Postgres schema a service owns: its own name."""
        return self.service

    @property
    def db_user(self) -> str:
        return self.pg_user or f"{self.service}_svc"

    @property
    def db_password(self) -> str:
        """ECO_PG_PASSWORD, else ECO_PG_PASSWORD_<SERVICE> (one .env for all), else the dev default."""
        per_service = os.environ.get(f"ECO_PG_PASSWORD_{self.service.upper()}")
        return self.pg_password or per_service or f"{self.service}-dev-password"

    @property
    def database_url(self) -> str:
        return (
            f"postgresql+asyncpg://{self.db_user}:{self.db_password}"
            f"@{self.pg_host}:{self.pg_port}/{self.pg_database}"
        )

    @cached_property
    def consumer_group(self) -> str:
        return f"{self.kafka_namespace}{self.service}"

    def topic(self, name: str) -> str:
        """The physical Kafka topic for a logical event type."""
        return f"{self.kafka_namespace}{name}"

    def service_url(self, name: str) -> str:
        host = getattr(self, f"{name}_host")
        port = getattr(self, f"{name}_port")
        return f"http://{host}:{port}"

    def for_service(self, name: str, **overrides: object) -> Settings:
        """A copy of these settings for another service (tests run several in one process)."""
        data = self.model_dump() | {"service": name, "pg_user": None, "pg_password": None} | overrides
        return Settings.model_validate(data)


def get_settings() -> Settings:
    """Settings for this process. Read at start-up by ``create_app``, never at import."""
    return Settings()
