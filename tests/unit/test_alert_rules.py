"""The Prometheus rules parse and behave (promtool's own checker and unit tests), and the
Grafana dashboard is well-formed; tests/e2e/test_observability_metrics.py checks that every
metric they name is one the running services export."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
OBS = ROOT / "deploy" / "observability"


def _promtool() -> str:
    # Installs Debian's prometheus package (for promtool) when missing; prints the path.
    out = subprocess.run(
        [str(OBS / "tools.sh"), "promtool"], check=True, capture_output=True, text=True, timeout=600
    )
    return out.stdout.strip().splitlines()[-1]


def test_rules_pass_promtool_check_and_their_unit_tests() -> None:
    promtool = _promtool()
    check = subprocess.run(
        [promtool, "check", "rules", "rules.yml"], cwd=OBS, capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 0, check.stdout + check.stderr
    unit = subprocess.run(
        [promtool, "test", "rules", "rules.test.yml"], cwd=OBS, capture_output=True, text=True, timeout=60
    )
    assert unit.returncode == 0, unit.stdout + unit.stderr
    assert "SUCCESS" in unit.stdout + unit.stderr


def test_every_alert_is_unit_tested_and_has_a_summary() -> None:
    rules = yaml.safe_load((OBS / "rules.yml").read_text())
    alerts = {r["alert"]: r for g in rules["groups"] for r in g["rules"] if "alert" in r}
    tests = yaml.safe_load((OBS / "rules.test.yml").read_text())["tests"]
    tested = {a["alertname"] for t in tests for a in t.get("alert_rule_test", []) if a.get("exp_alerts")}
    assert sorted(set(alerts) - tested) == [], "every alert needs a promtool test where it fires"
    for name, rule in alerts.items():
        assert rule["labels"]["severity"] in {"warning", "critical"}, name
        assert rule["annotations"].get("summary"), name


def test_dashboard_is_valid_grafana_json_with_one_query_per_panel() -> None:
    dash = json.loads((OBS / "grafana-dashboard.json").read_text())
    assert dash["uid"] and dash["panels"]
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dash["panels"]:
        assert panel["targets"] and all(t["expr"].strip() for t in panel["targets"]), panel["title"]
