"""The gateway's settings: dev defaults refused outside dev/test; CORS origins as a list."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.settings import DB_SCHEMAS, DEV_JWT_ISSUER, DEV_JWT_SECRET, SERVICES, Settings

PROD = {
    "env": "prod",
    "service": "gateway",
    "identity_secret": "a-real-identity-secret",
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
    ],
)
def test_prod_refuses_dev_defaults_of_the_gateway(change, message):
    with pytest.raises(ValidationError, match=message):
        Settings(**PROD | change)


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
    monkeypatch.setenv("ECO_CORS_ORIGINS", raw)
    assert Settings().cors_origins == origins
