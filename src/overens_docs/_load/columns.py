"""The columns of an organisation list, in CSV and Excel alike, in English or Swedish.

A spreadsheet's header row names the columns; each name is read as the key it stands for
in ``organisations.yaml`` (``Namn`` -> ``name``), ignoring case and surrounding spaces.
Both loaders read their header with :func:`read_header` and report its problems under
their own prefix (``csv-unknown-column``, ``xlsx-unknown-column``).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from overens_docs._findings import Severity, excerpt
from overens_docs._i18n import _

COLUMNS = ("id", "name", "org_number", "representative", "representative_title", "email",
           "status", "signed_on", "left_on", "signed_version", "kind", "decision", "contact",
           "ceremony", "invited_on")
REQUIRED_COLUMNS = ("name", "representative", "representative_title")

SWEDISH_COLUMNS = {
    "namn": "name",
    "organisationsnummer": "org_number",
    "företrädare": "representative",
    "titel": "representative_title",
    "befattning": "representative_title",
    "e-post": "email",
    "undertecknad": "signed_on",
    "version": "signed_version",
    "utträdd": "left_on",
    "typ": "kind",
    "beslut": "decision",
    "kontakt": "contact",
    "ceremoni": "ceremony",
    "inbjuden": "invited_on",
}  # "id" and "status" are the same in both languages

# Every name a header may use -> the key it stands for.
_KEYS = {name: name for name in COLUMNS} | SWEDISH_COLUMNS

STATUSES = ("invited", "signed", "withdrawn")
_STATUS_WORDS = {name: name for name in STATUSES} | {
    "inbjuden": "invited", "undertecknat": "signed", "utträtt": "withdrawn"}


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip()).casefold()


def column_key(header: str) -> str | None:
    """The key a header cell names (``" Namn "`` -> ``name``), or None if none."""
    return _KEYS.get(_folded(header))


def status_value(text: str) -> str:
    """``Undertecknat`` -> ``signed``: a status in English, Swedish, any case. Anything
    else is returned as written, for the schema to report."""
    return _STATUS_WORDS.get(_folded(text), text)


def nearest_column(header: str) -> str | None:
    """The known column name closest to a header that names none (``Namm`` -> ``namn``)."""
    close = difflib.get_close_matches(_folded(header), list(_KEYS), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass(frozen=True, slots=True)
class HeaderProblem:
    column: int | None  # 1-based cell number; None for the row as a whole
    kind: str  # "unknown-column", "duplicate-column" or "missing-column"
    severity: Severity
    message: str


@dataclass(slots=True)
class Header:
    """The key of each header cell (None: ignored) and what is wrong with the row."""

    keys: list[str | None] = field(default_factory=list)
    problems: list[HeaderProblem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether every required column is there (else no row can be read)."""
        return not any(problem.kind == "missing-column" for problem in self.problems)


def read_header(cells: Sequence[str | None]) -> Header:
    """Read a header row; an empty cell is None (the loader decides whether that is wrong)."""
    header = Header()
    for number, cell in enumerate(cells, start=1):
        written = (cell or "").strip()
        key = column_key(written) if written else None
        if written and key is None:
            nearest = nearest_column(written)
            message = (_("The column '{column}' is not one overens-docs reads; it is ignored. "
                         "Did you mean '{nearest}'? Known columns: {known}, or their Swedish "
                         "names ({swedish}).") if nearest else
                       _("The column '{column}' is not one overens-docs reads; it is ignored. "
                         "Known columns: {known}, or their Swedish names ({swedish})."))
            header.problems.append(HeaderProblem(
                number, "unknown-column", Severity.WARNING, message.format(
                    column=excerpt(written), nearest=nearest, known=", ".join(COLUMNS),
                    swedish=", ".join(SWEDISH_COLUMNS))))
        elif key is not None and key in header.keys:
            header.problems.append(HeaderProblem(
                number, "duplicate-column", Severity.ERROR,
                _("The column '{column}' appears twice in the header (as '{key}').").format(
                    column=excerpt(written), key=key)))
            key = None
        header.keys.append(key)
    for required in REQUIRED_COLUMNS:
        if required not in header.keys:
            swedish = [name for name, key in SWEDISH_COLUMNS.items() if key == required]
            header.problems.append(HeaderProblem(
                None, "missing-column", Severity.ERROR,
                _("The header has no column '{column}' ({swedish}). Required columns: "
                  "{required}.").format(column=required, swedish=_(" or ").join(swedish),
                                        required=", ".join(REQUIRED_COLUMNS))))
    return header
