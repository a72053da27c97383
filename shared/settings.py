"""Settings read from ``ECO_*`` environment variables (see ``.env.example``).

One class serves every process; the service name picks the DB role and schema so that
a single ``.env`` can drive the whole platform locally while compose gives each
container its own credentials.
"""

from __future__ import annotations

import json
import os
from functools import cached_property
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SERVICES: tuple[str, ...] = ("enrollment", "training", "audit", "catalog", "webhooks", "circular")
# Every schema with its own DB role and migrations: the services, plus the gateway's API keys.
DB_SCHEMAS: tuple[str, ...] = (*SERVICES, "gateway")
DEV_IDENTITY_SECRET = "dev-identity-secret-change-me"
DEV_AUTH_REQUEST_SECRET = "dev-auth-request-secret-change-me"
# Dev/test defaults of the gateway's JWT settings; refused outside dev/test.
DEV_JWT_SECRET = "dev-jwt-secret-change-me-0123456789abcdef"
# The circular service's micro-course: the provider's Standard Webhooks secret and the key of the
# learners' phone hashes (services/circular/README.md). Dev/test only.
DEV_MICROCOURSE_WEBHOOK_SECRET = "whsec_ZGV2LW1pY3JvY291cnNlLXdlYmhvb2stc2VjcmV0LTAx"
DEV_PHONE_HASH_KEY = "dev-phone-hash-key-change-me-0123456789"
DEV_JWT_ISSUER = "ecoeficiencia-dev-issuer"
# The only environments where dev defaults (secrets, the dev token issuer) are allowed. Anything
# else, an unset or misspelt ECO_ENV included, is production.
DEV_ENVIRONMENTS: tuple[str, ...] = ("dev", "test")
# HMAC-SHA256 keys shorter than the hash output weaken it (RFC 2104 §3, RFC 7518 §3.2).
MIN_SECRET_BYTES = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECO_", env_file=".env", extra="ignore")

    env: str = Field(
        "prod",
        description="dev | test | prod; unset or anything but dev/test is production, which refuses "
        "default or weak secrets and has no dev token issuer",
    )
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
    outbox_linger_seconds: float = Field(
        0.002, ge=0, le=1, description="after a commit wakes the relay, wait this long for more rows"
    )
    consumer_linger_seconds: float = Field(
        0.005,
        ge=0,
        le=1,
        description="after a poll brings messages, wait this long for more: a poll's messages are applied "
        "in one transaction",
    )
    outbox_max_age_seconds: float = Field(
        30.0, description="/ready says degraded when an unpublished outbox row is older than this"
    )
    run_background: bool = Field(True, description="start the outbox relay and consumers with the app")
    workers: int = Field(
        1,
        ge=1,
        description="uvicorn worker processes per service (deploy/services.sh, the image's entrypoint); "
        "each runs its relay (they take turns on the outbox) and consumer (one group)",
    )
    outbox_retention_days: float = Field(7, description="published outbox rows are deleted after this")
    idempotency_retention_days: float = Field(
        7, description="stored Idempotency-Key answers are deleted after this"
    )
    retention_interval_seconds: float = Field(3600, description="how often each service prunes them")

    identity_secret: str = DEV_IDENTITY_SECRET
    auth_request_secret: str = Field(
        DEV_AUTH_REQUEST_SECRET, description="what nginx sends to /_auth; nobody else may ask there"
    )
    identity_max_age_seconds: int = Field(
        30, description="life of the signed identity nginx forwards (bound to one method and path)"
    )

    gateway_port: int = 8080
    gateway_app_port: int = 8100
    enrollment_port: int = 8101
    training_port: int = 8102
    audit_port: int = 8103
    catalog_port: int = 8104
    webhooks_port: int = 8105
    circular_port: int = 8106
    enrollment_host: str = "127.0.0.1"
    training_host: str = "127.0.0.1"
    audit_host: str = "127.0.0.1"
    catalog_host: str = "127.0.0.1"
    webhooks_host: str = "127.0.0.1"
    circular_host: str = "127.0.0.1"

    # The micro-course provider signs its webhooks with this Standard Webhooks secret (whsec_...).
    circular_microcourse_webhook_secret: str = Field(
        DEV_MICROCOURSE_WEBHOOK_SECRET, description="whsec_<base64>: shared with the micro-course provider"
    )
    # Learners are kept as HMAC-SHA256(key, number): changing the key orphans every learner.
    circular_phone_hash_key: str = Field(DEV_PHONE_HASH_KEY, description="32+ bytes; never rotate casually")

    storage_dir: str = ".local/storage"
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="front-end origins: comma-separated (a JSON list also works)"
    )

    # People's bearer tokens, checked by the gateway (services/gateway/README.md).
    jwt_issuer: str = Field(DEV_JWT_ISSUER, description="the `iss` every token must carry")
    jwt_audience: str = Field("ecoeficiencia-api", description="the `aud` every token must include")
    jwt_hs256_secret: str = Field(DEV_JWT_SECRET, description="HS256 shared secret; empty turns HS256 off")
    jwt_public_keys_file: str | None = Field(
        None, description="RS256 verification keys: a PEM file (one or more keys) or a JWKS JSON file"
    )
    jwt_leeway_seconds: int = Field(30, description="clock skew tolerated on exp / nbf")
    auth_cache_seconds: int = Field(30, description="how long nginx may reuse an auth decision")
    auth_failures_per_minute: int = Field(
        30, description="refused credentials a client address may present per minute, once its burst is spent"
    )
    auth_failures_burst: int = Field(
        30, description="refused credentials a client address may present at once"
    )

    # Webhook deliveries (services/webhooks/README.md): retries with exponential backoff and
    # jitter, each wait min(base * 2^(n-1), max); a delivery still failing `retry_window` after its
    # event is marked failed; an endpoint failing for `disable_after` is disabled.
    webhook_retry_base_seconds: float = Field(5.0, description="first retry wait (before jitter)")
    webhook_retry_max_seconds: float = Field(3600.0, description="longest wait between two attempts")
    webhook_retry_window_seconds: float = Field(86400.0, description="retry for this long, then failed")
    webhook_disable_after_seconds: float = Field(
        5 * 86400.0, description="an endpoint failing without a success for this long is disabled"
    )
    webhook_timeout_seconds: float = Field(10.0, description="one delivery attempt's HTTP timeout")
    webhook_concurrency: int = Field(64, description="deliveries in flight per worker process")
    webhook_poll_seconds: float = Field(0.2, description="how often the worker looks for due deliveries")
    webhook_lease_seconds: float = Field(60.0, description="a claimed delivery is retried after this")
    webhook_order_settle_seconds: float = Field(
        1.0, description="a company's event waits this long for an earlier one read later from another topic"
    )
    public_base_url: str = Field(
        "https://api.ecoeficiencia.pe", description="absolute base of links in webhook payloads and feeds"
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """``https://a.pe,https://b.pe`` (what nginx reads too) or a JSON list."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [origin.strip() for origin in text.split(",") if origin.strip()]

    @property
    def is_dev(self) -> bool:
        """dev or test: dev defaults and the dev token issuer allowed. Everything else is prod."""
        return self.env in DEV_ENVIRONMENTS

    @model_validator(mode="after")
    def _refuse_default_secrets_in_prod(self) -> Settings:
        if not self.is_dev:
            if self.identity_secret == DEV_IDENTITY_SECRET:
                raise ValueError("ECO_IDENTITY_SECRET must be set outside dev/test")
            if len(self.identity_secret.encode()) < MIN_SECRET_BYTES:
                raise ValueError(
                    f"ECO_IDENTITY_SECRET needs at least {MIN_SECRET_BYTES} bytes outside dev/test"
                )
            if self.identity_secret == self.jwt_hs256_secret:
                raise ValueError("ECO_IDENTITY_SECRET must differ from ECO_JWT_HS256_SECRET outside dev/test")
            if self.service == "gateway" and (
                self.auth_request_secret == DEV_AUTH_REQUEST_SECRET
                or len(self.auth_request_secret.encode()) < MIN_SECRET_BYTES
                or self.auth_request_secret in (self.identity_secret, self.jwt_hs256_secret)
            ):
                raise ValueError(
                    "ECO_AUTH_REQUEST_SECRET must be set outside dev/test: 32+ bytes, unlike the other secrets"
                )
            if self.service in DB_SCHEMAS and not self.pg_password:
                raise ValueError("ECO_PG_PASSWORD must be set outside dev/test")
            if self.service == "gateway":
                self._refuse_dev_jwt_settings()
            if self.service == "circular":
                self._refuse_dev_circular_secrets()
        return self

    def _refuse_dev_circular_secrets(self) -> None:
        if self.circular_microcourse_webhook_secret in ("", DEV_MICROCOURSE_WEBHOOK_SECRET):
            raise ValueError("ECO_CIRCULAR_MICROCOURSE_WEBHOOK_SECRET must be set outside dev/test")
        key = self.circular_phone_hash_key
        if key == DEV_PHONE_HASH_KEY or len(key.encode()) < MIN_SECRET_BYTES or key == self.identity_secret:
            raise ValueError(
                f"ECO_CIRCULAR_PHONE_HASH_KEY must be set outside dev/test: {MIN_SECRET_BYTES}+ bytes, its own"
            )

    def _refuse_dev_jwt_settings(self) -> None:
        if self.jwt_hs256_secret == DEV_JWT_SECRET:
            raise ValueError("ECO_JWT_HS256_SECRET must be set (or emptied) outside dev/test")
        if self.jwt_hs256_secret and len(self.jwt_hs256_secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError("ECO_JWT_HS256_SECRET needs at least 32 bytes (RFC 7518 §3.2)")
        if self.jwt_issuer == DEV_JWT_ISSUER:
            raise ValueError("ECO_JWT_ISSUER must name the real token issuer outside dev/test")
        if not self.jwt_hs256_secret and not self.jwt_public_keys_file:
            raise ValueError(
                "set ECO_JWT_HS256_SECRET or ECO_JWT_PUBLIC_KEYS_FILE: no token could be verified"
            )

    @property
    # BaseModel.schema is pydantic v1's deprecated classmethod; ours is the Postgres schema.
    def schema(self) -> str:  # type: ignore[override]
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
