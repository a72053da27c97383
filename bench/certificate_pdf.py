"""How long a certificate PDF takes to render (issue 14; target < 300 ms per certificate).

    .venv/bin/python bench/certificate_pdf.py [--runs 30]

Renders the same document the audit service serves (``services.audit.documents``: the
Jinja2 page, the Ed25519-signed QR code, WeasyPrint to A4) from an in-memory certificate,
so the figure is the rendering alone (the database read before it is a primary-key
lookup). Prints the first (cold: WeasyPrint and fonts loading) render and the warm ones.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from services.audit.documents import certificate_pdf
from services.audit.handlers.certificates import CertificateDocument
from shared.certificate_number import certificate_number


def document() -> CertificateDocument:
    issued = date(2026, 11, 28)
    certificate = SimpleNamespace(
        id=uuid.uuid4(),
        number=certificate_number(2026, 4),
        holder_name="Café Orgánico del Sur S.A.C.",
        ruc="20100070970",
        standard_version="2026.1",
        issued_on=issued,
        expires_on=date(2028, 11, 28),
        mark_use_until=date(2028, 11, 28),
    )
    licence = SimpleNamespace(status="granted", valid_until=date(2028, 11, 28))
    return CertificateDocument(certificate, licence, "Certificadora Andina S.A.C.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    doc = document()
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    size = len(certificate_pdf(doc, now=now))
    cold = (time.perf_counter() - t0) * 1000
    samples, cpu = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        certificate_pdf(doc, now=now)
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    print(f"certificate PDF ({size / 1024:.0f} KiB, A4, QR with Ed25519 JWS), {args.runs} warm renders:")
    print(f"  cold (first, loads WeasyPrint and fonts): {cold:.0f} ms")
    print(
        f"  warm: p50 {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms, max {samples[-1]:.0f} ms "
        f"(target < 300 ms)"
    )
    print(
        f"  CPU time per render (what the machine's other users do not inflate): p50 {statistics.median(cpu):.0f} ms"
    )
    with open("/proc/loadavg") as f:
        print(f"  load average while measuring: {f.read().split()[0]}")
    print("(figures taken on a shared 2-core machine while other engineers' work runs: under load)")


if __name__ == "__main__":
    main()
