"""The four lifecycles of the audit service, each as an explicit transition table.

Pre-audit (section III.3): PROMPERÚ's internal audit. It passes only with zero
non-conformities; a failed pre-audit passes later, once every non-conformity has
been corrected and verified.

Non-conformity: the company submits a corrective action, the auditor verifies it
(closed) or rejects it (the company submits again).

Certification audit (section III.4): requested (and paid) by the organisation,
scheduled and decided by an authorised third-party body.

Certificate (section IV): valid two years; PROMPERÚ may suspend (and reinstate) or
withdraw it; the daily pass expires it; a renewal supersedes it with a new one.
"""

from __future__ import annotations

from enum import StrEnum

from services.audit.domain.state_machine import StateMachine


class PreauditStatus(StrEnum):
    scheduled = "scheduled"
    in_progress = "in_progress"
    passed = "passed"
    failed = "failed"
    cancelled = "cancelled"


class NonconformityStatus(StrEnum):
    open = "open"
    action_submitted = "action_submitted"
    rejected = "rejected"
    verified_closed = "verified_closed"


class CertificationAuditStatus(StrEnum):
    requested = "requested"
    scheduled = "scheduled"
    approved = "approved"
    not_approved = "not_approved"
    cancelled = "cancelled"


class CertificateStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    withdrawn = "withdrawn"
    expired = "expired"
    superseded = "superseded"


def _table(**moves: set[StrEnum]) -> dict[str, frozenset[str]]:
    return {state: frozenset(str(t) for t in targets) for state, targets in moves.items()}


P, N, C, X = PreauditStatus, NonconformityStatus, CertificationAuditStatus, CertificateStatus

PREAUDIT = StateMachine(
    "Pre-audit",
    _table(
        scheduled={P.in_progress, P.cancelled},
        in_progress={P.passed, P.failed, P.cancelled},
        failed={P.passed},  # only when every non-conformity is verified closed
        passed=set(),
        cancelled=set(),
    ),
)

NONCONFORMITY = StateMachine(
    "Non-conformity",
    _table(
        open={N.action_submitted},
        action_submitted={N.verified_closed, N.rejected},
        rejected={N.action_submitted},
        verified_closed=set(),
    ),
)

CERTIFICATION_AUDIT = StateMachine(
    "Certification audit",
    _table(
        requested={C.scheduled, C.cancelled},
        scheduled={C.approved, C.not_approved, C.cancelled},
        approved=set(),
        not_approved=set(),
        cancelled=set(),
    ),
)

CERTIFICATE = StateMachine(
    "Certificate",
    _table(
        active={X.suspended, X.withdrawn, X.expired, X.superseded},
        suspended={X.active, X.withdrawn, X.expired},
        withdrawn=set(),
        expired=set(),
        superseded=set(),
    ),
)


class MarkLicenceStatus(StrEnum):
    granted = "granted"
    suspended = "suspended"
    withdrawn = "withdrawn"
    expired = "expired"


M = MarkLicenceStatus
# The right to use the mark (issue 14): independent of the certificate's own moves, but it
# never outlives it (the certificate's withdrawal or expiry ends it).
MARK_LICENCE = StateMachine(
    "Mark licence",
    _table(
        granted={M.suspended, M.withdrawn, M.expired},
        suspended={M.granted, M.withdrawn, M.expired},
        withdrawn=set(),
        expired=set(),
    ),
)

OPEN_PREAUDIT_STATES = (P.scheduled, P.in_progress, P.failed)
OPEN_NONCONFORMITY_STATES = (N.open, N.action_submitted, N.rejected)
OPEN_CERTIFICATION_AUDIT_STATES = (C.requested, C.scheduled)
EXPIRABLE_CERTIFICATE_STATES = (X.active, X.suspended)
RENEWABLE_CERTIFICATE_STATES = (X.active, X.expired)
