"""Peruvian identifiers the training service checks: RUC (companies) and DNI (people).

A RUC carries a SUNAT check digit; checking it catches the typing errors that would
otherwise bind a row of an attendance report to no company (or the wrong one).
"""

from __future__ import annotations

RUC_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
RUC_PREFIXES = ("10", "15", "16", "17", "20")


def ruc_check_digit(first_ten: str) -> int:
    """SUNAT's modulo-11 check digit of the first ten digits of a RUC."""
    total = sum(int(d) * w for d, w in zip(first_ten, RUC_WEIGHTS, strict=True))
    digit = 11 - total % 11
    return {10: 0, 11: 1}.get(digit, digit)


def is_valid_ruc(ruc: str) -> bool:
    return (
        len(ruc) == 11
        and ruc.isascii()
        and ruc.isdigit()
        and ruc[:2] in RUC_PREFIXES
        and ruc_check_digit(ruc[:10]) == int(ruc[10])
    )


def ruc_from(first_ten: str) -> str:
    """Complete ten digits into a RUC (tests and demo data generate valid RUCs this way)."""
    return first_ten + str(ruc_check_digit(first_ten))


def is_valid_dni(dni: str) -> bool:
    """A DNI is exactly eight digits (leading zeros are part of it)."""
    return len(dni) == 8 and dni.isascii() and dni.isdigit()
