"""Contact data checks: corporate e-mail, phone, website, DNI.

A free-mail address is a valid address, not a corporate one: section V asks for
"correo corporativo", so such a company registers fine but fails the eligibility rule
``communications.corporate_image``.
"""

from __future__ import annotations

import re

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.es",
        "outlook.com",
        "outlook.es",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.es",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.com",
        "mail.com",
        "zoho.com",
        "yandex.com",
    }
)
# Country variants of the big providers: yahoo.com.pe, hotmail.com.ar, live.com.mx...
_FREE_MAIL_FAMILIES = (
    "gmail",
    "hotmail",
    "outlook",
    "yahoo",
    "live",
    "icloud",
    "aol",
    "proton",
    "protonmail",
)

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
DNI_RE = re.compile(r"^\d{8}$")
_PHONE_RE = re.compile(r"^(\+?51)?\d{6,9}$")
_PHONE_NOISE = re.compile(r"[\s\-().]")
_WEBSITE_RE = re.compile(r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(:\d+)?(/\S*)?$")


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def is_free_mail(email: str) -> bool:
    domain = email_domain(email)
    if domain in FREE_MAIL_DOMAINS:
        return True
    first = domain.split(".")[0]
    return first in _FREE_MAIL_FAMILIES and domain.count(".") >= 2


def is_valid_email(email: str) -> bool:
    return bool(EMAIL_RE.match(email))


def normalize_phone(phone: str) -> str | None:
    """Digits (and a leading +51) of a Peruvian phone number, or None if it is not one."""
    compact = _PHONE_NOISE.sub("", phone)
    return compact if _PHONE_RE.match(compact) else None


def normalize_website(url: str) -> str | None:
    """``www.x.pe`` -> ``https://www.x.pe``; None when it is not a web address."""
    url = url.strip()
    if not url:
        return None
    if not url.lower().startswith(("http://", "https://")):
        url = "https://" + url
    return url if _WEBSITE_RE.match(url) else None


def is_valid_dni(dni: str) -> bool:
    return bool(DNI_RE.match(dni))
