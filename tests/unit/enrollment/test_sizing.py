"""Size class (Ley 30056 art. 5) at the exact UIT boundaries, and the unknown-year fallback."""

from decimal import Decimal

import pytest

from services.enrollment.domain.sizing import SizeClass, UitValue, classify, uit_for_year

TABLE = [
    UitValue(2024, Decimal("5150.00"), "D.S. 309-2023-EF"),
    UitValue(2025, Decimal("5350.00"), "D.S. 260-2024-EF"),
]
CENT = Decimal("0.01")


@pytest.mark.parametrize(
    "sales,year,expected",
    [
        (Decimal(0), 2025, SizeClass.micro),
        (Decimal(150 * 5350), 2025, SizeClass.micro),
        (Decimal(150 * 5350) + CENT, 2025, SizeClass.pequena),
        (Decimal(1700 * 5350), 2025, SizeClass.pequena),
        (Decimal(1700 * 5350) + CENT, 2025, SizeClass.mediana),
        (Decimal(2300 * 5350), 2025, SizeClass.mediana),
        (Decimal(2300 * 5350) + CENT, 2025, SizeClass.gran),
        (Decimal(150 * 5150), 2024, SizeClass.micro),
        (Decimal(150 * 5150) + CENT, 2024, SizeClass.pequena),
        (Decimal(2300 * 5150) + CENT, 2024, SizeClass.gran),
    ],
)
def test_boundaries_are_inclusive_upper_limits(sales, year, expected):
    result = classify(sales, year, TABLE)
    assert result.size_class == expected
    assert result.uit.fiscal_year == year
    assert result.note is None


def test_the_same_sales_change_class_with_the_year_uit():
    sales = Decimal(150 * 5350)  # micro in 2025, but above 150 UIT of 2024
    assert classify(sales, 2025, TABLE).size_class == SizeClass.micro
    assert classify(sales, 2024, TABLE).size_class == SizeClass.pequena


def test_unknown_year_uses_latest_uit_and_says_so():
    result = classify(Decimal(1_000_000), 2026, TABLE)
    assert result.uit.fiscal_year == 2025
    assert result.estimated
    assert "2026" in result.note and "2025" in result.note and "D.S. 260-2024-EF" in result.note


def test_sales_in_uit_are_reported():
    assert classify(Decimal(535_000), 2025, TABLE).annual_sales_uit == Decimal("100.00")


def test_negative_sales_and_empty_table_are_refused():
    with pytest.raises(ValueError):
        classify(Decimal(-1), 2025, TABLE)
    with pytest.raises(ValueError):
        uit_for_year(2025, [])
