"""YAML with source positions and none of YAML's silent surprises.

PyYAML's ``safe_load`` lets a duplicate key win silently, retypes ``NO``, ``0701234567``,
``1:30`` and dates, and expands aliases (an alias bomb). So we only *parse* the file into
events (libyaml when available) and build the data ourselves:

- every scalar stays the text that was written (``NO`` stays ``"NO"``), except an empty
  value, ``~`` or ``null``, which is ``None``;
- a duplicate key, an alias, a merge key (``<<``), a non-text key and any tag outside
  YAML's core set (``!!python/...`` in particular) are findings; an alias is never expanded,
  so the work done is bounded by the size of the file;
- every value's line and column is recorded for findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from overens_docs._findings import Finding, Severity
from overens_docs._load.positions import JsonPath, Loaded, SourceMap, format_path
from overens_docs._load.text import decode_utf8

# libyaml is ~10x faster at composing; both report the same marks.
_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE = "tag:yaml.org,2002:"
_ALLOWED_SCALAR_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_NULL_SPELLINGS = frozenset({"", "~", "null", "Null", "NULL"})
_EMPTY = object()


def load_yaml(path: Path, display_name: str | None = None) -> Loaded:
    """Read ``path``; never raises for bad content (unreadable files raise ``OSError``)."""
    file = display_name or str(path)
    source = SourceMap(file)
    loaded = Loaded(source)
    text, problem = decode_utf8(path.read_bytes(), file)
    if problem is not None:
        loaded.findings.append(problem)
        return loaded
    assert text is not None  # noqa: S101 -- decode_utf8 returns one or the other
    builder = _Builder(source, loaded.findings, iter(yaml.parse(text, Loader=_Loader)))
    try:
        data = builder.document()
    except yaml.MarkedYAMLError as error:
        loaded.findings.append(_syntax_finding(file, error))
        return loaded
    except yaml.YAMLError as error:  # reader errors: characters YAML does not allow
        loaded.findings.append(_reader_finding(file, text, error))
        return loaded
    if data is _EMPTY:
        loaded.findings.append(
            Finding(file, 1, 1, "$", "yaml-empty", Severity.ERROR,
                    "The file is empty: it holds no YAML document.")
        )
        return loaded
    if data is None and not loaded.findings:
        loaded.findings.append(
            Finding(file, 1, 1, "$", "yaml-empty", Severity.ERROR,
                    "The file holds only comments or an empty value.")
        )
        return loaded
    loaded.data = data
    return loaded


def _syntax_finding(file: str, error: yaml.MarkedYAMLError) -> Finding:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    parts = [part for part in (error.context, error.problem) if part]
    if error.context_mark is not None and error.problem_mark is not None and error.context:
        parts = [f"{error.context} (line {error.context_mark.line + 1})", str(error.problem)]
    message = "YAML syntax error: " + "; ".join(parts)
    return Finding(file, line, column, "$", "yaml-syntax", Severity.ERROR, message)


def _reader_finding(file: str, text: str, error: yaml.YAMLError) -> Finding:
    position = getattr(error, "position", None)
    line = column = None
    if isinstance(position, int):
        before = text[:position]
        line = before.count("\n") + 1
        column = position - (before.rfind("\n") + 1) + 1
    character = getattr(error, "character", None)
    shown = f"U+{ord(character):04X}" if isinstance(character, str) else "a character"
    message = f"The file contains {shown}, which YAML does not allow in a document."
    return Finding(file, line, column, "$", "yaml-syntax", Severity.ERROR, message)


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Builder:
    """Builds dicts, lists, strings and ``None`` from the parser's events.

    Working from events rather than composed nodes keeps the position of every alias
    (a composed alias is the anchored node itself) and means an alias is never followed.
    """

    def __init__(self, source: SourceMap, findings: list[Finding],
                 events: Iterator[yaml.Event]) -> None:
        self.source = source
        self.findings = findings
        self.events = events

    def error(self, event: yaml.Event, path: JsonPath, rule: str, message: str) -> None:
        line, column = _mark(event)
        self.findings.append(
            Finding(self.source.file, line, column, format_path(path), rule,
                    Severity.ERROR, message)
        )
        self.source.refused.add(path)

    def document(self) -> Any:
        """The one document in the stream (``_EMPTY`` if there is none)."""
        value: Any = _EMPTY
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                if value is not _EMPTY:
                    self.error(event, (), "yaml-syntax",
                               "The file holds more than one YAML document ('---'); keep one.")
                    return value
                value = self.build(next(self.events), ())
        return value

    def build(self, event: yaml.Event, path: JsonPath) -> Any:
        self.source.values[path] = _mark(event)
        if isinstance(event, yaml.AliasEvent):
            self.error(event, path, "yaml-alias",
                       f"Aliases (*{event.anchor}) are not supported: write the value out in full.")
            return None
        tag = getattr(event, "tag", None)
        if isinstance(event, yaml.MappingStartEvent):
            refused = tag not in (None, _CORE + "map") and self.refuse_tag(event, tag, path)
            mapping = self.mapping(path)
            return None if refused else mapping
        if isinstance(event, yaml.SequenceStartEvent):
            refused = tag not in (None, _CORE + "seq") and self.refuse_tag(event, tag, path)
            sequence = self.sequence(path)
            return None if refused else sequence
        if isinstance(event, yaml.ScalarEvent):
            if tag not in (None, "!") and tag not in _ALLOWED_SCALAR_TAGS:
                self.refuse_tag(event, tag, path)
                return None
            value: str = event.value
            if tag is None and not event.style and value in _NULL_SPELLINGS:
                return None
            return value
        raise AssertionError(f"unexpected YAML event {event!r}")  # the parser guarantees

    def refuse_tag(self, event: yaml.Event, tag: str, path: JsonPath) -> bool:
        if tag.startswith(_CORE + "python/"):
            message = f"The tag !!{tag.removeprefix(_CORE)} is refused: it would run code."
        else:
            message = f"The tag {tag} is not supported: write plain text, lists and mappings."
        self.error(event, path, "yaml-tag", message)
        return True

    def sequence(self, path: JsonPath) -> list[Any]:
        result: list[Any] = []
        for event in self.events:
            if isinstance(event, yaml.SequenceEndEvent):
                break
            result.append(self.build(event, (*path, len(result))))
        return result

    def mapping(self, path: JsonPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_event in self.events:
            if isinstance(key_event, yaml.MappingEndEvent):
                break
            value_event = next(self.events)
            if not isinstance(key_event, yaml.ScalarEvent) or key_event.tag not in (None, "!"):
                rule, message = "yaml-key", "A key must be plain text."
                if isinstance(key_event, yaml.ScalarEvent) and key_event.value == "<<":
                    rule, message = "yaml-alias", "Merge keys (<<) are not supported."
                self.error(key_event, path, rule, message)
                self.skip(key_event)
                self.skip(value_event)
                continue
            key = key_event.value
            if key == "<<" and not key_event.style:
                self.error(key_event, path, "yaml-alias",
                           "Merge keys (<<) are not supported: write the values out in full.")
                self.skip(value_event)
                continue
            key_line = _mark(key_event)[0]
            if key in first_seen:
                self.error(
                    key_event, (*path, key), "yaml-duplicate-key",
                    f"The key '{key}' appears twice, on line {first_seen[key]} and line "
                    f"{key_line}: remove one of them.",
                )
                self.skip(value_event)
                continue
            first_seen[key] = key_line
            value_path = (*path, key)
            self.source.keys[value_path] = _mark(key_event)
            if type(value_event) is yaml.ScalarEvent and value_event.tag is None:
                # The common case, inlined: large organisation lists are mostly this.
                self.source.values[value_path] = _mark(value_event)
                value = value_event.value
                plain_null = not value_event.style and value in _NULL_SPELLINGS
                result[key] = None if plain_null else value
            else:
                result[key] = self.build(value_event, value_path)
        return result

    def skip(self, event: yaml.Event) -> None:
        """Consume the rest of a collection whose start event is ``event``."""
        depth = 1 if isinstance(event, yaml.CollectionStartEvent) else 0
        while depth:
            following = next(self.events)
            if isinstance(following, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(following, yaml.CollectionEndEvent):
                depth -= 1
