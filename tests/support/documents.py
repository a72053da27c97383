"""Reading a rendered PDF the way a person (and a phone) would: its text, its QR code.

``pdftotext`` and ``pdftoppm`` (poppler-utils) and ``zbarimg`` (zbar-tools) are installed
by ``deploy/documents.sh`` (``make infra-test``). The PDF and its first page as PNG are
kept under the artefacts directory (``.local/artefacts``, ``ECO_TEST_ARTEFACTS``).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx

from services.gateway.main import create_app as create_gateway_app
from tests.support.browser import artefacts_dir


@dataclass(frozen=True)
class ReadPdf:
    pdf: Path
    first_page: Path
    text: str
    qr: str

    @property
    def token(self) -> str:
        return parse_qs(urlparse(self.qr).query)["t"][0]


def read_pdf(content: bytes, name: str) -> ReadPdf:
    assert content.startswith(b"%PDF-"), content[:40]
    out = artefacts_dir()
    pdf = out / f"{name}.pdf"
    pdf.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    prefix = out / f"{name}-page"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True)
    first_page = next(out.glob(f"{name}-page-*1.png"))
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(first_page)], capture_output=True, text=True)
    assert decoded.returncode == 0, f"no QR code found on {first_page}: {decoded.stderr}"
    return ReadPdf(pdf, first_page, text, decoded.stdout.strip())


def page_size_mm(text_of_pdfinfo: str) -> tuple[float, float]:
    line = next(x for x in text_of_pdfinfo.splitlines() if x.startswith("Page size:"))
    w, h = (float(v) for v in line.split(":")[1].split("pts")[0].split("x"))
    return round(w / 72 * 25.4), round(h / 72 * 25.4)


def pdf_page_size_mm(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return page_size_mm(info)


async def gateway_jwks(settings) -> dict:
    """The JWKS as the gateway app publishes it at /.well-known/jwks.json."""
    app = create_gateway_app(settings.for_service("gateway"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "application/jwk-set+json"
    )
    return response.json()
