"""The gateway's /health: 503 when a service is not ready; degraded (200) for dead letters."""

from services.gateway.api.platform import aggregate_health

READY = {"status": "ok", "database": "ok", "kafka": "ok"}


def test_all_ready_and_clean_is_ok():
    code, body = aggregate_health({"catalog": (200, READY), "audit": (200, READY)})
    assert (code, body["status"]) == (200, "ok")


def test_dead_letters_in_one_service_degrade_the_status_but_not_the_code():
    degraded = READY | {"status": "degraded", "dead_letters": {"group": "catalog", "unhandled": 2}}
    code, body = aggregate_health({"catalog": (200, degraded), "audit": (200, READY)})
    assert (code, body["status"]) == (200, "degraded")
    assert body["services"]["catalog"]["dead_letters"]["unhandled"] == 2


def test_a_service_not_ready_is_a_503():
    code, body = aggregate_health({"catalog": (503, {"status": "unavailable"}), "audit": (200, READY)})
    assert (code, body["status"]) == (503, "degraded")
