"""Where evidence files live: a small protocol, and local disk as its first implementation.

Handlers see only ``EvidenceStorage`` (put/get/delete by key), so object storage
(S3, MinIO) can replace the disk without touching a use case. Keys are made by the
service (``audit/evidence/<assessment>/<evidence id>``), never taken from a client.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Protocol

from shared.errors import NotFound


class EvidenceStorage(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...


class LocalDiskStorage:
    """Files under ``root``; a write lands under a temporary name and is renamed into place,
    so a reader never sees half a file."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key escapes the storage root: {key!r}")
        return path

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise NotFound("Evidence file", key) from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
