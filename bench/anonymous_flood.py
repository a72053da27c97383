"""A normal read's latency, idle and while 4 clients send 5 MB anonymous bodies (issue 12).

Before the gateway refused anonymous calls to non-public operations, each such body was parsed
by a service before its 401: 40 of them from 4 clients took a read's median from 7 ms to 386 ms.
Now nginx asks /_auth (no body) and answers 401 itself, discarding the body in C.

    deploy/with-env.sh .venv/bin/python bench/anonymous_flood.py [--reads 300] [--clients 4]

Expects `make run` (dev token issuer on); prints the figures and the 1.5x target's verdict.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from collections import Counter

import httpx

TARGET_RATIO = 1.5
READ = "/api/v1/enrollment/companies?limit=5"
FLOOD = "/api/v1/enrollment/companies"  # not public: anonymous callers get 401


def gateway() -> str:
    return os.environ.get("ECO_BENCH_URL") or f"http://127.0.0.1:{os.environ.get('ECO_GATEWAY_PORT', '8080')}"


def token(url: str) -> str:
    response = httpx.post(
        f"{url}/api/v1/gateway/dev/tokens", json={"role": "promperu_officer", "ttl_seconds": 3600}
    )
    response.raise_for_status()
    return response.json()["access_token"]


def reads(url: str, headers: dict[str, str], n: int) -> list[float]:
    timings = []
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        client.get(READ).raise_for_status()  # warm the connection and nginx's auth cache
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(READ)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text[:200]
    return timings


def flood(url: str, stop: threading.Event, statuses: Counter, body: bytes, pause: float) -> None:
    with httpx.Client(base_url=url, timeout=60) as client:
        while not stop.is_set():
            try:
                response = client.post(FLOOD, content=body, headers={"Content-Type": "application/json"})
                statuses[response.status_code] += 1
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1
            stop.wait(pause)  # 0: back to back


def summary(label: str, timings: list[float]) -> float:
    ordered = sorted(timings)
    median = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{label:44} median {median:7.1f} ms   p95 {p95:7.1f} ms   ({len(ordered)} reads)")
    return median


def flooded_reads(
    url: str, headers: dict[str, str], args, body: bytes, pause: float
) -> tuple[list[float], Counter, float]:
    stop, statuses = threading.Event(), Counter()
    threads = [
        threading.Thread(target=flood, args=(url, stop, statuses, body, pause)) for _ in range(args.clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        timings = reads(url, headers, args.reads)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return timings, statuses, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reads", type=int, default=150, help="reads per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pause", type=float, default=0.25, help="paced flood: seconds between bodies")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--mb", type=float, default=5.0)
    args = parser.parse_args()
    url = gateway()
    headers = {"Authorization": f"Bearer {token(url)}"}
    body = b'{"ruc": "' + b"1" * int(args.mb * 1024 * 1024 - 20) + b'"}'

    # Rounds alternate idle and flooded reads: the machine's other load drifts, so each
    # flooded figure is compared with the idle one measured next to it.
    idle_all, loaded_all = [], []
    for pause, label in ((0.0, "back to back"), (args.pause, f"one body per client every {args.pause:g} s")):
        for _ in range(args.rounds):
            idle_all += reads(url, headers, args.reads)
            timings, statuses, elapsed = flooded_reads(url, headers, args, body, pause)
            loaded_all += timings
        sent = sum(v for k, v in statuses.items() if isinstance(k, int))
        idle = summary("idle", idle_all)
        loaded = summary(f"{args.clients} clients x {args.mb:g} MB anonymous, {label}", loaded_all)
        print(
            f"  last round: {sent} bodies in {elapsed:.1f} s ({sent / elapsed:.1f}/s, "
            f"{sent * args.mb / elapsed:.0f} MB/s), answers {dict(statuses)}"
        )
        ratio = loaded / idle
        verdict = "within" if ratio <= TARGET_RATIO else "OVER"
        print(f"  ratio loaded/idle median: {ratio:.2f}x ({verdict} the {TARGET_RATIO}x target)")
        idle_all, loaded_all = [], []


if __name__ == "__main__":
    main()
