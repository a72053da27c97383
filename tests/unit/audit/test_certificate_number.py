"""Certificate numbers: unique per sequence, and a check letter that catches typing mistakes."""

from __future__ import annotations

import pytest

from services.audit.domain.certificate_number import certificate_number, check_letter, is_valid_number


def test_format():
    number = certificate_number(2026, 123)
    assert number.startswith("BPE-2026-000123-") and len(number) == 17
    assert is_valid_number(number)


def test_sequence_wider_than_six_digits_still_checks():
    number = certificate_number(2026, 1234567)
    assert number.startswith("BPE-2026-1234567-") and is_valid_number(number)


@pytest.mark.parametrize(
    "bad", ["", "BPE-2026-000123", "bpe-2026-000123-K", "BPE-26-000123-K", "BPE-2026-000000-T"]
)
def test_malformed_numbers_are_refused(bad):
    assert not is_valid_number(bad)


def test_every_wrong_letter_is_refused():
    number = certificate_number(2027, 42)
    wrong = [number[:-1] + letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if letter != number[-1]]
    assert not any(is_valid_number(w) for w in wrong)


def _digits_variants(year: int, sequence: int):
    digits = f"{year}{sequence:06d}"
    for i in range(len(digits)):
        for d in "0123456789":
            if d != digits[i]:
                yield digits[:i] + d + digits[i + 1 :]
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            yield digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]


@pytest.mark.parametrize(("year", "sequence"), [(2026, 123), (2025, 1), (2030, 987654), (2028, 500500)])
def test_any_single_digit_typo_or_adjacent_swap_changes_the_letter(year, sequence):
    letter = check_letter(year, sequence)
    for variant in _digits_variants(year, sequence):
        v_year, v_sequence = int(variant[:4]), int(variant[4:])
        if v_year < 1000 or v_sequence < 1:
            continue
        assert check_letter(v_year, v_sequence) != letter, variant


def test_distinct_sequences_give_distinct_numbers():
    assert len({certificate_number(2026, s) for s in range(1, 5000)}) == 4999
