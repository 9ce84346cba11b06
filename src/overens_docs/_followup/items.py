"""What is followed up: one row per commitment and per activity of the handlingsplan, and
the scale each is judged on.

Pure: an :class:`Agreement` in, :class:`Item` rows out. The year's workbook has a row for
every item; an organisation's questionnaire for the items the organisations take part in
(their own commitments, the shared ones, and the activities they do). The workbooks
print the locked columns of each row from here, and reading a returned workbook compares
them with here again.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass

from overens_docs._domain import Activity, Agreement, Commitment, Place, Role
from overens_docs._render.context import joined, when_text


class Progress(enum.Enum):
    """How far a commitment or an activity has come: one Swedish scale, the words the
    workbooks' drop-down offers. No value in the cell means not assessed (``None``)."""

    NOT_STARTED = "ej påbörjat"
    ONGOING = "pågår"
    DONE = "genomfört"
    NOT_APPLICABLE = "ej aktuellt"

    @classmethod
    def read(cls, text: str) -> Progress | None:
        """The step that ``text`` names, in any case and Unicode form; None if none."""
        wanted = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
        return next((step for step in cls if step.value == wanted), None)


SCALE = tuple(step.value for step in Progress)
NOT_ASSESSED = "ej bedömt"  # a row whose status cell is empty
# The columns of every count: the scale in its order, then the rows not assessed.
COLUMNS: tuple[str, ...] = (*SCALE, NOT_ASSESSED)


class Group(enum.Enum):
    """Who does an item: the public body, the organisations, or both together."""

    PUBLIC_BODY = "public_body"
    ORGANISATIONS = "organisations"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Item:
    """One row to follow up: a commitment or an activity, with what its locked cells say."""

    id: str
    is_activity: bool
    group: Group
    party: str  # who does it, as printed: a party's name, both names, or "Båda parterna"
    text: str
    principles: tuple[str, ...]  # principle ids
    principle_names: str  # their short names, as printed: "dialog, öppenhet och insyn"
    when: str  # an activity's time, as the handlingsplan prints it; "" for a commitment
    place: Place  # where it is written in agreement.yaml

    @property
    def locked(self) -> tuple[str, str, str, str, str]:
        """The cells a workbook prints and a person may not change: id, party, text,
        principles and time."""
        return (self.id, self.party, self.text, self.principle_names, self.when)


BOTH_PARTIES = "Båda parterna"


def _names(agreement: Agreement, principle_ids: tuple[str, ...]) -> str:
    return joined([agreement.principle(pid).short_name for pid in principle_ids])


def _commitment(agreement: Agreement, commitment: Commitment, group: Group,
                party: str) -> Item:
    return Item(commitment.id, False, group, party, commitment.text, commitment.principles,
                _names(agreement, commitment.principles), "", commitment.place)


def _activity(agreement: Agreement, activity: Activity) -> Item:
    roles = {agreement.party(pid).role for pid in activity.parties}
    group = (Group.BOTH if len(roles) > 1 else Group.PUBLIC_BODY
             if Role.PUBLIC_BODY in roles else Group.ORGANISATIONS)
    party = joined([agreement.party(pid).name for pid in activity.parties])
    return Item(activity.id, True, group, party, activity.text, activity.principles,
                _names(agreement, activity.principles),
                when_text(activity.date, activity.period), activity.place)


def items(agreement: Agreement) -> tuple[Item, ...]:
    """Every commitment (each party's, then the shared ones), then every activity."""
    rows = [_commitment(agreement, commitment, Group(party.role.value), party.name)
            for party in agreement.parties for commitment in party.commitments]
    rows += [_commitment(agreement, commitment, Group.BOTH, BOTH_PARTIES)
             for commitment in agreement.shared_commitments]
    rows += [_activity(agreement, activity) for activity in agreement.handlingsplan]
    return tuple(rows)


def questionnaire_items(agreement: Agreement) -> tuple[Item, ...]:
    """What an organisation answers for: the organisations' commitments, the shared ones,
    and the activities the organisations take part in."""
    return tuple(item for item in items(agreement) if item.group is not Group.PUBLIC_BODY)


def group_name(agreement: Agreement, group: Group) -> str:
    """A group as the report names it."""
    if group is Group.BOTH:
        return "Gemensamt (båda parterna)"
    role = Role.PUBLIC_BODY if group is Group.PUBLIC_BODY else Role.ORGANISATIONS
    return next(party.name for party in agreement.parties if party.role is role)
