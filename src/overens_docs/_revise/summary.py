"""A comparison as people read it (a Swedish summary with word-level changes) and as
programs read it (JSON, the shape docs/reference.md gives)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from overens_docs._domain import Organisation, Status
from overens_docs._domain.fingerprint import matches, short_form
from overens_docs._revise.compare import ORDER, Change, Comparison, Kind, Section
from overens_docs._revise.words import TOKENS, opcodes

_SECTION_NAMES = {
    Section.FIELDS: "Uppgifter och texter",
    Section.DEFINITIONS: "Definitioner",
    Section.PRINCIPLES: "Principer",
    Section.PARTIES: "Parter",
    Section.COMMITMENTS: "Åtaganden",
    Section.SHARED_COMMITMENTS: "Gemensamma åtaganden",
    Section.HANDLINGSPLAN: "Handlingsplan",
}
_KIND_NAMES = {Kind.ADDED: "Tillagd", Kind.REMOVED: "Borttagen", Kind.CHANGED: "Ändrad"}
_FIELD_NAMES = {
    "title": "titel", "public_body.name": "offentlig part", "public_body.kind": "slag av "
    "offentlig part", "adoption.body": "antagen av", "adoption.date": "antagningsdatum",
    "adoption.diarienummer": "diarienummer", "period": "giltighetstid",
    "background": "bakgrund", "vision": "vision", "purpose": "syfte",
    "eligibility": "vem kan ansluta sig",
    "value_base": "värdegrund", "follow_up": "uppföljning", "signing.place": "ort för "
    "undertecknande", "signing.date": "datum för undertecknande",
}


def must_sign_again(comparison: Comparison,
                    organisations: Iterable[Organisation]) -> list[Organisation]:
    """The organisations that signed the old text (status signed, ``signed_version`` the
    old fingerprint) and so must sign the new one; none when the text is the same."""
    if comparison.same_text:
        return []
    return [organisation for organisation in organisations
            if organisation.status is Status.SIGNED and organisation.signed_version is not None
            and matches(comparison.old_fingerprint, organisation.signed_version)]


def word_diff(old: str, new: str) -> str:
    """``new`` with the words taken out as ``[-...-]`` and those put in as ``{+...+}``."""
    before, after = TOKENS.findall(old), TOKENS.findall(new)
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes(before, after):
        if tag == "equal":
            parts.append("".join(after[j1:j2]))
            continue
        if i2 > i1:
            parts.append(f"[-{''.join(before[i1:i2])}-]")
        if j2 > j1:
            parts.append(f"{{+{''.join(after[j1:j2])}+}}")
    return "".join(parts)


def _indented(text: str, prefix: str = "    ") -> list[str]:
    return [prefix + line for line in text.split("\n")]


def _label(change: Change) -> str:
    if change.section is Section.FIELDS:
        return _FIELD_NAMES.get(change.id, change.id)
    if change.id == ORDER:
        return "ordningen"
    return change.id


def _change_lines(change: Change) -> list[str]:
    lines = [f"  {_KIND_NAMES[change.kind]}: {_label(change)}"]
    if change.kind is Kind.ADDED and change.new is not None:
        lines += _indented(change.new)
    elif change.kind is Kind.REMOVED and change.old is not None:
        lines += _indented(change.old)
    elif change.old is not None and change.new is not None:
        lines += _indented(word_diff(change.old, change.new))
    return lines


@dataclass(frozen=True, slots=True)
class Revision:
    """Two versions compared, the names they were given by, and who must sign again."""

    old: str  # the OLD path as given
    new: str
    comparison: Comparison
    party_names: dict[str, str]  # party id -> name, from either version
    must_sign_again: tuple[Organisation, ...] = ()

    def as_dict(self) -> dict[str, object]:
        comparison = self.comparison
        return {"old_fingerprint": comparison.old_fingerprint,
                "new_fingerprint": comparison.new_fingerprint,
                "changes": [change.as_dict() for change in comparison.changes],
                "must_sign_again": [{"id": organisation.id, "name": organisation.name}
                                    for organisation in self.must_sign_again]}


def as_json(revision: Revision) -> str:
    return json.dumps(revision.as_dict(), ensure_ascii=False, indent=2)


def _heading(change: Change, names: dict[str, str]) -> str:
    heading = _SECTION_NAMES[change.section]
    if change.party is not None:
        heading += f" – {names.get(change.party, change.party)}"
    return heading


def _count(count: int, one: str, many: str) -> str:
    """``1 ändrad``, ``2 ändrade``: Swedish agrees in number (this summary is Swedish in
    either language, as the documents are)."""
    return f"{count} {one if count == 1 else many}"


def as_text(revision: Revision) -> str:
    """A readable Swedish summary, section by section; ``[-borttaget-]``, ``{+tillagt+}``."""
    comparison = revision.comparison
    lines = [f"Jämförelse av {revision.old} (fingeravtryck "
             f"{short_form(comparison.old_fingerprint)}) med {revision.new} "
             f"(fingeravtryck {short_form(comparison.new_fingerprint)})"]
    if comparison.same_text:
        lines.append("Texterna är desamma: inga ändringar.")
        return "\n".join(lines)
    counts = {kind: sum(change.kind is kind for change in comparison.changes) for kind in Kind}
    lines.append(f"{_count(counts[Kind.CHANGED], 'ändrad', 'ändrade')}, "
                 f"{_count(counts[Kind.ADDED], 'tillagd', 'tillagda')}, "
                 f"{_count(counts[Kind.REMOVED], 'borttagen', 'borttagna')}. "
                 "Borttagen text står inom [- -], tillagd inom {+ +}.")
    heading = None
    for change in comparison.changes:
        if _heading(change, revision.party_names) != heading:
            heading = _heading(change, revision.party_names)
            lines += ["", heading]
        lines += _change_lines(change)
    lines += ["", *_signers(revision.must_sign_again)]
    return "\n".join(lines).rstrip("\n")


def _signers(organisations: Sequence[Organisation]) -> list[str]:
    if not organisations:
        return ["Ingen i registret har skrivit under den gamla texten och måste skriva under "
                "igen."]
    return ["Skrev under den gamla texten och måste skriva under den nya:",
            *(f"  {organisation.name} ({organisation.id})" for organisation in organisations)]
