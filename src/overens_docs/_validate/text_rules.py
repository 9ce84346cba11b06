"""Rules for any file: characters that would change or vanish in the documents."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from overens_docs._findings import Finding
from overens_docs._load import JsonPath
from overens_docs._validate.framework import Rule, RuleInput, rule

TEXT_RULES: dict[str, Rule] = {}

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\ufeff\ufffe\u2028\u2029]")
# Values printed on one line: a line break in them would split a name or a heading.
_ONE_LINE_KEYS = frozenset({
    "title", "name", "short_name", "term", "heading", "body", "diarienummer", "place", "kind",
    "role", "id", "date", "start", "end", "org_number", "representative",
    "representative_title", "email", "document", "signature_form",
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


@rule("text-characters", TEXT_RULES)
def text_characters(rule_input: RuleInput) -> Iterator[Finding]:
    """No invisible control characters, and no template syntax, in any text.

    Word and docxtpl turn a tab, form feed or vertical tab into layout or drop it, so
    the document would not show what was written; ``{{``/``{%`` in data would look
    like a template tag that survived rendering.
    """
    for path, value in _strings(rule_input.data, ()):
        if value.isprintable():
            if (match := _TEMPLATE_SYNTAX.search(value)) is not None:
                yield _template_syntax(rule_input, path, match.group())
            continue  # the common case: no control characters, no line breaks
        if "\n" in value and path and path[-1] in _ONE_LINE_KEYS:
            yield rule_input.error(
                path, "text-characters",
                "This value must be one line, but it contains a line break.")
        elif (match := _CONTROL.search(value)) is not None:
            character = match.group()
            name = ("a byte-order mark" if character == "\ufeff"
                    else "an invisible control character")
            yield rule_input.error(
                path, "text-characters",
                f"The text contains {name} (U+{ord(character):04X}) at position "
                f"{match.start() + 1}; it would vanish or change the layout. Retype the text.")
        elif (match := _TEMPLATE_SYNTAX.search(value)) is not None:
            yield _template_syntax(rule_input, path, match.group())


def _template_syntax(rule_input: RuleInput, path: JsonPath, found: str) -> Finding:
    return rule_input.error(
        path, "text-characters",
        f"The text contains '{found}', which templates use for their tags; write it "
        "differently (e.g. with a space between the characters).")
