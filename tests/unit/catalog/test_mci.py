"""Material Circularity Indicator against the methodology's reference cases and worked examples.

Reference: Ellen MacArthur Foundation & Granta Design, "Circularity Indicators. Methodology"
(2015, rev. 2019): a fully linear product of average utility scores LFI = 1 and MCI = 0.1;
a fully restorative one LFI = 0 and MCI = 1; F(X) = 0.9 / X.
"""

from __future__ import annotations

import pytest

from services.catalog.domain.mci import MciInput, material_circularity
from shared.errors import RuleViolation


def product(**overrides) -> MciInput:
    base = dict(
        recycled_feedstock=0.0,
        reused_feedstock=0.0,
        collected_for_recycling=0.0,
        collected_for_reuse=0.0,
        feedstock_recycling_efficiency=1.0,
        collection_recycling_efficiency=1.0,
        lifetime=1.0,
        average_lifetime=1.0,
    )
    return MciInput(**(base | overrides))


def test_fully_linear_product_of_average_utility_scores_the_minimum_0_1():
    r = material_circularity(product(mass=7.0))
    assert r.virgin_feedstock == pytest.approx(7.0)  # V = M
    assert r.unrecoverable_waste == pytest.approx(7.0)  # W = M
    assert r.linear_flow_index == pytest.approx(1.0)
    assert r.utility == pytest.approx(1.0)
    assert r.utility_factor == pytest.approx(0.9)
    assert r.mci == pytest.approx(0.1)


def test_fully_restorative_product_through_reuse_scores_1():
    r = material_circularity(product(reused_feedstock=1.0, collected_for_reuse=1.0))
    assert (r.virgin_feedstock, r.linear_waste, r.unrecoverable_waste) == (0.0, 0.0, 0.0)
    assert r.linear_flow_index == pytest.approx(0.0)
    assert r.mci == pytest.approx(1.0)


def test_fully_restorative_product_through_perfect_recycling_scores_1():
    r = material_circularity(product(recycled_feedstock=1.0, collected_for_recycling=1.0))
    assert r.feedstock_recycling_waste == 0.0 and r.collection_recycling_waste == 0.0
    assert r.mci == pytest.approx(1.0)


def test_linear_product_lasting_twice_the_average_halves_the_utility_factor():
    r = material_circularity(product(lifetime=10, average_lifetime=5))
    assert r.utility == pytest.approx(2.0)
    assert r.utility_factor == pytest.approx(0.45)
    assert r.mci == pytest.approx(0.55)


def test_intensity_of_use_counts_like_lifetime():
    r = material_circularity(product(functional_units=300, average_functional_units=100))
    assert r.utility == pytest.approx(3.0)
    assert r.mci == pytest.approx(1 - 0.9 / 3)


def test_mci_never_goes_below_zero_for_short_lived_linear_products():
    r = material_circularity(product(lifetime=1, average_lifetime=4))  # X = 0.25, F(X) = 3.6
    assert r.utility_factor == pytest.approx(3.6)
    assert r.mci == 0.0


def test_worked_example_half_recycled_half_collected_with_80_percent_efficiencies():
    # M = 1, F_R = 0.5, C_R = 0.5, E_F = E_C = 0.8, X = 1:
    #   V = 0.5; W_0 = 0.5; W_F = 0.2 * 0.5 / 0.8 = 0.125; W_C = 0.2 * 0.5 = 0.1
    #   W = 0.5 + (0.125 + 0.1)/2 = 0.6125
    #   LFI = (0.5 + 0.6125) / (2 + (0.125 - 0.1)/2) = 1.1125 / 2.0125 = 0.552795…
    #   MCI = 1 - 0.9 * 0.552795… = 0.502484…
    r = material_circularity(
        product(
            recycled_feedstock=0.5,
            collected_for_recycling=0.5,
            feedstock_recycling_efficiency=0.8,
            collection_recycling_efficiency=0.8,
        )
    )
    assert r.virgin_feedstock == pytest.approx(0.5)
    assert r.linear_waste == pytest.approx(0.5)
    assert r.feedstock_recycling_waste == pytest.approx(0.125)
    assert r.collection_recycling_waste == pytest.approx(0.1)
    assert r.unrecoverable_waste == pytest.approx(0.6125)
    assert r.linear_flow_index == pytest.approx(0.5527950, abs=1e-6)
    assert r.mci == pytest.approx(0.5024845, abs=1e-6)


def test_worked_example_mixed_flows_long_lived_10_kg_product():
    # M = 10, F_R = 0.2, F_U = 0.1, C_R = 0.3, C_U = 0.2, E_F = 0.9, E_C = 0.75, L/L_av = 8/4:
    #   V = 7; W_0 = 5; W_F = 10 * 0.1 * 0.2 / 0.9 = 2/9; W_C = 10 * 0.25 * 0.3 = 0.75
    #   W = 5 + (2/9 + 0.75)/2 = 5.486111…
    #   LFI = (7 + 5.486111…) / (20 + (2/9 - 0.75)/2) = 31/49 = 0.632653…
    #   X = 2, F(X) = 0.45, MCI = 1 - 0.45 * 31/49 = 0.715306…
    r = material_circularity(
        product(
            mass=10,
            recycled_feedstock=0.2,
            reused_feedstock=0.1,
            collected_for_recycling=0.3,
            collected_for_reuse=0.2,
            feedstock_recycling_efficiency=0.9,
            collection_recycling_efficiency=0.75,
            lifetime=8,
            average_lifetime=4,
        )
    )
    assert r.virgin_feedstock == pytest.approx(7.0)
    assert r.linear_waste == pytest.approx(5.0)
    assert r.feedstock_recycling_waste == pytest.approx(2 / 9)
    assert r.collection_recycling_waste == pytest.approx(0.75)
    assert r.unrecoverable_waste == pytest.approx(5.4861111, abs=1e-6)
    assert r.linear_flow_index == pytest.approx(31 / 49)
    assert r.mci == pytest.approx(1 - 0.45 * 31 / 49)


def test_the_indicator_does_not_depend_on_the_mass():
    light = material_circularity(product(recycled_feedstock=0.3, collected_for_recycling=0.6, mass=1))
    heavy = material_circularity(product(recycled_feedstock=0.3, collected_for_recycling=0.6, mass=250))
    assert light.mci == pytest.approx(heavy.mci)
    assert heavy.virgin_feedstock == pytest.approx(250 * 0.7)


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"recycled_feedstock": 0.7, "reused_feedstock": 0.4}, "mci.feedstock_over_one"),
        ({"collected_for_recycling": 0.6, "collected_for_reuse": 0.6}, "mci.collection_over_one"),
        ({"recycled_feedstock": 0.3, "feedstock_recycling_efficiency": 0.0}, "mci.feedstock_efficiency_zero"),
        ({"lifetime": 0}, "mci.positive"),
        ({"collected_for_reuse": 1.5}, "mci.fraction_range"),
    ],
)
def test_impossible_inputs_are_refused_with_a_named_rule(overrides, rule):
    with pytest.raises(RuleViolation) as err:
        material_circularity(product(**overrides))
    assert err.value.extra["rule"] == rule


@pytest.mark.parametrize(
    "extreme",
    [
        {"average_functional_units": 5e-324},  # U/U_av overflows: "utility": null before
        {"functional_units": 1e308, "average_functional_units": 1e-308},
        {"lifetime": 5e-324, "average_lifetime": 1e308},  # X vanishes: F(X) divided by zero
        {"mass": 1.7e308},  # 2M overflows: LFI is NaN
    ],
)
def test_inputs_that_overflow_are_a_rule_violation_never_inf_or_nan(extreme):
    with pytest.raises(RuleViolation) as error:
        material_circularity(product(**extreme))
    assert error.value.extra["rule"] == "mci.out_of_range"


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_non_finite_inputs_are_refused(value):
    with pytest.raises(RuleViolation) as error:
        material_circularity(product(lifetime=value))
    assert error.value.extra["rule"] in ("mci.not_finite", "mci.positive")
