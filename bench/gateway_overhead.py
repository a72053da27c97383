"""The gateway's cost on a typical authenticated read, measured side by side with wrk.

Against ``make run``: GET one company (``/api/v1/enrollment/companies/{ruc}``) as a
programme officer, (a) through nginx with a bearer token (auth_request, its cached
decision, the identity header, the upstream pool) and (b) straight to the enrollment
service's port with the signed identity nginx would have forwarded. Rounds alternate
so both see the same machine; the figures are the median round.

Targets (issue 7): gateway p99 <= 1.3x direct, throughput >= 0.75x direct.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from shared.auth import Role
from shared.settings import get_settings
from tests.support.testing import identity_headers

DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def _wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
        return shutil.which("wrk") or sys.exit("wrk did not install")
    sys.exit("this benchmark needs wrk: apt-get install wrk")


def _unit(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(wrk: str, url: str, headers: dict[str, str]) -> dict[str, float]:
    cmd = [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    latency = {p: _unit(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        sys.exit(f"{url}: {non_2xx.group(1)} error responses; is `make run` up?\n{out}")
    return {"rps": rps, "p50": latency["50"], "p99": latency["99"]}


def main() -> int:
    settings = get_settings()
    gateway = f"http://127.0.0.1:{settings.gateway_port}"
    direct = settings.service_url("enrollment")
    token = httpx.post(f"{gateway}/api/v1/gateway/dev/tokens", json={"role": "promperu_officer"}).json()[
        "access_token"
    ]
    bearer = {"Authorization": f"Bearer {token}"}
    companies = httpx.get(
        f"{gateway}/api/v1/enrollment/companies", params={"limit": 1}, headers=bearer
    ).json()
    if not companies["data"]:
        sys.exit("no company to read: run `make run` (it loads demo data) first")
    path = f"/api/v1/enrollment/companies/{companies['data'][0]['ruc']}"
    signed = identity_headers(settings.for_service("enrollment"), Role.promperu_officer, ttl=3600)
    wrk = _wrk()
    results: dict[str, list[dict[str, float]]] = {"direct": [], "gateway": []}
    print(f"GET {path}  ({CONNECTIONS} connections, {DURATION} per run, {ROUNDS} rounds, alternating)")
    for round_no in range(1, ROUNDS + 1):
        for name, url, headers in (("direct", direct + path, signed), ("gateway", gateway + path, bearer)):
            figures = run_wrk(wrk, url, headers)
            results[name].append(figures)
            print(
                f"  round {round_no} {name:8s} {figures['rps']:8.0f} req/s  p50 {figures['p50']:6.2f} ms"
                f"  p99 {figures['p99']:6.2f} ms"
            )
            time.sleep(1)  # let the previous run's connections drain before the next one
    median = {
        name: {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99")}
        for name, runs in results.items()
    }
    d, g = median["direct"], median["gateway"]
    print("\nmedian        req/s      p50 ms   p99 ms")
    for name in ("direct", "gateway"):
        print(f"  {name:8s} {median[name]['rps']:9.0f} {median[name]['p50']:9.2f} {median[name]['p99']:8.2f}")
    print(
        f"\ngateway/direct: throughput {g['rps'] / d['rps']:.2f}x (target >= 0.75x), "
        f"p99 {g['p99'] / d['p99']:.2f}x (target <= 1.3x), p50 {g['p50'] / d['p50']:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
