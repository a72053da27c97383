"""What a visitor types into the catalogue's search box, turned into a text-search query.

Each word becomes a prefix term (``organ`` finds "orgánico") and all must match. The
database folds accents and case on both sides (``catalog.fold``), so "cafe", "Café" and
"CAFÉ" are the same word; here we only cut the input into safe words, so that no
character of the visitor's text reaches ``to_tsquery`` syntax.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


def words(text: str | None) -> list[str]:
    """The searchable words of ``text`` (underscores and symbols dropped), at most MAX_TERMS."""
    found = [w for w in _WORD.findall((text or "").replace("_", " ")) if w]
    return found[:MAX_TERMS]


def prefix_query(text: str | None) -> str | None:
    """A ``to_tsquery`` string ``w1:* & w2:*``, or ``None`` when there is nothing to search."""
    terms = words(text)
    if not terms:
        return None
    return " & ".join(f"{term}:*" for term in terms)
