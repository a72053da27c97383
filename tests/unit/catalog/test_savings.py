"""Success-story arithmetic: savings in soles, simple payback, CO2e avoided from given factors."""

from __future__ import annotations

from decimal import Decimal as D

from services.catalog.domain.savings import Resource, ResourceFigures, outcome, simple_payback_months


def test_savings_payback_and_co2e_of_a_two_resource_measure():
    figures = {
        # 12 000 -> 7 000 kWh/yr at S/ 0.60: 5 000 kWh, S/ 3 000
        Resource.energy: ResourceFigures(D("12000"), D("7000"), D("0.60")),
        # 800 -> 650 m³/yr at S/ 5.20: 150 m³, S/ 780
        Resource.water: ResourceFigures(D("800"), D("650"), D("5.20")),
    }
    factors = {Resource.energy: D("0.2"), Resource.water: D("0.1913")}
    result = outcome(figures, D("9000"), factors)

    energy, water = result.per_resource
    assert (energy.resource, energy.unit, energy.saved_quantity) == (Resource.energy, "kWh", D("5000"))
    assert energy.annual_savings == D("3000.00")
    assert energy.co2e_avoided_kg == D("1000.00")  # 5 000 kWh x 0.2
    assert (water.saved_quantity, water.annual_savings) == (D("150"), D("780.00"))
    assert water.co2e_avoided_kg == D("28.70")  # 150 m³ x 0.1913 = 28.695 -> 28.70
    assert result.annual_savings == D("3780.00")
    # 9 000 / (3 780 / 12) = 9 000 / 315 = 28.571… -> 28.6 months
    assert result.payback_months == D("28.6")
    assert result.co2e_avoided_kg == D("1028.70")


def test_a_resource_without_a_factor_saves_money_but_adds_no_co2e():
    result = outcome(
        {Resource.raw_material: ResourceFigures(D("1000"), D("900"), D("3.5"))}, D("700"), factors={}
    )
    (row,) = result.per_resource
    assert row.annual_savings == D("350.00")
    assert row.emission_factor is None and row.co2e_avoided_kg is None
    assert result.co2e_avoided_kg == D("0")
    assert result.payback_months == D("24.0")  # 700 / (350 / 12)


def test_a_measure_that_saves_nothing_never_pays_back():
    assert simple_payback_months(D("5000"), D("0")) is None
    assert simple_payback_months(D("5000"), D("-120")) is None


def test_consumption_that_rose_shows_negative_savings_and_emissions():
    result = outcome(
        {Resource.waste: ResourceFigures(D("100"), D("130"), D("0.5"))}, D("0"), {Resource.waste: D("0.467")}
    )
    (row,) = result.per_resource
    assert row.saved_quantity == D("-30")
    assert row.annual_savings == D("-15.00")
    assert row.co2e_avoided_kg == D("-14.01")
    assert result.payback_months is None


def test_free_measures_pay_back_at_once():
    assert simple_payback_months(D("0"), D("1200")) == D("0.0")
