"""YAML with source positions and none of YAML's silent surprises.

PyYAML's ``safe_load`` lets a duplicate key win silently, retypes ``NO``, ``0701234567``,
``1:30`` and dates, and expands aliases (an alias bomb). So we only *parse* the file into
events (libyaml when available) and build the data ourselves:

- every scalar stays the text that was written (``NO`` stays ``"NO"``), except an empty
  value, ``~`` or ``null``, which is ``None``;
- a duplicate key, an alias, a merge key (``<<``), a non-text key, any tag outside
  YAML's core set (``!!python/...`` in particular) and nesting deeper than any agreement
  needs are findings; an alias is never expanded, so the work done is bounded by the size
  of the file;
- every value's line and column is recorded for findings, as an editor counts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from overens_docs._findings import Finding, Severity, excerpt
from overens_docs._i18n import _
from overens_docs._load.positions import JsonPath, Loaded, SourceMap, format_path
from overens_docs._load.text import (
    YAML_ONLY_BREAKS,
    EditorPositions,
    describe_character,
    read_text,
)

# libyaml is ~10x faster at composing; both report the same marks.
_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE = "tag:yaml.org,2002:"
_ALLOWED_SCALAR_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_NULL_SPELLINGS = frozenset({"", "~", "null", "Null", "NULL"})
_EMPTY = object()
# An agreement nests about six levels (parties -> commitments -> principles); far deeper
# data is a mistake, and refusing it keeps the recursive builder within Python's stack.
MAX_DEPTH = 50
# What YAML's reader refuses (the YAML 1.1 printable set, as libyaml and PyYAML check it).
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                       "\U00010000-\U0010ffff]")


def load_yaml(path: Path, display_name: str | None = None) -> Loaded:
    """Read ``path``; never raises for bad content (unreadable files raise ``OSError``)."""
    loaded, text = read_text(path, display_name)
    if text is None:
        return loaded
    source, file = loaded.source, loaded.source.file
    positions = EditorPositions.for_yaml(text)
    loaded.findings.extend(_line_separators(file, text, positions, source))
    builder = _Builder(source, loaded.findings, iter(yaml.parse(text, Loader=_Loader)),
                       positions)
    try:
        data = builder.document()
    except yaml.MarkedYAMLError as error:
        loaded.findings.append(_syntax_finding(file, error, positions))
        return loaded
    except yaml.YAMLError:  # reader errors: characters YAML does not allow
        loaded.findings.append(_reader_finding(file, text, positions))
        return loaded
    if data is _EMPTY:
        loaded.findings.append(
            Finding(file, 1, 1, "$", "yaml-empty", Severity.ERROR,
                    _("The file is empty: it holds no YAML document."))
        )
        return loaded
    if data is None and not loaded.findings:
        loaded.findings.append(
            Finding(file, 1, 1, "$", "yaml-empty", Severity.ERROR,
                    _("The file holds only comments or an empty value."))
        )
        return loaded
    loaded.data = data
    return loaded


def _line_separators(file: str, text: str, positions: EditorPositions,
                     source: SourceMap) -> list[Finding]:
    """U+2028, U+2029 and U+0085 break lines for YAML but not in an editor: each one is
    reported where it is, as it can change a value out of sight or cause a syntax error."""
    findings: list[Finding] = []
    if not any(character in text for character in YAML_ONLY_BREAKS):
        return findings
    for index, character in enumerate(text):
        if character in YAML_ONLY_BREAKS:
            line, column = positions.at_index(index)
            findings.append(Finding(
                file, line, column, "$", "text-characters", Severity.ERROR,
                _("The file contains {character}, which editors show within the line but "
                  "YAML and Word take as a line break. Delete it, or use an ordinary line "
                  "break.").format(character=describe_character(character))))
            source.reported_characters.add(character)
    return findings


def _syntax_finding(file: str, error: yaml.MarkedYAMLError,
                    positions: EditorPositions) -> Finding:
    mark = error.problem_mark or error.context_mark
    line, column = positions.at(mark.line, mark.column) if mark is not None else (None, None)
    parts = [excerpt(part, 200) for part in (error.context, error.problem) if part]
    if error.context_mark is not None and error.problem_mark is not None and error.context:
        context_line = positions.at(error.context_mark.line, error.context_mark.column)[0]
        parts = [_("{context} (line {line})").format(context=excerpt(error.context, 200),
                                                     line=context_line),
                 excerpt(error.problem, 200)]
    # The parser's own words (in English) follow; they name the construct exactly.
    message = _("YAML syntax error: {problem}").format(problem="; ".join(parts))
    return Finding(file, line, column, "$", "yaml-syntax", Severity.ERROR, message)


def _reader_finding(file: str, text: str, positions: EditorPositions) -> Finding:
    # The reader error's own position is a byte offset for libyaml and a character index
    # for PyYAML; finding the character again gives the same, right place for both.
    found = _NOT_YAML.search(text)
    if found is None:
        return Finding(file, None, None, "$", "yaml-syntax", Severity.ERROR,
                       _("The file contains a character that YAML does not allow."))
    line, column = positions.at_index(found.start())
    message = _("The file contains {character}, which YAML does not allow in a document; it "
                "is invisible in most editors. Delete it or retype the text around it.").format(
        character=describe_character(found.group()))
    return Finding(file, line, column, "$", "yaml-syntax", Severity.ERROR, message)


class _Builder:
    """Builds dicts, lists, strings and ``None`` from the parser's events.

    Working from events rather than composed nodes keeps the position of every alias
    (a composed alias is the anchored node itself) and means an alias is never followed.
    """

    def __init__(self, source: SourceMap, findings: list[Finding],
                 events: Iterator[yaml.Event], positions: EditorPositions) -> None:
        self.source = source
        self.findings = findings
        self.events = events
        self.positions = positions
        # Lines the parser numbers as an editor does: their places need no translation.
        self.direct_lines = positions.lines if positions.parser_agrees else 0

    def place(self, event: yaml.Event) -> tuple[int, int]:
        mark = event.start_mark
        if mark is None:  # never from either parser; the type allows it
            return (1, 1)
        if mark.line < self.direct_lines:
            return mark.line + 1, mark.column + 1
        return self.positions.at(mark.line, mark.column)

    def error(self, event: yaml.Event, path: JsonPath, rule: str, message: str) -> None:
        line, column = self.place(event)
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
                               _("The file holds more than one YAML document ('---'); keep "
                                 "one."))
                    return value
                value = self.build(next(self.events), ())
        return value

    def build(self, event: yaml.Event, path: JsonPath) -> Any:
        self.source.values[path] = self.place(event)
        if isinstance(event, yaml.AliasEvent):
            self.error(event, path, "yaml-alias",
                       _("Aliases (*{anchor}) are not supported: write the value out in "
                         "full.").format(anchor=event.anchor))
            return None
        tag = getattr(event, "tag", None)
        if isinstance(event, yaml.CollectionStartEvent):
            return self.collection(event, path, tag)
        if isinstance(event, yaml.ScalarEvent):
            if tag not in (None, "!") and tag not in _ALLOWED_SCALAR_TAGS:
                self.refuse_tag(event, tag, path)
                return None
            value: str = event.value
            if tag is None and not event.style and value in _NULL_SPELLINGS:
                return None
            return value
        raise AssertionError(f"unexpected YAML event {event!r}")  # the parser guarantees

    def collection(self, event: yaml.CollectionStartEvent, path: JsonPath,
                   tag: str | None) -> list[Any] | dict[str, Any] | None:
        if len(path) >= MAX_DEPTH:
            self.error(event, path, "yaml-depth",
                       _("The data is nested more than {depth} levels deep here; an "
                         "agreement needs fewer than ten. Check the indentation and "
                         "brackets.").format(depth=MAX_DEPTH))
            self.skip(event)
            return None
        if isinstance(event, yaml.MappingStartEvent):
            refused = tag not in (None, _CORE + "map") and self.refuse_tag(event, tag, path)
            mapping = self.mapping(path)
            return None if refused else mapping
        refused = tag not in (None, _CORE + "seq") and self.refuse_tag(event, tag, path)
        sequence = self.sequence(path)
        return None if refused else sequence

    def refuse_tag(self, event: yaml.Event, tag: str, path: JsonPath) -> bool:
        if tag.startswith(_CORE + "python/"):
            message = _("The tag !!{tag} is refused: it would run code.").format(
                tag=tag.removeprefix(_CORE))
        else:
            message = _("The tag {tag} is not supported: write plain text, lists and "
                        "mappings.").format(tag=tag)
        self.error(event, path, "yaml-tag", message)
        return True

    def refuse_key(self, key_event: yaml.Event, path: JsonPath) -> None:
        if isinstance(key_event, yaml.ScalarEvent) and key_event.value == "<<":
            self.error(key_event, path, "yaml-alias", _("Merge keys (<<) are not supported."))
            return
        if isinstance(key_event, yaml.SequenceStartEvent):
            found = _("a list")
        elif isinstance(key_event, yaml.MappingStartEvent):
            found = _("a mapping")
        elif isinstance(key_event, yaml.AliasEvent):
            found = _("an alias (*{anchor})").format(anchor=key_event.anchor)
        else:
            found = _("text with the tag {tag}").format(tag=getattr(key_event, "tag", ""))
        self.error(key_event, path, "yaml-key",
                   _("A key must be plain text, but this key is {found}. Write the key as a "
                     "word followed by ':'.").format(found=found))

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
            if not isinstance(key_event, yaml.ScalarEvent) or key_event.tag not in (None, "!"):
                self.refuse_key(key_event, path)
                self.skip(key_event)  # a list or mapping as key: its events come first
                self.skip(next(self.events))
                continue
            value_event = next(self.events)
            key = key_event.value
            if key == "<<" and not key_event.style:
                self.error(key_event, path, "yaml-alias",
                           _("Merge keys (<<) are not supported: write the values out in "
                             "full."))
                self.skip(value_event)
                continue
            key_line = self.place(key_event)[0]
            if key in first_seen:
                self.error(
                    key_event, (*path, key), "yaml-duplicate-key",
                    _("The key '{key}' appears twice, on line {first} and line {second}: "
                      "remove one of them.").format(key=key, first=first_seen[key],
                                                    second=key_line),
                )
                self.skip(value_event)
                continue
            first_seen[key] = key_line
            value_path = (*path, key)
            self.source.keys[value_path] = self.place(key_event)
            if type(value_event) is yaml.ScalarEvent and value_event.tag is None:
                # The common case, inlined: large organisation lists are mostly this.
                self.source.values[value_path] = self.place(value_event)
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
