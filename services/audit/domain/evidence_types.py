"""Which content types an evidence download may be served as: pure Python.

The uploader names a file's type; a browser would believe it. Only types that cannot run
in the platform's origin (documents, images, spreadsheets, archives, plain data) are echoed;
anything else (text/html, image/svg+xml, application/javascript, XML...) is served as
``application/octet-stream``, always with ``nosniff`` and as an attachment.
"""

from __future__ import annotations

OCTET_STREAM = "application/octet-stream"

SERVABLE: frozenset[str] = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/tiff",
        "image/heic",
        "text/plain",
        "text/csv",
        "application/json",
        "application/zip",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "video/mp4",
        "audio/mpeg",
    }
)


def served_media_type(claimed: str | None) -> str:
    """The claimed type (parameters dropped, lower-cased) when allowed, else octet-stream."""
    base = (claimed or "").split(";", 1)[0].strip().lower()
    return base if base in SERVABLE else OCTET_STREAM
