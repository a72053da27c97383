"""Who may call the gateway's own routes: the only module that calls ``require_roles``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

# Creates, lists, reads and revokes partner API keys: admin.
ApiKeyAdmin = Annotated[Principal, Depends(require_roles(Role.admin))]
