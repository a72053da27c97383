"""The micro-course's secrets: development values are refused outside dev/test."""

from __future__ import annotations

import pytest

from shared.settings import Settings

PROD = {
    "env": "prod",
    "service": "circular",
    "identity_secret": "i" * 40,
    "jwt_hs256_secret": "j" * 40,
    "pg_password": "pw",
}


def test_the_development_webhook_secret_and_phone_key_are_refused_in_production():
    with pytest.raises(ValueError, match="ECO_CIRCULAR_MICROCOURSE_WEBHOOK_SECRET"):
        Settings(**PROD)
    with pytest.raises(ValueError, match="ECO_CIRCULAR_PHONE_HASH_KEY"):
        Settings(**PROD, circular_microcourse_webhook_secret="whsec_" + "QUJD" * 8)
    with pytest.raises(ValueError, match="ECO_CIRCULAR_PHONE_HASH_KEY"):  # too short
        Settings(
            **PROD,
            circular_microcourse_webhook_secret="whsec_" + "QUJD" * 8,
            circular_phone_hash_key="k" * 10,
        )
    real = Settings(
        **PROD, circular_microcourse_webhook_secret="whsec_" + "QUJD" * 8, circular_phone_hash_key="k" * 40
    )
    assert real.circular_phone_hash_key == "k" * 40


def test_other_services_do_not_need_them():
    assert Settings(**PROD | {"service": "catalog"}).service == "catalog"
