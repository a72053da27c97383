"""Printable documents with a signed QR code (issue 14).

The certificate, the attendance certificate and the commitment letter are rendered as A4
PDFs (WeasyPrint). Each carries a QR code (segno) holding a URL of the public verification
page with a compact JWS (Ed25519, RFC 9864 ``alg: Ed25519``) of the document's facts, so
the paper can be checked online (the page) or offline (the signature against the JWKS the
gateway publishes at ``/.well-known/jwks.json``).

- ``keys``: the signing key set (several keys with ``kid``: rotation), its public JWKS;
- ``render``: the templates' environment, the QR block and the PDF.
"""

from shared.documents.keys import DocumentKeys, DocumentSettings, load_keys
from shared.documents.render import QrBlock, render_pdf, signed_qr, templates

__all__ = ["DocumentKeys", "DocumentSettings", "QrBlock", "load_keys", "render_pdf", "signed_qr", "templates"]
