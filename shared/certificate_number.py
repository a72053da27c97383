"""Certificate numbers anyone can check by eye: ``BPE-<year>-<sequence>-<letter>``.

The letter is the number formed by the year's and the sequence's digits, mod 23,
mapped through the alphabet of the Spanish DNI check letter. Because 23 is prime and larger than any digit difference,
every single mistyped digit and every swap of two adjacent digits changes the letter,
so a misread number is rejected before it is looked up. The audit service numbers
certificates with it; the catalogue's public verification reads numbers with it.
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


def normalise(text: str) -> str:
    """What a person types or reads off paper, as the canonical form: case and spaces ignored.

    ``bpe-2026-000004-q``, `` BPE 2026 000004 Q `` and ``BPE–2026–000004–Q`` (dashes of any
    kind, or spaces, between the parts) all give ``BPE-2026-000004-Q``.
    """
    parts = [p for p in re.split(r"[\s\-‐‑‒–—]+", text.strip().upper()) if p]
    joined = "".join(parts)
    compact = re.fullmatch(r"BPE(\d{4})(\d{6,})([A-Z])", joined)
    if compact:  # typed without separators
        return f"BPE-{compact[1]}-{compact[2]}-{compact[3]}"
    return "-".join(parts)


def number_problem(number: str) -> str | None:
    """``None`` for a well-formed number with the right letter; else ``malformed`` or ``check_letter``."""
    match = PATTERN.match(number)
    if not match or int(match[2]) < 1:
        return "malformed"
    return None if check_letter(int(match[1]), int(match[2])) == match[3] else "check_letter"
