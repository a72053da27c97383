"""Demo data of the circular-economy side for ``make run``: one talk per regional node with its
attendance, and a training of CITE specialists in ecocanvas, recorded through the gateway as an
organiser would. Runs once: a second ``make run`` meets the activities' own references (409)."""

from __future__ import annotations

from typing import Any

from deploy.demo.client import PlatformClient
from deploy.demo.journey import OFFICER
from shared.ruc import make_ruc

API = "/api/v1/circular"
ORGANISER = "Comisión por una Economía Circular (demo)"
NODES = {
    "arequipa": ("2025-05-14", "Auditorio de la Cámara de Comercio de Arequipa"),
    "la_libertad": ("2025-06-11", "CITEccal Trujillo"),
    "lima": ("2025-07-09", "PRODUCE, San Isidro"),
}
PEOPLE = (("Rosa", "female"), ("Carlos", "male"), ("Lucía", "female"), ("Jorge", "male"), ("Ana", "female"))


def _attendees(node_index: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(12):
        name, gender = PEOPLE[i % len(PEOPLE)]
        rows.append(
            {
                "ruc": make_ruc("20", f"{61_000_000 + node_index * 100 + i:08d}"),
                "legal_name": f"Mype Circular {node_index}-{i:02d} S.A.C.",
                "size": ("micro", "small", "medium")[i % 3],
                "manufacturing": i % 4 != 3,
                "women_led": i % 3 == 0,
                "full_name": f"{name} Demo {node_index}{i:02d}",
                "gender": gender,
                "role": "gerente" if i % 2 == 0 else "jefe de producción",
            }
        )
    return rows


def seed(client: PlatformClient) -> str:
    """Record the demo's activities and training; says what it did."""
    recorded = 0
    for index, (node, (held_on, place)) in enumerate(NODES.items()):
        answer = client.call(
            "POST",
            f"{API}/activities",
            as_=OFFICER,
            expect=(201, 409),
            json={
                "kind": "talk",
                "title": f"Economía circular para mypes manufactureras ({node})",
                "held_on": held_on,
                "node": node,
                "organiser_kind": "node",
                "organiser": ORGANISER,
                "methodology": "public_awareness",
                "place": place,
                "external_ref": f"demo-{node}-2025",
                "attendees": _attendees(index),
            },
        )
        recorded += 1 if answer.get("status") != 409 else 0
    if recorded:
        client.call(
            "POST",
            f"{API}/trainings",
            as_=OFFICER,
            expect=201,
            json={
                "methodology": "ecocanvas",
                "title": "Ecocanvas para especialistas CITE (demo)",
                "node": "lima",
                "organiser": ORGANISER,
                "starts_on": "2025-08-04",
                "ends_on": "2025-08-08",
                "hours": "40",
                "trainees": [
                    {
                        "full_name": f"{name} Especialista {i}",
                        "gender": gender,
                        "kind": "specialist",
                        "institution": ("CITEccal Lima", "CITEmadera", "CITEagroindustrial")[i % 3],
                        "hours_attended": "36" if i != 4 else "20",
                    }
                    for i, (name, gender) in enumerate(PEOPLE)
                ],
            },
        )
    return (
        f"circular: {recorded} demo activities recorded" if recorded else "circular demo data already loaded"
    )
