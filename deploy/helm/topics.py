"""Write the chart's topic list from the typed contracts: ``python -m deploy.helm.topics``.

The chart's Strimzi KafkaTopic resources and its topic-creation Job read
``ecoeficiencia/files/topics.yaml``; tests/unit/test_helm_chart.py fails when the file and
the contracts disagree, so a new contract cannot ship without its topic.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from shared.events.contracts import all_topics
from shared.events.kafka import TOPIC_CONFIG

TOPICS_FILE = Path(__file__).resolve().parent / "ecoeficiencia" / "files" / "topics.yaml"
HEADER = "# Generated from shared/events/contracts by `python -m deploy.helm.topics`; do not edit.\n"


def render() -> str:
    topics = [{"name": name, "partitions": parts} for name, parts in sorted(all_topics().items())]
    return HEADER + yaml.safe_dump({"config": dict(TOPIC_CONFIG), "topics": topics}, sort_keys=False)


def main() -> int:
    TOPICS_FILE.write_text(render())
    print(f"wrote {TOPICS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
