"""Settings of the audit service beyond the platform's (``ECO_AUDIT_*`` variables).

The kernel's ``Settings`` is shared by every service, so the audit service keeps its
own few knobs here; they are read once per app, on first use (never at import).
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuditConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECO_AUDIT_", env_file=".env", extra="ignore")

    remediation_days: int = Field(
        30, ge=1, le=365, description="default calendar days to correct a pre-audit non-conformity"
    )
    evidence_max_bytes: int = Field(10 * 1024 * 1024, ge=1, description="largest evidence file accepted")
    required_assistance_visits: int = Field(
        1,
        ge=0,
        le=50,
        description="technical-assistance visits a participant needs before its pre-audit (PBE III.2-3)",
    )
