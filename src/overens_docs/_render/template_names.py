"""What a template's Jinja asks of the data, checked without rendering it.

The names and attributes a template reads are compared with a real render context (made
by :mod:`overens_docs._render.context` from an agreement), so that the check never drifts
from what a build gives: a name the context lacks (``{{ x }}``), an attribute a value lacks
(``agreement.titel``), what the sandbox refuses (``agreement.__class__``), an
``include`` or ``import`` (a Word template has no other templates to read), and blocks
that are never closed, and what a render would refuse as too large, when constants say it
(``"x" * 10 ** 9``: :func:`overens_docs._render.jinja_limits.constant_problem`). Each
problem carries the Jinja line it is on; the caller knows which paragraph that line is.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from overens_docs._findings import excerpt
from overens_docs._i18n import _
from overens_docs._render.jinja_limits import constant_problem

_UNKNOWN = object()  # a value the check cannot foresee (a filter's result, a loop's pair)
_BLOCK_TAG = re.compile(r"\{%-?\s*(\w+)([^%]*)")
_OPENERS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "raw",
                      "autoescape", "trans"})
_UNSAFE_FILTER_ARGUMENT = frozenset({"attr"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a template's Jinja, on line ``line`` of its source."""

    rule: str
    line: int
    message: str


def unbalanced_blocks(source: str) -> list[Problem]:
    """``{% if %}``/``{% for %}``... without their end, and ends without a start, each at
    its own line (Jinja itself only says "unexpected end of template")."""
    problems = []
    stack: list[tuple[str, int]] = []
    for match in _BLOCK_TAG.finditer(source):
        keyword, rest = match.group(1), match.group(2)
        line = source.count("\n", 0, match.start()) + 1
        if keyword == "p" or keyword in ("tr", "tc", "r"):  # docxtpl's {%p if %}: unwrapped
            continue
        if keyword == "set" and "=" not in rest:
            keyword = "set-block"
        if keyword in _OPENERS or keyword == "set-block":
            stack.append((keyword.removesuffix("-block"), line))
        elif keyword.startswith("end"):
            opened = keyword.removeprefix("end")
            if stack and stack[-1][0] == opened:
                stack.pop()
            else:
                problems.append(Problem("template-syntax", line, _(
                    "'{{% {tag} %}}' ends no open '{{% {opened} %}}' block: remove it, or "
                    "open the block before it.").format(tag=excerpt(keyword),
                                                        opened=excerpt(opened))))
    problems += [Problem("template-syntax", line, _(
        "'{{% {keyword} %}}' is never closed: add '{{% end{keyword} %}}' where it should end "
        "(as '{{%p end{keyword} %}}' in a paragraph of its own when the block spans "
        "paragraphs).").format(keyword=excerpt(keyword))) for keyword, line in stack]
    return problems


def name_problems(template: nodes.Template, context: Mapping[str, Any],
                  environment: SandboxedEnvironment) -> list[Problem]:
    """Names and attributes ``template`` reads that ``context`` does not have, and what
    the sandbox would refuse."""
    scope: dict[str, Any] = dict.fromkeys(environment.globals, _UNKNOWN)
    scope.update(context)
    walker = _Walker(sorted(context), sorted(environment.filters), sorted(environment.tests))
    walker.visit(template, scope)
    return walker.problems


def _suggestion(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return (" " + _("Did you mean '{name}'?").format(name=excerpt(close[0]))) if close else ""


def _first(value: Any) -> Any:
    """A list's first element, as a loop over it sees its items."""
    return value[0] if isinstance(value, list) and value else _UNKNOWN


def _target_names(target: nodes.Node) -> Iterator[str]:
    if isinstance(target, nodes.Name):
        yield target.name
    for name in target.find_all(nodes.Name):
        yield name.name


class _Walker:
    """A walk through the template that keeps the names each scope defines and, where it
    can tell, the value each name has in the sample context."""

    def __init__(self, context_names: list[str], filters: list[str], tests: list[str]) -> None:
        self.context_names = context_names
        self.filters, self.tests = filters, tests
        self.problems: list[Problem] = []
        self._seen: set[tuple[str, int, str]] = set()

    def _report(self, rule: str, line: int, message: str) -> None:
        if (rule, line, message) not in self._seen:
            self._seen.add((rule, line, message))
            self.problems.append(Problem(rule, line, message))

    def value(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        """The sample value ``node`` has, or :data:`_UNKNOWN`."""
        if isinstance(node, nodes.Name):
            return scope.get(node.name, _UNKNOWN)
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            owner = self.value(node.node, scope)
            key = node.attr if isinstance(node, nodes.Getattr) else (
                node.arg.value if isinstance(node.arg, nodes.Const) else None)
            if isinstance(owner, dict) and isinstance(key, str):
                return owner.get(key, _UNKNOWN)
            if isinstance(owner, list) and isinstance(key, int) and -len(owner) <= key < len(
                    owner):
                return owner[key]
        return _UNKNOWN

    def visit(self, node: nodes.Node, scope: dict[str, Any]) -> None:  # noqa: PLR0912
        if isinstance(node, nodes.For):
            self.visit(node.iter, scope)
            inner = dict(scope, loop=_UNKNOWN)
            item = _first(self.value(node.iter, scope))
            names = list(_target_names(node.target))
            for name in names:
                inner[name] = item if isinstance(node.target, nodes.Name) else _UNKNOWN
            if node.test is not None:
                self.visit(node.test, inner)
            for child in node.body:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
        elif isinstance(node, nodes.Assign | nodes.AssignBlock):
            for child in ([node.node] if isinstance(node, nodes.Assign) else node.body):
                self.visit(child, scope)
            for name in _target_names(node.target):
                scope[name] = _UNKNOWN
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope, caller=_UNKNOWN, varargs=_UNKNOWN, kwargs=_UNKNOWN)
            for argument in node.args:
                inner[argument.name] = _UNKNOWN
            for default in node.defaults:
                self.visit(default, scope)
            if isinstance(node, nodes.CallBlock):
                self.visit(node.call, scope)
            else:
                scope[node.name] = _UNKNOWN
            for child in node.body:
                self.visit(child, inner)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for value in node.values:
                self.visit(value, scope)
            for target in node.targets:
                inner.update(dict.fromkeys(_target_names(target), _UNKNOWN))
            for child in node.body:
                self.visit(child, inner)
        elif isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            self._report("template-unsafe", node.lineno, _(
                "The template reads another template (include, import or extends): a Word "
                "template must hold everything itself."))
        else:
            self._check(node, scope)
            for child in node.iter_child_nodes():
                self.visit(child, scope)

    def _check(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        limit = constant_problem(node)
        if limit is not None:
            self._report("template-limit", node.lineno, _(
                "A render would stop here: {problem}.").format(problem=limit))
        if isinstance(node, nodes.Filter | nodes.Test):
            known = self.filters if isinstance(node, nodes.Filter) else self.tests
            if node.name not in known:
                self._report("template-syntax", node.lineno, _(
                    "Jinja has no filter or test named '{name}'.").format(
                        name=excerpt(node.name))
                    + _suggestion(node.name, known))
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in scope:
            self._report("template-undefined", node.lineno, _(
                "The template uses '{name}', which the data does not provide.").format(
                    name=excerpt(node.name)) + _suggestion(node.name, self.context_names))
        elif isinstance(node, nodes.Getattr | nodes.Getitem):
            key = node.attr if isinstance(node, nodes.Getattr) else (
                node.arg.value if isinstance(node.arg, nodes.Const) else None)
            if not isinstance(key, str):
                return
            if key.startswith("_"):
                self._report("template-unsafe", node.lineno, _(
                    "The template reads '{name}', which the sandbox forbids: names that start "
                    "with '_' are Python's own.").format(name=excerpt(key)))
                return
            owner = self.value(node.node, scope)
            if isinstance(owner, dict) and key not in owner and not hasattr(dict, key):
                self._report("template-undefined", node.lineno, _(
                    "The template uses '{expression}', which the data does not provide: "
                    "'{owner}' has {keys}.").format(
                        expression=excerpt(_dotted(node)), owner=excerpt(_dotted(node.node)),
                        keys=", ".join(sorted(owner)) or _("nothing"))
                    + _suggestion(key, sorted(owner)))
        elif (isinstance(node, nodes.Filter) and node.name in _UNSAFE_FILTER_ARGUMENT
              and node.args and isinstance(node.args[0], nodes.Const)
              and str(node.args[0].value).startswith("_")):
            self._report("template-unsafe", node.lineno, _(
                "The template reads '{name}', which the sandbox forbids: names that start "
                "with '_' are Python's own.").format(name=excerpt(node.args[0].value)))


def _dotted(node: nodes.Node) -> str:
    """``agreement.public_body.name`` as written, as far as it is plain names."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_dotted(node.node)}[{node.arg.value!r}]"
    return "…"
