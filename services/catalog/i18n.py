"""The public pages' words in Spanish (default) and English, and choosing between them."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "es": {
        "site": "Buenas Prácticas de Ecoeficiencia Perú",
        "skip": "Ir al contenido",
        "nav_verify": "Verificar un certificado",
        "nav_catalogue": "Catálogo de organizaciones certificadas",
        "switch": "English",
        "verify_title": "Verificar un certificado",
        "verify_intro": "Escriba el número que figura en el certificado (por ejemplo BPE-2026-000123-K) "
        "o escanee el código QR del documento.",
        "number_label": "Número de certificado",
        "number_hint": "Mayúsculas, minúsculas y espacios dan igual.",
        "verify_button": "Verificar",
        "status": "Estado",
        "status_since": "desde el",
        "holder": "Titular",
        "scope": "Alcance",
        "version": "versión",
        "body": "Organismo de certificación",
        "issued_on": "Fecha de emisión",
        "expires_on": "Fecha de vencimiento",
        "mark": "Licencia de uso de la marca",
        "valid": "Vigente",
        "suspended": "Suspendido",
        "withdrawn": "Retirado",
        "expired": "Vencido",
        "unknown": "No encontrado",
        "unknown_text": "No existe un certificado emitido con ese número.",
        "granted": "Otorgada",
        "mark_suspended": "Suspendida",
        "mark_withdrawn": "Retirada",
        "mark_expired": "Vencida",
        "malformed": "Ese texto no es un número de certificado: el formato es BPE-año-secuencia-letra.",
        "check_letter": "La letra de control no corresponde a los dígitos: revise el número en el certificado, "
        "probablemente se leyó mal.",
        "signature_valid": "Firma digital válida: este documento fue emitido por PROMPERÚ.",
        "signature_invalid": "La firma digital del código QR no es válida: el documento pudo ser alterado.",
        "document": "Documento",
        "certificate": "Certificado",
        "attendance": "Constancia de asistencia",
        "commitment_letter": "Carta de compromiso",
        "signed_says": "Lo que dice el documento firmado",
        "today_says": "Estado hoy",
        "search_title": "Catálogo de organizaciones certificadas",
        "search_label": "Buscar por nombre o producto",
        "search_hint": "Las tildes dan igual: «cafe» encuentra «Café».",
        "region_label": "Región",
        "search_button": "Buscar",
        "results": "Resultados",
        "no_results": "Ninguna organización certificada coincide con la búsqueda.",
        "next": "Siguientes resultados",
        "products": "Productos",
        "website": "Sitio web",
        "certificate_number": "Número de certificado",
        "not_listed": "Esa organización no figura en el catálogo.",
        "back": "Volver al catálogo",
        "ruc": "RUC",
        "footer": "PROMPERÚ – Programa de Buenas Prácticas de Ecoeficiencia Perú. Información pública, sin registro.",
    },
    "en": {
        "site": "Eco-efficiency Good Practices Peru",
        "skip": "Skip to content",
        "nav_verify": "Verify a certificate",
        "nav_catalogue": "Catalogue of certified organisations",
        "switch": "Español",
        "verify_title": "Verify a certificate",
        "verify_intro": "Type the number printed on the certificate (for example BPE-2026-000123-K) "
        "or scan the document's QR code.",
        "number_label": "Certificate number",
        "number_hint": "Upper or lower case and spaces do not matter.",
        "verify_button": "Verify",
        "status": "Status",
        "status_since": "since",
        "holder": "Holder",
        "scope": "Scope",
        "version": "version",
        "body": "Certification body",
        "issued_on": "Issued on",
        "expires_on": "Expires on",
        "mark": "Licence to use the mark",
        "valid": "Valid",
        "suspended": "Suspended",
        "withdrawn": "Withdrawn",
        "expired": "Expired",
        "unknown": "Not found",
        "unknown_text": "No certificate was ever issued with that number.",
        "granted": "Granted",
        "mark_suspended": "Suspended",
        "mark_withdrawn": "Withdrawn",
        "mark_expired": "Expired",
        "malformed": "That is not a certificate number: the format is BPE-year-sequence-letter.",
        "check_letter": "The check letter does not match the digits: check the number on the certificate, "
        "it was probably misread.",
        "signature_valid": "Valid digital signature: this document was issued by PROMPERÚ.",
        "signature_invalid": "The QR code's digital signature is not valid: the document may have been altered.",
        "document": "Document",
        "certificate": "Certificate",
        "attendance": "Certificate of attendance",
        "commitment_letter": "Commitment letter",
        "signed_says": "What the signed document says",
        "today_says": "Status today",
        "search_title": "Catalogue of certified organisations",
        "search_label": "Search by name or product",
        "search_hint": "Accents do not matter: “cafe” finds “Café”.",
        "region_label": "Region",
        "search_button": "Search",
        "results": "Results",
        "no_results": "No certified organisation matches the search.",
        "next": "More results",
        "products": "Products",
        "website": "Website",
        "certificate_number": "Certificate number",
        "not_listed": "That organisation is not in the catalogue.",
        "back": "Back to the catalogue",
        "ruc": "RUC (tax id)",
        "footer": "PROMPERÚ – Eco-efficiency Good Practices Peru programme. Public information, no sign-in.",
    },
}


def choose_language(explicit: str | None, accept_language: str) -> str:
    """The ``lang`` switch wins; else the better-ranked of es/en in Accept-Language; else Spanish."""
    if explicit in TEXTS:
        return explicit
    best, best_q = "es", 0.0
    for part in accept_language.split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower().split("-")[0]
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag in TEXTS and q > best_q:
            best, best_q = tag, q
    return best
