"""Demo data for ``make run``: a cohort and three certified companies, and the circular-economy
side's talks and training (deploy/demo/circular.py), through the gateway.

The data is made the way real data is: by the programme's own steps over HTTP, with
every cross-service effect travelling through Kafka. It runs once; a second ``make run``
finds the demo cohort full and leaves everything as it is (or finishes an interrupted run).
"""

from __future__ import annotations

import sys

from deploy.demo import circular
from deploy.demo.client import JourneyError, PlatformClient, gateway_url
from deploy.demo.journey import (
    OFFICER,
    CompanyProfile,
    Journey,
    assess_and_preaudit,
    certify,
    enroll,
    open_cohort,
    train,
)

DEMO_COHORT = "BPE 2026 (demo)"
COMPANIES = (
    CompanyProfile(),
    CompanyProfile(
        legal_name="Textiles Alpaca Andina S.A.C.",
        trade_name="Alpaca Andina",
        region="La Libertad",
        ciiu_code="1312",
        women_led=False,
        products=("hilado de alpaca", "chompas tejidas"),
        search="alpaca",
    ),
    CompanyProfile(
        legal_name="Conservas del Pacífico S.A.",
        trade_name="Pacífico Sur",
        region="Lima",
        ciiu_code="1020",
        women_led=True,
        products=("conservas de pescado", "anchoveta en aceite"),
        search="conservas pacifico",
    ),
)


def main() -> int:
    client = PlatformClient(gateway_url(), log=lambda text: None)
    try:
        cohorts = client.call("GET", "/api/v1/enrollment/cohorts", as_=OFFICER, params={"limit": 500})["data"]
        demo = next((c for c in cohorts if c["name"] == DEMO_COHORT), None)
        print(circular.seed(client))
        if demo is not None and demo["seats_taken"] >= len(COMPANIES):
            print("demo data already loaded")
            return 0
        if demo is None:
            first = Journey(client)
            open_cohort(first, DEMO_COHORT)
            demo = {"id": first.facts["cohort_id"], "seats_taken": 0}
        for profile in COMPANIES[demo["seats_taken"] :]:
            journey = Journey(client, profile=profile, facts={"cohort_id": demo["id"]})
            for stage in (enroll, train, assess_and_preaudit, certify):
                stage(journey)
            print(f"demo: {profile.legal_name} ({journey.ruc}) certified {journey.facts['certificate']}")
        return 0
    except JourneyError as exc:
        print(f"demo data not loaded: {exc}", file=sys.stderr)
        return 1
    finally:
        client.close()
