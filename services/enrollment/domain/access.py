"""Who may know which enrollment records exist: the kernel's rules (shared/access.py) applied.

A company sees only its own RUC; a monitor sees the participants currently assigned to it
(matched by the monitor's ``user_subject``, the id its login carries) and their companies;
officers, admins and partner systems see the whole programme their route admits them to.
What a caller may not see is 404, as if it did not exist.

Pure: a caller's ``Scope`` is a value; the repositories turn it into SQL, so a listing and
a lookup by key agree on what the caller may know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from shared.access import hidden
from shared.auth import Principal, Role
from shared.errors import Forbidden, NotFound

T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    """The companies and applications a caller may know exist."""

    company_ruc: str | None = None  # a company: its own RUC only
    monitor_subject: str | None = None  # a monitor: the participants it follows now, and their companies

    @property
    def whole_programme(self) -> bool:
        return self.company_ruc is None and self.monitor_subject is None


WHOLE_PROGRAMME = Scope()


def scope_of(principal: Principal) -> Scope:
    if principal.role == Role.company:
        return Scope(company_ruc=principal.ruc or "")
    if principal.role == Role.monitor:
        return Scope(monitor_subject=principal.subject)
    return WHOLE_PROGRAMME


def visible(record: T | None, scope: Scope, *, what: str, ident: object) -> T:
    """The record, or 404: named for a caller who sees the whole programme, hiding otherwise
    (the same answer whether the record is missing or only out of the caller's reach)."""
    if record is not None:
        return record
    if scope.whole_programme:
        raise NotFound(what, ident, detail_es=f"{what} {ident} no existe.")
    raise hidden(what, ident)


def ensure_may_register(principal: Principal, ruc: str) -> None:
    """A company credential registers its own RUC only; it names the RUC itself, so there
    is nothing to hide: 403."""
    if principal.role == Role.company and principal.ruc != ruc:
        raise Forbidden(
            "A company credential registers only its own RUC.",
            detail_es="Una credencial de empresa solo registra su propio RUC.",
        )
    principal.ensure_company(ruc)
