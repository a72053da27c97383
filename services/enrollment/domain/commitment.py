"""The commitment letter (carta de compromiso) the legal representative signs.

Section V: once admitted, the company receives the commitment letter, to be signed by
its legal representative. The commitments restate what sections III and V ask of a
participant; signing needs the DNI of the legal representative on record.
"""

from __future__ import annotations

from shared.errors import RuleViolation

COMMITMENTS: tuple[str, ...] = (
    "Participar en los diez (10) módulos de capacitación del Programa y en la charla introductoria "
    "(Taller 0), con la asistencia requerida.",
    "Implementar las Buenas Prácticas de Ecoeficiencia Perú (8 aspectos y 112 requisitos) con la "
    "asistencia técnica y el seguimiento del monitor designado por PROMPERÚ.",
    "Brindar al monitor la información y el acceso a las sedes incluidas en el alcance que requiera "
    "el seguimiento.",
    "Someterse a la pre auditoría (auditoría interna) que realiza PROMPERÚ y subsanar en el plazo "
    "otorgado las no conformidades que se detecten.",
    "Mantener vigentes la Licencia de Funcionamiento Municipal y el Certificado de Inspección Técnica "
    "de Defensa Civil (INDECI) de cada sede incluida en el alcance.",
    "No mantener cuentas pendientes (económicas y/o documentarias) con PROMPERÚ y comunicar todo cambio "
    "en los datos declarados.",
    "Conocer que la auditoría de certificación es solicitada, gestionada y costeada por la organización "
    "ante un organismo de certificación habilitado por PROMPERÚ.",
)


_DOCUMENTS = {
    "commitment": (
        "The commitment letter",
        "La carta de compromiso",
        "commitment.signer_not_legal_representative",
    ),
    "sworn_declaration": (
        "The sworn declaration",
        "La declaración jurada",
        "declaration.signer_not_legal_representative",
    ),
}


def ensure_signer_is_legal_representative(
    signer_dni: str, rep_dni: str, rep_name: str, *, document: str = "commitment"
) -> None:
    """The signer's DNI must be the legal representative's; the message names the document signed."""
    if signer_dni != rep_dni:
        what_en, what_es, rule = _DOCUMENTS[document]
        raise RuleViolation(
            rule,
            f"{what_en} must be signed by the legal representative on record ({rep_name}); "
            f"DNI {signer_dni} is not theirs.",
            detail_es=f"{what_es} debe firmarla el representante legal registrado ({rep_name}); "
            f"el DNI {signer_dni} no le corresponde.",
        )
