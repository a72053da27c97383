"""What a visitor types into a search box, cut into the words to look for.

Each word becomes a prefix term in the database (``organ`` finds "orgánico"), all must match:
``catalog.prefix_term`` quotes it (migration 0006) and the catalogue's search also corrects
typos against its vocabulary (``db/repositories/catalogue.py``). The database folds accents
and case on both sides (``catalog.fold``), so "cafe", "Café" and "CAFÉ" are the same word;
here we only cut the input into words, so that no character of the visitor's text reaches
``to_tsquery`` syntax.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


def words(text: str | None) -> list[str]:
    """The searchable words of ``text`` (underscores and symbols dropped), at most MAX_TERMS."""
    found = [w for w in _WORD.findall((text or "").replace("_", " ")) if w]
    return found[:MAX_TERMS]
