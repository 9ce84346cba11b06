"""What changed between two versions of an agreement, by meaning rather than by lines.

Principles, parties and commitments are matched by id, definitions by their term; the
title, value base, purpose and the other single texts are compared as fields. Pure: two
:class:`Agreement`\\ s in, a :class:`Comparison` out, nothing read or written.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from overens_docs._domain import Activity, Agreement, Commitment, Paragraphs, Party, Principle
from overens_docs._domain.fingerprint import text_fingerprint
from overens_docs._render.context import activity_details


class Kind(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class Section(enum.StrEnum):
    FIELDS = "fields"
    DEFINITIONS = "definitions"
    PRINCIPLES = "principles"
    PARTIES = "parties"
    COMMITMENTS = "commitments"
    SHARED_COMMITMENTS = "shared_commitments"
    HANDLINGSPLAN = "handlingsplan"


T = TypeVar("T")

ORDER = "order"  # the id of a change in the order of items whose ids all stayed


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: ``old`` is None for an added item, ``new`` for a removed one."""

    kind: Kind
    section: Section
    party: str | None  # the party whose commitment it is (commitments only)
    id: str  # the item's id, a definition's term, or a field's name ("period", "adoption.date")
    old: str | None
    new: str | None

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind.value, "section": self.section.value, "party": self.party,
                "id": self.id, "old": self.old, "new": self.new}

    def swapped(self) -> Change:
        kind = {Kind.ADDED: Kind.REMOVED, Kind.REMOVED: Kind.ADDED}.get(self.kind, self.kind)
        return Change(kind, self.section, self.party, self.id, self.new, self.old)


@dataclass(frozen=True, slots=True)
class Comparison:
    old_fingerprint: str
    new_fingerprint: str
    changes: tuple[Change, ...]

    @property
    def same_text(self) -> bool:
        """The texts are the same: the fingerprints agree (then there are no changes)."""
        return self.old_fingerprint == self.new_fingerprint


def _paragraphs(paragraphs: Paragraphs) -> str | None:
    return "\n".join(paragraphs) if paragraphs else None


def _date(date: datetime.date | None) -> str | None:
    return None if date is None else date.isoformat()


def _fields(agreement: Agreement) -> dict[str, str | None]:
    """Every single-valued part of the text, as the text it prints (None: not given)."""
    adoption, period, signing = agreement.adoption, agreement.period, agreement.signing
    return {
        "title": agreement.title,
        "public_body.name": agreement.public_body.name,
        "public_body.kind": agreement.public_body.kind,
        "adoption.body": adoption.body,
        "adoption.date": _date(adoption.date),
        "adoption.diarienummer": adoption.diarienummer,
        "period": None if period is None else f"{period.start} – {period.end}",
        "background": _paragraphs(agreement.background),
        "vision": _paragraphs(agreement.vision),
        "purpose": _paragraphs(agreement.purpose),
        "eligibility": _paragraphs(agreement.eligibility),
        "value_base": _paragraphs(agreement.value_base),
        "follow_up": _paragraphs(agreement.follow_up),
        "signing.place": signing.place,
        "signing.date": _date(signing.date),
    }


def _principle_text(principle: Principle) -> str:
    return "\n".join((principle.name, f"(principen om {principle.short_name})",
                      *principle.paragraphs))


def _party_text(party: Party) -> str:
    signatory = party.signatory
    lines = [party.name, f"roll: {party.role.value}", f"rubrik: {party.heading}"]
    if signatory is not None:
        lines.append("undertecknas av: " + ", ".join(
            part for part in (signatory.title, signatory.name) if part))
    return "\n".join(lines)


def _commitment_text(commitment: Commitment, agreement: Agreement) -> str:
    """The commitment as printed, with the short names of the principles it cites."""
    names = [agreement.principle(pid).short_name for pid in commitment.principles]
    if not names:
        return commitment.text
    parts = [f"om {name}" for name in names]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]
    return f"{commitment.text} (principen {joined})"


def _activity_text(activity: Activity, agreement: Agreement) -> str:
    """The activity as the handlingsplan prints it: its text, then who does it, when, and
    the principles it serves."""
    return "\n".join((activity.text, activity_details(
        activity, {party.id: party.name for party in agreement.parties},
        {principle.id: principle.short_name for principle in agreement.principles})))


def _matched(section: Section, party: str | None, old: Sequence[T], new: Sequence[T], *,
                key: Callable[[T], str], same: Callable[[T, T], bool],
                old_text: Callable[[T], str], new_text: Callable[[T], str]) -> Iterator[Change]:
    """Items matched by ``key``: removed and changed in the old order, then added in the new
    order, then a change of order when every id stayed but their order did not."""
    old_by_key = {key(item): item for item in old}
    new_by_key = {key(item): item for item in new}
    for item in old:
        other = new_by_key.get(key(item))
        if other is None:
            yield Change(Kind.REMOVED, section, party, key(item), old_text(item), None)
        elif not same(item, other):
            yield Change(Kind.CHANGED, section, party, key(item), old_text(item),
                         new_text(other))
    for item in new:
        if key(item) not in old_by_key:
            yield Change(Kind.ADDED, section, party, key(item), None, new_text(item))
    kept_old = [key(item) for item in old if key(item) in new_by_key]
    kept_new = [key(item) for item in new if key(item) in old_by_key]
    if kept_old != kept_new:
        yield Change(Kind.CHANGED, section, party, ORDER, ", ".join(kept_old),
                     ", ".join(kept_new))


def _field_changes(old: Agreement, new: Agreement) -> Iterator[Change]:
    old_fields, new_fields = _fields(old), _fields(new)
    for name, before in old_fields.items():
        after = new_fields[name]
        if before == after:
            continue
        kind = Kind.ADDED if before is None else Kind.REMOVED if after is None else Kind.CHANGED
        yield Change(kind, Section.FIELDS, None, name, before, after)


def _commitments(section: Section, party: str | None, old: Agreement, new: Agreement, *,
                 old_items: Sequence[Commitment], new_items: Sequence[Commitment],
                 ) -> Iterator[Change]:
    return _matched(section, party, old_items, new_items, key=lambda item: item.id,
                    same=lambda a, b: (a.text, a.principles) == (b.text, b.principles),
                    old_text=lambda item: _commitment_text(item, old),
                    new_text=lambda item: _commitment_text(item, new))


def compare(old: Agreement, new: Agreement) -> Comparison:
    """Every change from ``old`` to ``new``, section by section in the document's order."""
    changes: list[Change] = list(_field_changes(old, new))
    changes += _matched(Section.DEFINITIONS, None, old.definitions, new.definitions,
                        key=lambda item: item.term,
                        same=lambda a, b: a.paragraphs == b.paragraphs,
                        old_text=lambda item: "\n".join(item.paragraphs),
                        new_text=lambda item: "\n".join(item.paragraphs))
    changes += _matched(Section.PRINCIPLES, None, old.principles, new.principles,
                        key=lambda item: item.id,
                        same=lambda a, b: _principle_text(a) == _principle_text(b),
                        old_text=_principle_text, new_text=_principle_text)
    changes += _matched(Section.PARTIES, None, old.parties, new.parties,
                        key=lambda item: item.id,
                        same=lambda a, b: _party_text(a) == _party_text(b),
                        old_text=_party_text, new_text=_party_text)
    new_parties = {party.id: party for party in new.parties}
    for party in old.parties:
        other = new_parties.get(party.id)
        changes += _commitments(Section.COMMITMENTS, party.id, old, new,
                                old_items=party.commitments,
                                new_items=() if other is None else other.commitments)
    old_ids = {party.id for party in old.parties}
    for party in new.parties:
        if party.id not in old_ids:
            changes += _commitments(Section.COMMITMENTS, party.id, old, new,
                                    old_items=(), new_items=party.commitments)
    changes += _commitments(Section.SHARED_COMMITMENTS, None, old, new,
                            old_items=old.shared_commitments,
                            new_items=new.shared_commitments)
    changes += _matched(Section.HANDLINGSPLAN, None, old.handlingsplan, new.handlingsplan,
                        key=lambda item: item.id,
                        same=lambda a, b: _activity_text(a, old) == _activity_text(b, new),
                        old_text=lambda item: _activity_text(item, old),
                        new_text=lambda item: _activity_text(item, new))
    return Comparison(text_fingerprint(old), text_fingerprint(new), tuple(changes))

