"""The RUC (Registro Único de Contribuyentes): SUNAT's 11-digit taxpayer number.

Every service identifies companies by RUC, so one definition serves them all.

Checked in three steps, each a stable rule id that clients and the CSV import report:
``ruc.length`` (exactly 11 digits), ``ruc.prefix`` (a known taxpayer type) and
``ruc.check_digit`` (SUNAT's modulo-11 digit). Prefix 10 (and 15/16/17) are natural
persons: their RUC is valid and they may be registered, but section V asks for a
legally constituted organisation with a public-registry entry, so only prefix 20
(persona jurídica) passes the eligibility rule ``legal.persona_juridica``.
"""

from __future__ import annotations

from dataclasses import dataclass

WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
NATURAL_PERSON_PREFIXES = ("10", "15", "16", "17")
LEGAL_ENTITY_PREFIX = "20"
VALID_PREFIXES = (*NATURAL_PERSON_PREFIXES, LEGAL_ENTITY_PREFIX)


@dataclass(frozen=True)
class RucProblem:
    rule: str
    message: str
    message_es: str


def check_digit(first_ten: str) -> int:
    """SUNAT's digit: r = 11 - (weighted sum mod 11); 10 -> 0 and 11 -> 1."""
    total = sum(int(d) * w for d, w in zip(first_ten, WEIGHTS, strict=True))
    r = 11 - total % 11
    return r - 10 if r >= 10 else r


def ruc_problem(ruc: str) -> RucProblem | None:
    """The first rule ``ruc`` breaks, or None for a valid RUC."""
    if len(ruc) != 11 or not ruc.isascii() or not ruc.isdigit():
        return RucProblem(
            "ruc.length",
            f"ruc.length: a RUC has exactly 11 digits; got {ruc!r}.",
            f"ruc.length: el RUC tiene exactamente 11 dígitos; se recibió {ruc!r}.",
        )
    if ruc[:2] not in VALID_PREFIXES:
        allowed = ", ".join(VALID_PREFIXES)
        return RucProblem(
            "ruc.prefix",
            f"ruc.prefix: a RUC starts with {allowed}; {ruc} starts with {ruc[:2]}.",
            f"ruc.prefix: el RUC empieza con {allowed}; {ruc} empieza con {ruc[:2]}.",
        )
    expected = check_digit(ruc[:10])
    if int(ruc[10]) != expected:
        return RucProblem(
            "ruc.check_digit",
            f"ruc.check_digit: the SUNAT check digit of {ruc[:10]} is {expected}, not {ruc[10]}.",
            f"ruc.check_digit: el dígito verificador SUNAT de {ruc[:10]} es {expected}, no {ruc[10]}.",
        )
    return None


def is_valid_ruc(ruc: str) -> bool:
    return ruc_problem(ruc) is None


def is_legal_entity(ruc: str) -> bool:
    return ruc.startswith(LEGAL_ENTITY_PREFIX)


def complete_ruc(first_ten: str) -> str:
    """The full RUC for its first ten digits (test data, demos, samples)."""
    if len(first_ten) != 10 or not first_ten.isdigit():
        raise ValueError("a RUC stem has exactly 10 digits")
    return first_ten + str(check_digit(first_ten))


def make_ruc(prefix: str, body: str) -> str:
    """Complete ``prefix`` + 8-digit ``body`` with its check digit."""
    return complete_ruc(prefix + body)
