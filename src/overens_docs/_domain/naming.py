"""Names made from organisation names: identifiers and file names.

Slugs are lossy ("Åkesson AB" and "Akesson AB" both become ``akesson-ab``), so every
use of them goes through :func:`unique_slugs`, which never gives two names one slug.

A slug is a file name that is safe everywhere a build folder may be copied: lower-case
ASCII letters, digits and ``-`` only (so no trailing dot or space, nothing a file system
normalises, and no two names that differ only by case), at most :data:`MAX_SLUG` characters
(far within the 255 bytes of a file name with its suffix), and never one of the names
Windows reserves for devices (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM0``-``COM9``,
``LPT0``-``LPT9``), which it refuses with any extension (``con.pdf``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 80
# The device names Windows refuses as a file's name, whatever follows the first dot.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{digit}" for digit in range(10)),
                              *(f"lpt{digit}" for digit in range(10))})
# Added to a slug that would be a reserved name: "Aux" -> aux-organisation.
_RESERVED_SUFFIX = "-organisation"
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


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """``Föreningen "Ett & Två"`` -> ``foreningen-ett-tva``; may be empty; never a name
    Windows reserves (``Aux`` -> ``aux-organisation``)."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLITERATE))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug + _RESERVED_SUFFIX if slug in WINDOWS_RESERVED else slug


def unique_slugs(names: Sequence[str], fallback: str = "organisation") -> list[str]:
    """One slug per name, in order, none equal to another (case-insensitively).

    A name that slugs to nothing gets ``fallback``; the second and later of names that
    slug alike get ``-2``, ``-3``... so the first keeps the plain, predictable name.
    """
    taken: set[str] = set()
    counters: dict[str, int] = {}
    result = []
    for name in names:
        candidate = first_free(slugify(name) or fallback, taken, counters)
        taken.add(candidate)
        result.append(candidate)
    return result


def first_free(base: str, taken: set[str], counters: dict[str, int] | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is first not in ``taken``.

    ``counters`` (kept by the caller across calls) remembers the last number tried for each
    base, so that a list of thousands of one name is numbered in linear time."""
    number = 1 if counters is None else counters.get(base, 1)
    candidate = base if number == 1 else f"{base}-{number}"
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    if counters is not None:
        counters[base] = number
    return candidate
