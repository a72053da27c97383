"""Certificate numbers: the kernel's (``shared/certificate_number.py``), shared with the catalogue's verification."""

from shared.certificate_number import (
    ALPHABET,
    PATTERN,
    PREFIX,
    certificate_number,
    check_letter,
    is_valid_number,
)

__all__ = ["ALPHABET", "PATTERN", "PREFIX", "certificate_number", "check_letter", "is_valid_number"]
