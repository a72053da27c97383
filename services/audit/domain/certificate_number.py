"""Certificate numbers anyone can check by eye: ``BPE-<year>-<sequence>-<letter>``.

The letter is the number formed by the year's and the sequence's digits, mod 23,
mapped through the alphabet of the Spanish DNI check letter. Because 23 is prime and larger than any digit difference,
every single mistyped digit and every swap of two adjacent digits changes the letter,
so a misread number is rejected before it is looked up.
"""

from __future__ import annotations

import re

PREFIX = "BPE"  # Buenas Prácticas de Ecoeficiencia
ALPHABET = "TRWAGMYFPDXBNJZSQVHLCKE"
PATTERN = re.compile(r"^BPE-(\d{4})-(\d{6,})-([A-Z])$")


def check_letter(year: int, sequence: int) -> str:
    return ALPHABET[int(f"{year}{sequence:06d}") % 23]


def certificate_number(year: int, sequence: int) -> str:
    if not 1000 <= year <= 9999 or sequence < 1:
        raise ValueError("a certificate number needs a four-digit year and a positive sequence")
    return f"{PREFIX}-{year}-{sequence:06d}-{check_letter(year, sequence)}"


def is_valid_number(number: str) -> bool:
    """Well formed and with the right check letter (says nothing about existence)."""
    match = PATTERN.match(number)
    if not match:
        return False
    year, sequence, letter = int(match[1]), int(match[2]), match[3]
    return sequence >= 1 and check_letter(year, sequence) == letter
