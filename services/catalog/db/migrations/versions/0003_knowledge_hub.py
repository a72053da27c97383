"""Knowledge hub "Mi Empresa Circular": resources, success stories, emission factors (seeded).

Revision ID: catalog_0003
Revises: catalog_0002

Seeds, as reference data of this migration:

* resources named in GIZ, "Integrar la economía circular en las mipymes manufactureras"
  (Lima, marzo 2024), Impacto: the WhatsApp micro-course, the circularity calculator,
  the ecocanvas methodology and the "04 metodologías de capacitación … de acuerdo con el
  tipo de entidad pública o privada y el grado de profundidad en el acompañamiento"
  (seeded as the 2 x 2 of entity type and depth: the document gives no titles, officers
  edit them); plus the guides PROMPERÚ's programme promises (section IV, Beneficios).
* emission factors version ``2024.1``: reference values with their publication named,
  marked ``verified = false`` until the programme's technical team checks each one
  against the cited table. A new version is a new migration; old ones stay, so a story
  keeps the factors it was computed with.
"""

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID

revision = "catalog_0003"
down_revision = "catalog_0002"
branch_labels = None
depends_on = None

S = "catalog"
RESOURCE_TEXT = "catalog.search_text(title, summary, tags)"
SEEDED_AT = datetime(2024, 3, 1, tzinfo=timezone.utc)
# Resource ids are derived from their slugs, so every database gets the same ids.
NAMESPACE = uuid.UUID("6f1d1c4e-3f0b-4a51-9d0e-6a8a3c1f7b20")
GIZ = 'GIZ, "Integrar la economía circular en las mipymes manufactureras", Lima, marzo 2024, sección Impacto'
PROMPERU = 'PROMPERÚ, "Programa de implementación de las Buenas Prácticas de Ecoeficiencia Perú", sección IV Beneficios'

METHODOLOGY_SUMMARY = (
    "Una de las 04 metodologías de capacitación desarrolladas para la oferta de cualificación y "
    "asesoramiento en economía circular, según el tipo de entidad ({entity}) y el grado de profundidad "
    "del acompañamiento ({depth}) que presta a la empresa que implementará medidas de circularidad."
)

RESOURCES = [
    dict(
        slug="micro-curso-whatsapp-economia-circular",
        kind="micro_course",
        title="Micro curso de economía circular por WhatsApp",
        summary="Micro curso breve, por WhatsApp, que introduce a las mipymes en la economía circular.",
        tags=["economía circular", "sensibilización", "whatsapp"],
        audiences=["mipyme"],
        source=GIZ,
    ),
    dict(
        slug="calculadora-de-circularidad",
        kind="tool",
        title="Calculadora de circularidad (MCI)",
        summary=(
            "Calcula el Indicador de Circularidad de Materiales (MCI) de un producto según la metodología "
            "de la Ellen MacArthur Foundation: materia prima reciclada y reutilizada, recolección, "
            "eficiencias de reciclaje, vida útil e intensidad de uso."
        ),
        url="/api/v1/catalog/circularity/mci",
        tags=["circularidad", "indicador", "MCI", "calculadora"],
        audiences=["mipyme", "consultor"],
        source=GIZ,
    ),
    dict(
        slug="metodologia-ecocanvas",
        kind="methodology",
        title="Metodología ecocanvas",
        summary=(
            "Lienzo para rediseñar el modelo de negocio de la empresa con criterios de circularidad; "
            "especialistas de la red CITE fueron capacitados en su uso."
        ),
        tags=["ecocanvas", "modelo de negocio", "CITE"],
        audiences=["consultor", "entidad_publica", "entidad_privada"],
        source=GIZ,
    ),
    *[
        dict(
            slug=f"metodologia-capacitacion-{entity}-{depth}",
            kind="methodology",
            title=f"Metodología de capacitación: entidad {entity_es}, acompañamiento {depth_es}",
            summary=METHODOLOGY_SUMMARY.format(entity=entity_es, depth=depth_es),
            tags=["capacitación", "asesoramiento", "economía circular"],
            audiences=[f"entidad_{'publica' if entity == 'public' else 'privada'}"],
            entity_type=entity,
            accompaniment_depth=depth,
            source=GIZ,
        )
        for entity, entity_es in (("public", "pública"), ("private", "privada"))
        for depth, depth_es in (("basic", "básico"), ("deep", "profundo"))
    ],
    dict(
        slug="guia-plan-manejo-residuos-solidos",
        kind="guide",
        title="Guía: plan de manejo de residuos sólidos",
        summary="Cómo elaborar el plan de manejo de residuos sólidos que exige la ley, para evitar sanciones.",
        tags=["residuos sólidos", "cumplimiento legal"],
        audiences=["mipyme"],
        source=PROMPERU,
    ),
    dict(
        slug="guia-cuantificacion-costos-ambientales",
        kind="guide",
        title="Guía: cuantificación de los costos ambientales en los procesos productivos",
        summary=(
            "Cómo medir el consumo de materias primas, agua y energía de cada proceso y traducirlo en costos, "
            "para priorizar medidas de ecoeficiencia."
        ),
        tags=["costos ambientales", "ecoeficiencia", "agua", "energía"],
        audiences=["mipyme"],
        source=PROMPERU,
    ),
]

UNVERIFIED = "Valor de referencia: verificar contra la tabla de la publicación citada antes de difundir resultados."
FACTORS = [
    dict(
        code="electricity_sein_pe",
        resource="energy",
        name_es="Electricidad de la red (SEIN, Perú)",
        factor=Decimal("0.200000"),
        unit="kg CO2e/kWh",
        activity_unit="kWh",
        source="MINAM, Huella de Carbono Perú: factor de emisión del Sistema Eléctrico Interconectado Nacional (SEIN)",
        is_default=True,
    ),
    dict(
        code="water_supply",
        resource="water",
        name_es="Agua potable de red (suministro)",
        factor=Decimal("0.191300"),
        unit="kg CO2e/m3",
        activity_unit="m3",
        source="UK DESNZ/DEFRA, Government greenhouse gas conversion factors for company reporting: Water supply",
        is_default=True,
    ),
    dict(
        code="paper_board_primary",
        resource="raw_material",
        name_es="Papel y cartón (producción primaria)",
        factor=Decimal("0.919400"),
        unit="kg CO2e/kg",
        activity_unit="kg",
        source="UK DESNZ/DEFRA, Government greenhouse gas conversion factors for company reporting: Material use, paper and board, primary material production",
        is_default=False,
    ),
    dict(
        code="plastics_average_primary",
        resource="raw_material",
        name_es="Plásticos, promedio (producción primaria)",
        factor=Decimal("3.116000"),
        unit="kg CO2e/kg",
        activity_unit="kg",
        source="UK DESNZ/DEFRA, Government greenhouse gas conversion factors for company reporting: Material use, plastics average, primary material production",
        is_default=False,
    ),
    dict(
        code="waste_landfill_commercial",
        resource="waste",
        name_es="Residuos comerciales e industriales a relleno sanitario",
        factor=Decimal("0.467000"),
        unit="kg CO2e/kg",
        activity_unit="kg",
        source="UK DESNZ/DEFRA, Government greenhouse gas conversion factors for company reporting: Waste disposal, commercial and industrial waste, landfill",
        is_default=True,
    ),
]


def _ts(name, **kw):
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


def upgrade() -> None:
    from alembic import op

    resources = op.create_table(
        "resources",
        sa.Column("resource_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("tags", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("audiences", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("entity_type", sa.Text),
        sa.Column("accompaniment_depth", sa.Text),
        sa.Column("source", sa.Text),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        sa.Column(
            "search_vector",
            TSVECTOR,
            sa.Computed(f"to_tsvector('spanish'::regconfig, {RESOURCE_TEXT})", persisted=True),
        ),
        schema=S,
    )
    op.create_index("ux_catalog_resources_slug", "resources", ["slug"], unique=True, schema=S)
    op.create_index("ix_catalog_resources_search", "resources", ["search_vector"], postgresql_using="gin", schema=S)
    op.create_index("ix_catalog_resources_kind", "resources", ["kind", "title", "resource_id"], schema=S)

    factors = op.create_table(
        "emission_factors",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("version", sa.Text, primary_key=True),
        sa.Column("resource", sa.Text, nullable=False),
        sa.Column("name_es", sa.Text, nullable=False),
        sa.Column("factor", sa.Numeric(14, 6), nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("activity_unit", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("verified", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("note", sa.Text),
        schema=S,
    )

    op.create_table(
        "success_stories",
        sa.Column("story_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("ruc", sa.Text, nullable=False),
        sa.Column("company_name", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("measure", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("figures", JSONB, nullable=False),
        sa.Column("investment", sa.Numeric(14, 2), nullable=False),
        sa.Column("factor_refs", JSONB, nullable=False),
        sa.Column("review_note", sa.Text),
        sa.Column("created_by", sa.Text, nullable=False),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        _ts("submitted_at"),
        _ts("published_at"),
        schema=S,
    )
    op.create_index(
        "ix_catalog_success_stories_status", "success_stories", ["status", "created_at", "story_id"], schema=S
    )
    op.create_index("ix_catalog_success_stories_ruc", "success_stories", ["ruc"], schema=S)

    op.bulk_insert(
        resources,
        [
            {
                "resource_id": uuid.uuid5(NAMESPACE, str(r["slug"])),
                "body": None,
                "url": None,
                "entity_type": None,
                "accompaniment_depth": None,
                **r,
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
            }
            for r in RESOURCES
        ],
    )
    op.bulk_insert(
        factors,
        [
            {**f, "version": "2024.1", "valid_from": date(2024, 1, 1), "verified": False, "note": UNVERIFIED}
            for f in FACTORS
        ],
    )


def downgrade() -> None:
    from alembic import op

    for table in ("success_stories", "emission_factors", "resources"):
        op.drop_table(table, schema=S)
