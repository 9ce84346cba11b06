"""A re-saved copy's pages against the pages its organisation was given.

Each page of the copy is matched with a built page by what it shows: its decoded content
(``raw``), else its content as instructions with its fonts and images (``shown``: a
service that re-encodes or renames them still matches), else, where the content cannot be
matched, its text, exactly (the verdict then says which pages were compared by text only);
a signature page known only from the ceremony file must show that page's content, or say
its organisation's name, number and the fingerprint, and end with its page number exactly.
The matches are then aligned in order, so that a missing, an inserted and a changed page
are each named; pages after the last built page are "appended".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import pikepdf

from overens_docs._findings import Finding, Severity
from overens_docs._i18n import _
from overens_docs._pdf.page_content import page_digests, raw_digests
from overens_docs._verify.given import Expected, bare

EXACT, TEXT, SAID = "exact", "text", "said"


@dataclass
class Comparison:
    """The copy's pages against the built ones."""

    findings: list[Finding] = field(default_factory=list)
    by_text: list[int] = field(default_factory=list)  # copy pages matched by text only
    appended: int = 0  # pages after the last built page
    first_line: str | None = None  # the first line of the first of them

    @property
    def differing_pages(self) -> list[int]:
        return sorted({finding.page for finding in self.findings if finding.page is not None})


class _Pages:
    """The copy's pages: their digests and texts, and how each matches a built page."""

    def __init__(self, pdf: pikepdf.Pdf, texts: list[str]) -> None:
        self.digests = page_digests(pdf)
        self.unstamped = raw_digests(pdf, stamp=False)
        self.texts = texts

    def match(self, page: int, expected: Expected) -> str | None:
        text = self.texts[page] if page < len(self.texts) else ""
        digest = self.digests[page]
        if digest.raw == expected.raw or (expected.shown and digest.shown == expected.shown):
            return EXACT
        numbered = expected.number is not None and text.endswith(expected.number)
        if numbered and self.unstamped[page] in expected.unstamped:
            return EXACT
        if expected.text is not None and text == expected.text:
            return TEXT
        if numbered and expected.needles and all(bare(needle) in bare(text)
                                                 for needle in expected.needles):
            return SAID
        return None


def _keys(pages: _Pages, expected: list[Expected]) -> tuple[list[int | None], dict[int, str]]:
    """For each page of the copy, the built page it is (its index) or None; and how."""
    keys: list[int | None] = []
    how: dict[int, str] = {}
    for page in range(len(pages.digests)):
        order = [page, *(index for index in range(len(expected)) if index != page)]
        for index in order:
            if index < len(expected):
                found = pages.match(page, expected[index])
                if found is not None:
                    keys.append(index)
                    how[page] = found
                    break
        else:
            keys.append(None)
    return keys, how


def _error(shown: str, rule: str, message: str, page: int | None) -> Finding:
    return Finding(shown, None, None, "$", rule, Severity.ERROR, message, page=page)


def compare(shown: str, pdf: pikepdf.Pdf, texts: list[str], expected: list[Expected],
            organisation: str | None) -> Comparison:
    """Compare the copy ``pdf`` (its pages' ``texts``) with the pages of ``expected``, the
    last of which is ``organisation``'s signature page."""
    pages = _Pages(pdf, texts)
    keys, how = _keys(pages, expected)
    result = Comparison()
    last = len(expected) - 1
    matcher = difflib.SequenceMatcher(None, list(range(len(expected))), keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.by_text += [page + 1 for page in range(j1, j2) if how[page] != EXACT]
        elif tag == "insert" and i1 == len(expected):
            result.appended = j2 - j1
            result.first_line = texts[j1][:80] if j1 < len(texts) else None
        elif tag == "insert":
            result.findings += [_error(shown, "verify-page-inserted", _(
                "This page was inserted: the build has no such page before page {page}.")
                .format(page=i1 + 1), page + 1) for page in range(j1, j2)]
        elif tag == "delete":
            result.findings += [_missing(shown, index, last, organisation, j1 + 1)
                                for index in range(i1, i2)]
        else:
            result.findings += _replaced(shown, (i1, i2), (j1, j2), last, organisation)
    return result


def _missing(shown: str, index: int, last: int, organisation: str | None,
             where: int) -> Finding:
    if index == last:
        return _error(shown, "verify-signature-page", _(
            "The signature page built for {organisation} (page {page}) is not in the "
            "copy.").format(organisation=organisation or "?", page=index + 1), where)
    return _error(shown, "verify-page-missing", _(
        "Page {page} of the text as built is not in the copy.").format(page=index + 1), where)


def _replaced(shown: str, built: tuple[int, int], copy: tuple[int, int], last: int,
              organisation: str | None) -> list[Finding]:
    found = []
    for offset in range(max(built[1] - built[0], copy[1] - copy[0])):
        index, page = built[0] + offset, copy[0] + offset
        if index >= built[1]:
            found.append(_error(shown, "verify-page-inserted", _(
                "This page was inserted: the build has no such page here."), page + 1))
        elif page >= copy[1]:
            found.append(_missing(shown, index, last, organisation, copy[1] + 1))
        elif index == last:
            found.append(_error(shown, "verify-signature-page", _(
                "This is not the signature page built for {organisation}: what it shows "
                "differs (its name, number, fingerprint or page number, or more).").format(
                    organisation=organisation or "?"), page + 1))
        else:
            found.append(_error(shown, "verify-page-changed", _(
                "This page differs from page {built} as built: what it shows is not the "
                "same, nor is its text.").format(built=index + 1), page + 1))
    return found
