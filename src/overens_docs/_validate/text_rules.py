"""Rules for any file: characters that would change or vanish in the documents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from overens_docs._findings import Finding
from overens_docs._i18n import _
from overens_docs._load import JsonPath
from overens_docs._load.text import describe_character
from overens_docs._validate.framework import Rule, RuleInput, rule

TEXT_RULES: dict[str, Rule] = {}

# Refused: control characters (Cc) but the line feed, format characters (Cf: zero-width
# characters, bidirectional controls, a byte-order mark inside text), and the line and
# paragraph separators. Allowed: the soft hyphen (U+00AD), which marks where Word may
# break a long compound word ("samverkans\u00adöverenskommelse") and is invisible otherwise.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_ALLOWED = frozenset({"\n", "\u00ad"})
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                           "\u2066\u2067\u2068\u2069")
# Values printed on one line: a line break in them would split a name or a heading.
_ONE_LINE_KEYS = frozenset({
    "title", "name", "short_name", "term", "heading", "body", "diarienummer", "place", "kind",
    "role", "id", "date", "start", "end", "org_number", "representative",
    "representative_title", "email", "document", "signature_form", "organisation", "phone",
})
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]|\{_\{")


def _strings(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _refused_character(value: str, already_reported: set[str]) -> tuple[int, str] | None:
    """The first character of ``value`` that the documents would hide or misplace."""
    for index, character in enumerate(value):
        if (not character.isprintable() and character not in _ALLOWED
                and character not in already_reported
                and unicodedata.category(character) in _REFUSED_CATEGORIES):
            return index, character
    return None


def _why(character: str) -> str:
    if character == "\ufeff":
        return _("a byte-order mark, probably pasted from another file; it is invisible but "
                 "makes this text differ from the same text typed")
    if character in _BIDI_CONTROLS:
        return _("a bidirectional control: it is invisible, but prints the text after it in "
                 "another order (or backwards) in the documents")
    category = unicodedata.category(character)
    if category == "Cf":
        return _("an invisible format character: it cannot be seen, but makes this text "
                 "differ from the same text typed without it")
    if category in ("Zl", "Zp"):
        return _("a line or paragraph separator: it breaks the line in the documents")
    return _("an invisible control character: it would vanish or change the layout")


@rule("text-characters", TEXT_RULES)
def text_characters(rule_input: RuleInput) -> Iterator[Finding]:
    """No invisible control or format characters, and no template syntax, in any text.

    Word and docxtpl turn a tab, form feed or vertical tab into layout or drop it, so
    the document would not show what was written; a zero-width space makes two names
    look alike that compare differently, and a right-to-left override prints the rest of
    a line backwards. ``{{``/``{%`` in data would look like a template tag that survived
    rendering.
    """
    already_reported = rule_input.source.reported_characters
    for path, value in _strings(rule_input.data, ()):
        if value.isprintable():
            if (match := _TEMPLATE_SYNTAX.search(value)) is not None:
                yield _template_syntax(rule_input, path, match.group())
            continue  # the common case: no control characters, no line breaks
        if "\n" in value and path and path[-1] in _ONE_LINE_KEYS:
            yield rule_input.error(
                path, "text-characters",
                _("This value must be one line, but it contains a line break."))
        elif (found := _refused_character(value, already_reported)) is not None:
            index, character = found
            yield rule_input.error(
                path, "text-characters",
                _("The text contains {character} at position {position}, {why}. Delete it, "
                  "or retype the text.").format(character=describe_character(character),
                                                position=index + 1, why=_why(character)))
        elif (match := _TEMPLATE_SYNTAX.search(value)) is not None:
            yield _template_syntax(rule_input, path, match.group())


def _template_syntax(rule_input: RuleInput, path: JsonPath, found: str) -> Finding:
    return rule_input.error(
        path, "text-characters",
        _("The text contains '{found}', which templates use for their tags; write it "
          "differently (e.g. with a space between the characters).").format(found=found))
