"""The public circularity calculator endpoint."""

from __future__ import annotations

import pytest

MCI = "/api/v1/catalog/circularity/mci"
LINEAR = {
    "recycled_feedstock": 0,
    "reused_feedstock": 0,
    "collected_for_recycling": 0,
    "collected_for_reuse": 0,
    "feedstock_recycling_efficiency": 1,
    "collection_recycling_efficiency": 1,
    "lifetime": 5,
    "average_lifetime": 5,
}


async def test_returns_every_intermediate_term_without_login(client):
    response = await client.post(MCI, json=LINEAR)
    assert response.status_code == 200
    body = response.json()
    assert body["linear_flow_index"] == pytest.approx(1.0)
    assert body["utility_factor"] == pytest.approx(0.9)
    assert body["mci"] == pytest.approx(0.1)
    assert {
        "virgin_feedstock",
        "linear_waste",
        "feedstock_recycling_waste",
        "collection_recycling_waste",
    } <= set(body)
    assert "Ellen MacArthur" in body["methodology"]


async def test_impossible_inputs_get_a_rule_problem_and_missing_ones_a_validation_problem(client):
    over = await client.post(MCI, json=LINEAR | {"recycled_feedstock": 0.8, "reused_feedstock": 0.5})
    assert over.status_code == 422 and over.json()["rule"] == "mci.feedstock_over_one"
    missing = await client.post(MCI, json={"recycled_feedstock": 0.5})
    assert missing.status_code == 422
    assert {"lifetime", "average_lifetime"} <= {e["field"] for e in missing.json()["errors"]}
    out_of_range = await client.post(MCI, json=LINEAR | {"collected_for_reuse": 2})
    assert (
        out_of_range.status_code == 422 and out_of_range.json()["errors"][0]["field"] == "collected_for_reuse"
    )
