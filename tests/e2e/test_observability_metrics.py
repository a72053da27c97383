"""Alert rules and the dashboard name only metrics the running services really export:
every app's /metrics is scraped (through its own port, as Prometheus would) and each
metric named in deploy/observability is found there."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
import yaml

from tests.e2e.conftest import PORTS, Stack

pytestmark = pytest.mark.e2e

OBS = Path(__file__).resolve().parents[2] / "deploy" / "observability"
METRIC = re.compile(r"\b(eco_[a-z0-9_]+|up)\b(?=\s*[{\[)\s]|\s*$|\s*[><=!])")
SUFFIXES = ("_total", "_bucket", "_count", "_sum", "_created")


def _exported(stack: Stack) -> set[str]:
    names: set[str] = set()
    for name in PORTS:
        text = httpx.get(f"{stack.app_url(name)}/metrics", timeout=10).text
        for line in text.splitlines():
            if line.startswith("# TYPE "):
                family, kind = line.split()[2:4]
                names.add(family)
                if kind == "counter":
                    names.add(f"{family}_total")
                if kind == "histogram":
                    names |= {f"{family}{s}" for s in SUFFIXES}
    return names


def _expressions() -> list[str]:
    rules = yaml.safe_load((OBS / "rules.yml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    dash = json.loads((OBS / "grafana-dashboard.json").read_text())
    exprs += [t["expr"] for p in dash["panels"] for t in p["targets"]]
    return exprs


def test_rules_and_dashboard_use_only_exported_metrics(stack: Stack) -> None:
    exported = _exported(stack) | {"up"}  # `up` is Prometheus's own, per scrape target
    named = {m for expr in _expressions() for m in METRIC.findall(expr)}
    assert {"eco_http_requests_total", "eco_consumer_lag", "eco_outbox_backlog"} <= named
    missing = sorted(named - exported)
    assert not missing, f"named in deploy/observability but exported by no service: {missing}"
