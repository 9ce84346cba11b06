"""Schema check: JSON Schema (Draft 2020-12) errors as findings with line and column."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import fastjsonschema

from overens_docs._findings import Finding, excerpt
from overens_docs._i18n import N_, _, ngettext
from overens_docs._load import JsonPath, Loaded, SourceMap
from overens_docs._package_data import schema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

# Required keys whose absence a semantic rule reports with a better message, by the
# schema's "title" of the object that lacks them. The schema still requires them, so
# editors flag them; validation reports each missing key once.
_REQUIRED_REPORTED_BY_RULES = {("Commitment", "principles")}  # commitment-without-principle

_KIND_NAMES = {
    "object": N_("a mapping (key: value)"),
    "array": N_("a list"),
    "string": N_("text"),
}


@functools.cache
def _fast_check(name: str) -> Callable[[Any], Any]:
    """A compiled validator that only says yes or no, ~25x faster than jsonschema.

    Most files are valid, and a list of thousands of organisations should validate in a
    fraction of a second; jsonschema runs only when this says no, to explain why.
    """
    return fastjsonschema.compile(schema(name), use_default=False)


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    # Imported here: jsonschema takes a fifth of a second to import, and most runs (every
    # build, and a validate of valid files) never need it.
    from jsonschema import Draft202012Validator  # noqa: PLC0415

    definition = schema(name)
    Draft202012Validator.check_schema(definition)
    return Draft202012Validator(definition)


def check_schema(loaded: Loaded, name: str) -> list[Finding]:
    """Check ``loaded.data`` against ``schemas/<name>.schema.json``."""
    # dict, not list: jsonschema reports a missing required key once per missing key, each
    # error naming all of them, so the same finding can come more than once.
    try:
        _fast_check(name)(loaded.data)
    except fastjsonschema.JsonSchemaException:
        pass
    else:
        return []
    findings: dict[Finding, None] = {}
    refused = loaded.source.refused
    for error in _validator(name).iter_errors(loaded.data):
        if refused and tuple(error.absolute_path) in refused:
            continue
        findings.update(dict.fromkeys(_to_findings(error, loaded.source)))
    return list(findings)


def _described(value: Any) -> str:
    if value is None:
        return _("nothing (an empty value)")
    if isinstance(value, dict):
        return _kind("object")
    if isinstance(value, list):
        return _kind("array")
    return f"'{excerpt(value)}'"


def _kind(json_type: str) -> str:
    """A JSON type (``object``) as a person calls it (a mapping), in the run's language."""
    return _(_KIND_NAMES[json_type])


def _unknown_key_message(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return _("Unknown key '{key}'. Did you mean '{close}'? Allowed here: {allowed}.").format(
            key=excerpt(key), close=close[0], allowed=", ".join(allowed))
    return _("Unknown key '{key}'. Allowed here: {allowed}.").format(
        key=excerpt(key), allowed=", ".join(allowed))


def _to_findings(error: ValidationError, source: SourceMap) -> list[Finding]:
    path: JsonPath = tuple(error.absolute_path)
    kind = str(error.validator)
    rule = f"schema-{kind}"
    value: Any = error.instance
    expected: Any = error.validator_value
    schema_part: Any = error.schema if isinstance(error.schema, dict) else {}
    description = schema_part.get("description", "")
    if kind == "required":
        title = schema_part.get("title")
        missing = [name for name in expected if name not in value
                   and (title, name) not in _REQUIRED_REPORTED_BY_RULES]
        return [source.finding(path, rule, _("The key '{name}' is missing here.").format(
                    name=name))
                for name in missing]
    if kind == "additionalProperties":
        allowed = sorted(schema_part.get("properties", {}))
        unknown = [key for key in value if key not in allowed]
        return [
            source.finding((*path, key), rule, _unknown_key_message(key, allowed), key=True)
            for key in unknown
        ]
    if kind == "type":
        expected = _kind(expected) if expected in _KIND_NAMES else str(expected)
        message = _("Expected {expected} here, found {found}.").format(
            expected=expected, found=_described(value))
    elif kind == "enum":
        options = ", ".join(str(option) for option in expected)
        message = _("{value} is not allowed here; use one of: {options}.").format(
            value=_described(value), options=options)
    elif kind == "pattern":
        # The schema's description says what the form is; nox -s translations extracts
        # the descriptions of every value with a pattern, so they have a translation too.
        message = (_("{value} has the wrong form.").format(value=_described(value))
                   + " " + (_(description) if description else "")).strip()
    elif kind == "minLength":
        message = _("This text must not be empty.")
    elif kind == "maxLength":
        message = _("This text is too long ({length} characters; at most {most}).").format(
            length=len(value), most=expected)
    elif kind == "minItems":
        message = ngettext("This list needs at least {count} item.",
                           "This list needs at least {count} items.", expected).format(
            count=expected)
    else:
        message = excerpt(error.message, 300)  # jsonschema's own words quote the value
    return [source.finding(path, rule, message)]
