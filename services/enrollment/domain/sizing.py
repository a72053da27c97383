"""Company size class from annual sales in UIT (Ley 30056, art. 5 of the TUO de la Ley MYPE).

micro <= 150 UIT < pequeña <= 1700 UIT < mediana <= 2300 UIT < gran empresa (not a
mipyme). The class is computed from the declared sales, never typed in. UIT values are
versioned reference data (one per fiscal year, each with its decree), seeded by a
migration; when the sales year has no known UIT, the latest known one is used and the
result says so, so nobody mistakes an estimate for the legal figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class SizeClass(StrEnum):
    micro = "micro"
    pequena = "pequena"
    mediana = "mediana"
    gran = "gran"


# Upper bounds in UIT, inclusive, in ascending order; above the last one: gran empresa.
UPPER_BOUNDS_UIT: tuple[tuple[SizeClass, int], ...] = (
    (SizeClass.micro, 150),
    (SizeClass.pequena, 1700),
    (SizeClass.mediana, 2300),
)
LEGAL_BASIS = "Ley 30056, art. 5 (TUO de la Ley de impulso al desarrollo productivo, D.S. 013-2013-PRODUCE)"


@dataclass(frozen=True)
class UitValue:
    fiscal_year: int
    amount_pen: Decimal
    legal_source: str


@dataclass(frozen=True)
class SizeResult:
    size_class: SizeClass
    annual_sales_pen: Decimal
    sales_fiscal_year: int
    uit: UitValue
    annual_sales_uit: Decimal
    note: str | None

    @property
    def estimated(self) -> bool:
        return self.uit.fiscal_year != self.sales_fiscal_year


def uit_for_year(year: int, table: list[UitValue]) -> tuple[UitValue, str | None]:
    """The UIT of ``year``; else the latest known one and a note saying it stands in."""
    if not table:
        raise ValueError("the UIT table is empty")
    by_year = {u.fiscal_year: u for u in table}
    if year in by_year:
        return by_year[year], None
    latest = max(table, key=lambda u: u.fiscal_year)
    note = (
        f"No UIT is known for fiscal year {year}; the latest known value ({latest.fiscal_year}: "
        f"S/ {latest.amount_pen} per {latest.legal_source}) was used."
    )
    return latest, note


def classify(annual_sales_pen: Decimal, sales_fiscal_year: int, table: list[UitValue]) -> SizeResult:
    """Classify exact sales in soles against the thresholds times that year's UIT."""
    if annual_sales_pen < 0:
        raise ValueError("annual sales cannot be negative")
    uit, note = uit_for_year(sales_fiscal_year, table)
    size = SizeClass.gran
    for candidate, bound in UPPER_BOUNDS_UIT:
        if annual_sales_pen <= uit.amount_pen * bound:
            size = candidate
            break
    in_uit = (annual_sales_pen / uit.amount_pen).quantize(Decimal("0.01"))
    return SizeResult(size, annual_sales_pen, sales_fiscal_year, uit, in_uit, note)
