"""What every side-by-side bench shares: a ceiling app on a free port, wrk, and the table.

A bench measures the real service and its *ceiling* (``bench/ceiling.py``: a bare
FastAPI + asyncpg app doing the same SQL, same venv, one uvicorn worker) in one run,
alternating rounds so both see the same (shared, noisy) machine, and records one row per
comparison in ``.local/bench/results.jsonl``; ``make bench`` prints them as one table
(``python bench/harness.py table``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / ".local" / "bench" / "results.jsonl"
DURATION = os.environ.get("BENCH_DURATION", "5s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# The worker counts a bench runs the service under test with (issue 15: "show the figures for 1
# and 2 workers"); the ceiling always runs one.
WORKERS = [int(w) for w in os.environ.get("BENCH_WORKERS", "1 2").split()]


def _services(action: str, name: str, workers: int) -> None:
    subprocess.run(
        ["deploy/with-env.sh", "bash", "deploy/services.sh", action, name],
        cwd=ROOT,
        env=os.environ | {"ECO_WORKERS": str(workers)},
        check=True,
        capture_output=True,
    )


@contextlib.contextmanager
def service_workers(name: str, workers: int) -> Iterator[None]:
    """``make run``'s ``name`` with ``workers`` uvicorn workers for the block, as it was after."""
    usual = int(os.environ.get("ECO_WORKERS") or 1)
    if workers == usual:
        yield
        return
    _services("down", name, workers)
    _services("up", name, workers)
    try:
        yield
    finally:
        _services("down", name, usual)
        _services("up", name, usual)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_uvicorn(
    target: str, port: int, env: Mapping[str, str], *, log_name: str, workers: int = 1, factory: bool = True
) -> subprocess.Popen[bytes]:
    """``target`` is a factory (``module:create_app``) or an app, run as the services run
    (uvloop, httptools, no access log)."""
    logs = ROOT / ".local" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = open(logs / f"bench-{log_name}.log", "ab")  # noqa: SIM115 - owned by the process
    cmd = [sys.executable, "-m", "uvicorn", target, *(["--factory"] if factory else [])]
    cmd += ["--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--loop", "uvloop", "--http", "httptools", "--no-access-log", "--workers", str(workers)]
    return subprocess.Popen(cmd, cwd=ROOT, env=os.environ | dict(env), stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process behind {url} exited; see .local/logs/bench-*.log")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)  # poll interval of a deadline loop
    raise RuntimeError(f"{url} not healthy within {timeout}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
        return shutil.which("wrk") or sys.exit("wrk did not install")
    sys.exit("these benchmarks need wrk: apt-get install wrk")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _cpu_ticks(pids: Iterable[int]) -> int:
    """User + system clock ticks of the processes and their children (uvicorn's workers)."""
    total = 0
    for pid in pids:
        family = [pid]
        with contextlib.suppress(OSError):
            family += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        for member in family:
            with contextlib.suppress(OSError, IndexError):
                fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
    return total


def service_pid(name: str) -> int:
    """The pid ``make run`` recorded for a service (uvicorn's main process)."""
    return int((ROOT / ".local" / "run" / f"{name}.pid").read_text().split()[0])


def wrk(
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    connections: int = 16,
    duration: str = "",
    script: str | None = None,
    pids: Callable[[], Iterable[int]] | None = None,
) -> dict:
    """One wrk run: req/s, p50 and p99 in ms. Any non-2xx answer stops the bench. With ``pids``,
    also the CPU those processes spent per request (µs), the machine-independent half of a
    comparison: what the process under test costs, whatever else shares the cores."""
    watched = list(pids()) if pids else []
    before = _cpu_ticks(watched)
    cmd = [wrk_binary(), "-t1", f"-c{connections}", f"-d{duration or DURATION}", "--latency", url]
    if script:
        cmd += ["-s", script]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    latency = {p: _ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx or rps is None:
        sys.exit(f"{url}: error responses\n{out}")
    figures = {"rps": float(rps.group(1)), "p50": latency["50"], "p99": latency["99"]}
    done = re.search(r"(\d+) requests in", out)
    if watched and done and int(done.group(1)):
        ticks = _cpu_ticks(watched) - before
        figures["cpu_us"] = ticks * 1e6 / os.sysconf("SC_CLK_TCK") / int(done.group(1))
    return figures


Runner = Callable[[], dict]


def side_by_side(runners: Mapping[str, Runner], rounds: int | None = None) -> dict[str, dict]:
    """Run each runner once per round, alternating; the median of each figure per runner."""
    runs: dict[str, list[dict]] = {name: [] for name in runners}
    for round_no in range(1, (rounds or ROUNDS) + 1):
        for name, run in runners.items():
            figures = run()
            runs[name].append(figures)
            print(
                f"  round {round_no} {name:<28} {figures['rps']:8.0f} req/s  p50 {figures['p50']:7.2f} ms"
                f"  p99 {figures['p99']:7.2f} ms"
                + (f"  CPU {figures['cpu_us']:5.0f} µs/req" if "cpu_us" in figures else ""),
                flush=True,
            )
    return {
        name: {k: statistics.median(r[k] for r in rs if k in r) for k in rs[0] if all(k in r for r in rs)}
        for name, rs in runs.items()
    }


def record(
    what: str, real: Mapping[str, float], ceiling: Mapping[str, float] | None, goal: str = "", **extra: object
) -> None:
    """One table row: the real figures, the ceiling's, and their ratios."""
    row: dict[str, object] = {"what": what, "real": dict(real), "goal": goal, **extra}
    if ceiling is not None:
        row["ceiling"] = dict(ceiling)
        row["rps_ratio"] = real["rps"] / ceiling["rps"] if ceiling.get("rps") else None
        row["p99_ratio"] = real["p99"] / ceiling["p99"] if ceiling.get("p99") else None
        if real.get("cpu_us") and ceiling.get("cpu_us"):
            row["cpu_ratio"] = ceiling["cpu_us"] / real["cpu_us"]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as f:
        f.write(json.dumps(row) + "\n")
    line = f"=> {what}:"
    if "rps" in real:
        line += f" {real['rps']:.0f} req/s"
    if "p99" in real:
        line += f" p99 {real['p99']:.1f} ms"
    if ceiling is not None:
        line += (
            f"  | ceiling {ceiling.get('rps', 0):.0f} req/s p99 {ceiling.get('p99', 0):.1f} ms"
            f"  | ratio {row.get('rps_ratio') or 0:.2f}x, p99 {row.get('p99_ratio') or 0:.2f}x"
        )
        if "cpu_ratio" in row:
            line += (
                f"  | CPU/req {real['cpu_us']:.0f} µs vs ceiling {ceiling['cpu_us']:.0f} µs"
                f" ({row['cpu_ratio']:.2f}x)"
            )
    print(line + (f"  (goal: {goal})" if goal else ""), flush=True)


def table() -> None:
    if not RESULTS.exists():
        print("no results")
        return
    rows = [json.loads(line) for line in RESULTS.read_text().splitlines() if line.strip()]
    head = f"| {'what':<58} | {'req/s':>7} | {'p99 ms':>7} | {'ceiling req/s':>13} | {'ceiling p99':>11} "
    head += f"| {'ratio':>5} | {'p99 x':>5} | {'CPU µs/req':>10} | {'ceil CPU':>8} | {'CPU x':>5} | goal |"
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for r in rows:
        real, ceil = r["real"], r.get("ceiling") or {}

        def f(value: object, fmt: str) -> str:
            return format(value, fmt) if isinstance(value, (int, float)) else "-"

        print(
            f"| {r['what']:<58} | {f(real.get('rps'), '7.0f'):>7} | {f(real.get('p99'), '7.1f'):>7} "
            f"| {f(ceil.get('rps'), '13.0f'):>13} | {f(ceil.get('p99'), '11.1f'):>11} "
            f"| {f(r.get('rps_ratio'), '5.2f'):>5} | {f(r.get('p99_ratio'), '5.2f'):>5} "
            f"| {f(real.get('cpu_us'), '10.0f'):>10} | {f(ceil.get('cpu_us'), '8.0f'):>8} "
            f"| {f(r.get('cpu_ratio'), '5.2f'):>5} | {r.get('goal', '')} |"
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["table"]:
        table()
    elif sys.argv[1:] == ["reset"]:
        RESULTS.unlink(missing_ok=True)
    else:
        sys.exit("usage: harness.py table|reset")
