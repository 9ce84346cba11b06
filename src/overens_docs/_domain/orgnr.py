"""Swedish organisation numbers (organisationsnummer).

python-stdnum's ``stdnum.se.orgnr`` does the Luhn check; this module adds what an
agreement needs on top: the reasons a number is wrong, in words, and the group digit.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

from stdnum import luhn

# First digit -> kind of legal person (Bolagsverket's groups).
GROUPS = {
    "1": "dödsbon",
    "2": "stat, regioner, kommuner och församlingar (även trossamfund)",
    "3": "utländska företag",
    "5": "aktiebolag",
    "6": "enkla bolag",
    "7": "ekonomiska föreningar",
    "8": "ideella föreningar och stiftelser",
    "9": "handelsbolag och kommanditbolag",
}
# Civil-society signatories are ideella föreningar/stiftelser (8), ekonomiska föreningar
# (7) or trossamfund (2); other groups are possible but worth a second look.
USUAL_GROUPS = frozenset("278")


class Problem(enum.Enum):
    FORM = "form"
    PERSONAL = "personal"
    CHECKSUM = "checksum"


@dataclass(frozen=True, slots=True)
class Checked:
    digits: str | None  # the ten digits, when the form is right
    problem: Problem | None

    @property
    def formatted(self) -> str | None:
        return f"{self.digits[:6]}-{self.digits[6:]}" if self.digits else None

    @property
    def group(self) -> str | None:
        return self.digits[0] if self.digits else None


@functools.lru_cache(maxsize=65536)  # two rules check each number; lists are large
def check(number: str) -> Checked:
    """Check form, the third digit and the check digit of ``number``."""
    compact = "".join(number.split()).replace("-", "")
    if len(compact) == 12 and compact.startswith("16"):
        compact = compact[2:]  # the twelve-digit form prefixes 16
    if len(compact) != 10 or not compact.isascii() or not compact.isdigit():
        return Checked(None, Problem.FORM)
    if compact[2] < "2":
        return Checked(compact, Problem.PERSONAL)
    if not luhn.is_valid(compact):  # what stdnum.se.orgnr.validate checks, without re-cleaning
        return Checked(compact, Problem.CHECKSUM)
    return Checked(compact, None)
