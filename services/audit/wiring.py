"""Per-app objects of the audit service (its config and evidence storage), made once.

``create_app`` wires the kernel's parts; these two belong to this service only, so they
are created on first use and kept on ``app.state`` (a test may put its own there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from services.audit.config import AuditConfig
from services.audit.storage import EvidenceStorage, LocalDiskStorage


def audit_config(app: FastAPI) -> AuditConfig:
    config = getattr(app.state, "audit_config", None)
    if config is None:
        config = app.state.audit_config = AuditConfig()
    return config


def evidence_storage(app: FastAPI) -> EvidenceStorage:
    storage = getattr(app.state, "evidence_storage", None)
    if storage is None:
        root = Path(app.state.settings.storage_dir) / "audit"
        storage = app.state.evidence_storage = LocalDiskStorage(root)
    return storage


def _config(request: Request) -> AuditConfig:
    return audit_config(request.app)


def _storage(request: Request) -> EvidenceStorage:
    return evidence_storage(request.app)


AuditConfigDep = Annotated[AuditConfig, Depends(_config)]
StorageDep = Annotated[EvidenceStorage, Depends(_storage)]
