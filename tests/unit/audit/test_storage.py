"""The local-disk evidence storage: round trip, delete, and keys that cannot escape the root."""

from __future__ import annotations

import pytest

from services.audit.storage import LocalDiskStorage
from shared.errors import NotFound


async def test_put_get_delete(tmp_path):
    storage = LocalDiskStorage(tmp_path)
    await storage.put("evidence/a/b", b"contenido")
    assert await storage.get("evidence/a/b") == b"contenido"
    assert not list(tmp_path.rglob("*.part"))
    await storage.delete("evidence/a/b")
    with pytest.raises(NotFound):
        await storage.get("evidence/a/b")
    await storage.delete("evidence/a/b")  # deleting twice is fine


async def test_a_key_cannot_leave_the_storage_root(tmp_path):
    storage = LocalDiskStorage(tmp_path / "root")
    with pytest.raises(ValueError):
        await storage.put("../outside", b"x")
