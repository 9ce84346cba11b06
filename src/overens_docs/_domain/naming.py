"""Names made from organisation names: identifiers and file names.

Slugs are lossy ("Åkesson AB" and "Akesson AB" both become ``akesson-ab``), so every
use of them goes through :func:`unique_slugs`, which never gives two names one slug.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Letters that NFKD does not split into a base letter plus an accent.
_TRANSLITERATE = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ð": "d", "þ": "th",
                                "ł": "l", "đ": "d", "ı": "i"})


def normalise_name(name: str) -> str:
    """The form in which two spellings of one organisation's name compare equal.

    Invisible format characters (a zero-width space, a soft hyphen, a direction mark) are
    left out: a name that differs only by them looks the same on paper.
    """
    if not name.isprintable():
        name = "".join(character for character in name
                       if unicodedata.category(character) != "Cf")
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def slugify(text: str, max_length: int = 80) -> str:
    """``Föreningen "Ett & Två"`` -> ``foreningen-ett-tva``; may be empty."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLITERATE))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    return slug[:max_length].rstrip("-")


def unique_slugs(names: Sequence[str], fallback: str = "organisation") -> list[str]:
    """One slug per name, in order, none equal to another (case-insensitively).

    A name that slugs to nothing gets ``fallback``; the second and later of names that
    slug alike get ``-2``, ``-3``... so the first keeps the plain, predictable name.
    """
    taken: set[str] = set()
    result = []
    for name in names:
        candidate = first_free(slugify(name) or fallback, taken)
        taken.add(candidate)
        result.append(candidate)
    return result


def first_free(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is first not in ``taken``."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate
