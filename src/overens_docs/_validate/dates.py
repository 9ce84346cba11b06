"""Dates as the rules read them: written YYYY-MM-DD, real, and in years an agreement can
have been adopted or signed in.

A date is printed on the documents (adopted on, signed on) and in the public list of
signatories, so one that cannot be right (year 0202, 2204; a signing that has not happened
yet) is a finding rather than something printed without a word.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from overens_docs._findings import Finding
from overens_docs._i18n import _
from overens_docs._load import JsonPath
from overens_docs._validate.framework import RuleInput

FORM = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
EARLIEST, LATEST = 1900, 2100  # years; outside them a date is a typing mistake


def real_date(value: Any) -> datetime.date | None:
    """``value`` as a date when it is one written YYYY-MM-DD (not 2024-02-30); else None
    (the schema and the invalid-date rules report those)."""
    if not isinstance(value, str) or not FORM.match(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def today() -> datetime.date:
    """The day of the run, which dates in the register may not be after (the one place
    that reads the clock: what the documents print never depends on it)."""
    return datetime.date.today()


def out_of_range(rule_input: RuleInput, path: JsonPath, value: Any) -> Finding | None:
    """A ``date-range`` finding when ``value`` is a date outside 1900-2100."""
    date = real_date(value)
    if date is None or EARLIEST <= date.year <= LATEST:
        return None
    return rule_input.error(path, "date-range", _(
        "{date} is not in the years {earliest}-{latest}: probably a typing mistake (a digit "
        "missing or swapped). The date is printed on the documents.").format(
            date=value, earliest=EARLIEST, latest=LATEST))
