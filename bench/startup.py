"""`make run` ready time with warm caches, and each service's idle RSS (issue 15).

Stops this clone's service processes (``deploy/services.sh down``: its own pid files), then
times ``make run`` to its "is up" line: Postgres and Kafka are already running and the venv and
bytecode are warm, so this is the services' start-up, nginx, and the demo data. Then, after a
few idle seconds, the resident memory of each service (its uvicorn process and any workers).
Goal: ready in < 30 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from bench.harness import ROOT, record

SERVICES = ("gateway", "enrollment", "training", "audit", "catalog", "webhooks", "circular")


def rss_kib(pid: int) -> int:
    """VmRSS of a process and its children (uvicorn's workers), in KiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def main() -> int:
    subprocess.run(
        ["deploy/with-env.sh", "deploy/services.sh", "down"], cwd=ROOT, check=True, capture_output=True
    )
    started = time.monotonic()
    subprocess.run(["make", "run"], cwd=ROOT, check=True, capture_output=True)
    ready = time.monotonic() - started
    workers = os.environ.get("ECO_WORKERS", "1")
    print(f"make run ready in {ready:.1f} s (services restarted, Postgres and Kafka up, caches warm)")
    record(f"make run ready: {ready:.1f} s ({workers} worker)", {}, None, "< 30 s")
    time.sleep(5)  # idle: start-up work (relays' first poll, consumers joining) settles
    for name in SERVICES:
        pidfile = ROOT / ".local" / "run" / f"{name}.pid"
        if not pidfile.exists():
            continue
        try:
            mib = rss_kib(int(pidfile.read_text().strip())) / 1024
        except (OSError, ValueError):
            continue
        print(f"  {name:<11} idle RSS {mib:6.0f} MiB")
        record(f"idle RSS {name}: {mib:.0f} MiB ({workers} worker)", {}, None, "reported")
    return 0


if __name__ == "__main__":
    sys.exit(main())
