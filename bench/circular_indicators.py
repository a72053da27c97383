"""Circular-economy indicators at the document's scale: 3,000 sensitised companies, then the report.

Against ``make run`` (``make infra && deploy/services.sh up circular`` is enough): straight to the
circular app's port with a dev identity (no nginx). In a past year no one else uses (so the window
holds only this run's facts), it records ``BENCH_ACTIVITIES`` activities over the three nodes,
each with an attendance sheet (CSV) of ``BENCH_COMPANIES_PER_ACTIVITY`` companies and one person per
company, 10 % of the companies attending a second activity. Printed: sheet imports per second and
rows per second, then p50/p95 of ``GET /indicators`` (all figures, as of the year's end) plain, by
node and by quarter, and of the public hub's figures, each over ``BENCH_REPEAT`` calls.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from shared.ruc import make_ruc
from shared.settings import get_settings
from tests.support.testing import identity_headers

ACTIVITIES = int(os.environ.get("BENCH_ACTIVITIES", "150"))
PER_ACTIVITY = int(os.environ.get("BENCH_COMPANIES_PER_ACTIVITY", "20"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
NODES = ("arequipa", "la_libertad", "lima")
KINDS = ("talk", "workshop", "fair")
METHODS = ("public_awareness", "private_awareness", "private_accompaniment", "ecocanvas")


def _timed(call, n: int) -> tuple[float, float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:300]
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> int:
    settings = get_settings().for_service("circular", env="dev")
    base = f"http://127.0.0.1:{settings.circular_port}/api/v1/circular"
    officer = identity_headers(settings, "promperu_officer", subject="bench")
    year = random.randrange(1900, 2000)  # past (attendance needs held days), and nobody else's window
    rucs = [make_ruc("20", f"{random.randrange(10**8):08d}") for _ in range(ACTIVITIES * PER_ACTIVITY)]
    with httpx.Client(timeout=60) as http:
        started, rows = time.perf_counter(), 0
        for i in range(ACTIVITIES):
            held = f"{year}-{1 + i * 12 // ACTIVITIES:02d}-{1 + i % 28:02d}"
            activity = http.post(
                f"{base}/activities",
                json={
                    "kind": KINDS[i % 3],
                    "title": f"Bench {i}",
                    "held_on": held,
                    "node": NODES[i % 3],
                    "organiser_kind": "node",
                    "organiser": f"Nodo {NODES[i % 3]}",
                    "methodology": METHODS[i % 4],
                },
                headers=officer,
            )
            assert activity.status_code == 201, activity.text
            mine = rucs[i * PER_ACTIVITY : (i + 1) * PER_ACTIVITY]
            mine += random.sample(rucs[: (i + 1) * PER_ACTIVITY], PER_ACTIVITY // 10)
            sheet = "RUC;Razón social;Liderada por mujer;Nombres y apellidos;Sexo\n" + "".join(
                f"{r};Empresa {r};{'sí' if int(r[-2]) % 2 else 'no'};Persona {r};{'F' if int(r[-3]) % 2 else 'M'}\n"
                for r in dict.fromkeys(mine)
            )
            response = http.post(
                f"{base}/activities/{activity.json()['id']}/attendance/import",
                content=sheet.encode(),
                headers=officer | {"content-type": "text/csv"},
            )
            assert response.status_code == 200, response.text[:300]
            rows += response.json()["rows_read"]
        seconds = time.perf_counter() - started
        print(
            f"recorded {ACTIVITIES} activities, {rows} sheet rows in {seconds:.1f} s: "
            f"{ACTIVITIES / seconds:.1f} sheets/s, {rows / seconds:.0f} rows/s"
        )
        window = {"from": f"{year}-01-01", "as_of": f"{year}-12-31"}
        total = http.get(f"{base}/indicators", params=window, headers=officer).json()
        sensitised = next(f["total"] for f in total["figures"] if f["name"] == "companies_sensitised")
        print(f"companies_sensitised = {sensitised} (expected {len(rucs)})")
        for label, params in (
            ("all figures", window),
            ("by node", window | {"group_by": "node"}),
            ("by quarter", window | {"group_by": "period", "period": "quarter"}),
        ):
            p50, p95 = _timed(
                lambda p=params: http.get(f"{base}/indicators", params=p, headers=officer), REPEAT
            )
            print(f"GET /indicators {label:12} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
        p50, p95 = _timed(lambda: http.get(f"{base}/hub/figures", params={"as_of": f"{year}-12-31"}), REPEAT)
        print(f"GET /hub/figures (by node, all data to date) p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
