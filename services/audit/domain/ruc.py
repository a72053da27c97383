"""Peruvian RUC numbers: 11 digits whose last one is SUNAT's modulo-11 check digit.

Certification bodies are registered with their RUC and companies are identified by
theirs; a typo caught here never reaches a certificate.
"""

from __future__ import annotations

WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
PREFIXES = ("10", "15", "16", "17", "20")


def check_digit(first_ten: str) -> int:
    """SUNAT's rule: 11 - (weighted sum mod 11), where 10 -> 0 and 11 -> 1."""
    total = sum(int(d) * w for d, w in zip(first_ten, WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def is_valid_ruc(ruc: str) -> bool:
    return len(ruc) == 11 and ruc.isdigit() and ruc[:2] in PREFIXES and check_digit(ruc[:10]) == int(ruc[10])


def complete_ruc(first_ten: str) -> str:
    """The full RUC for a 10-digit stem (used to mint valid RUCs for test data and demos)."""
    if len(first_ten) != 10 or not first_ten.isdigit():
        raise ValueError("a RUC stem has exactly 10 digits")
    return first_ten + str(check_digit(first_ten))
