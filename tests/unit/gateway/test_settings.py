"""The gateway's settings: dev defaults refused outside dev/test; CORS origins as a list."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.settings import (
    DB_SCHEMAS,
    DEV_AUTH_REQUEST_SECRET,
    DEV_JWT_ISSUER,
    DEV_JWT_SECRET,
    SERVICES,
    Settings,
)

PROD = {
    "env": "prod",
    "service": "gateway",
    "identity_secret": "a-real-identity-secret-of-32-bytes-or-more",
    "auth_request_secret": "a-real-nginx-to-gateway-secret-of-32-bytes",
    "pg_password": "a-real-db-password",
    "jwt_issuer": "https://id.promperu.gob.pe",
    "jwt_hs256_secret": "a-real-hs256-secret-of-at-least-32-bytes",
}


def test_the_gateway_has_its_own_schema_and_role():
    assert (*SERVICES, "gateway") == DB_SCHEMAS
    settings = Settings(env="test").for_service("gateway")
    assert (settings.schema, settings.db_user) == ("gateway", "gateway_svc")


def test_prod_settings_with_real_values_pass():
    assert Settings(**PROD).jwt_issuer == PROD["jwt_issuer"]
    assert Settings(**PROD | {"jwt_hs256_secret": "", "jwt_public_keys_file": "/keys/jwks.json"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"jwt_hs256_secret": DEV_JWT_SECRET}, "ECO_JWT_HS256_SECRET must be set"),
        ({"jwt_hs256_secret": "too-short"}, "at least 32 bytes"),
        ({"jwt_issuer": DEV_JWT_ISSUER}, "ECO_JWT_ISSUER"),
        ({"jwt_hs256_secret": ""}, "no token could be verified"),
        ({"pg_password": None}, "ECO_PG_PASSWORD"),
        ({"identity_secret": "x"}, "ECO_IDENTITY_SECRET needs at least 32 bytes"),
        ({"identity_secret": PROD["jwt_hs256_secret"]}, "must differ from ECO_JWT_HS256_SECRET"),
        ({"auth_request_secret": DEV_AUTH_REQUEST_SECRET}, "ECO_AUTH_REQUEST_SECRET"),
        ({"auth_request_secret": "short"}, "ECO_AUTH_REQUEST_SECRET"),
        ({"auth_request_secret": PROD["identity_secret"]}, "ECO_AUTH_REQUEST_SECRET"),
    ],
)
def test_prod_refuses_dev_defaults_of_the_gateway(change, message):
    with pytest.raises(ValidationError, match=message):
        Settings(**PROD | change)


@pytest.mark.parametrize("env", [None, "", "production", "staging", "DEV"])
def test_an_unset_or_unknown_env_is_production(monkeypatch, tmp_path, env):
    monkeypatch.chdir(tmp_path)  # no .env to read
    monkeypatch.delenv("ECO_ENV", raising=False)
    if env is not None:
        monkeypatch.setenv("ECO_ENV", env)
    with pytest.raises(ValidationError, match="ECO_IDENTITY_SECRET must be set"):
        Settings(service="gateway")
    assert not Settings(**PROD | ({} if env is None else {"env": env})).is_dev


def test_a_one_character_identity_secret_is_refused_for_every_service_in_prod():
    for service in DB_SCHEMAS:
        with pytest.raises(ValidationError, match="at least 32 bytes"):
            Settings(**PROD | {"service": service, "identity_secret": "x"})


def test_services_do_not_need_the_gateways_jwt_settings_in_prod():
    service = PROD | {"service": "catalog", "jwt_hs256_secret": DEV_JWT_SECRET, "jwt_issuer": DEV_JWT_ISSUER}
    assert Settings(**service).service == "catalog"


@pytest.mark.parametrize(
    ("raw", "origins"),
    [
        (
            "https://app.promperu.pe, http://localhost:5173",
            ["https://app.promperu.pe", "http://localhost:5173"],
        ),
        ('["https://app.promperu.pe"]', ["https://app.promperu.pe"]),
        ("", []),
        ("[]", []),
    ],
)
def test_cors_origins_read_comma_separated_or_json(monkeypatch, raw, origins):
    monkeypatch.setenv("ECO_ENV", "test")
    monkeypatch.setenv("ECO_CORS_ORIGINS", raw)
    assert Settings().cors_origins == origins
