"""Bounded work for templates: a template is data someone may send, so what it may make
Jinja do is limited, on top of what the sandbox forbids.

Jinja's sandbox keeps a template away from Python, but not from the machine's time and
memory: ``{{ 9 ** 9 ** 9 }}`` computes for hours, ``{{ "x" * 10 ** 10 }}`` takes ten
gigabytes, and loops within loops never end. :class:`LimitedSandbox` therefore

- counts the steps of a render (every iteration of every loop, every call, attribute,
  operator and printed value) and stops it past :data:`MAX_STEPS`, or when it has taken
  :data:`MAX_SECONDS`;
- refuses, before computing it, a power, a product, a repetition, a padding or a
  replacement whose result would be larger than :data:`MAX_SIZE` items or characters, or a
  number larger than :data:`MAX_INT_BITS` bits, and checks what every filter and call
  gives back;
- keeps lists, dictionaries and sets as they are (no ``append`` in a loop) and offers no
  ``lipsum``.

Going past a limit raises :class:`LimitError`, which :mod:`overens_docs._render.docx`
turns into a ``template-limit`` finding at the template; :func:`constant_problem` finds
what it can of the same without rendering, for ``overens template check``.
"""

from __future__ import annotations

import contextlib
import functools
import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from typing import Any

from jinja2 import nodes
from jinja2.runtime import Context
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg

from overens_docs._i18n import _

MAX_STEPS = 20_000_000
MAX_SECONDS = 60.0  # per render
MAX_SIZE = 1_000_000  # characters of a string, items of a list, a width or a count
MAX_INT_BITS = 1024
_CHECK_CLOCK_EVERY = 1024
_DIGITS = re.compile(r"[0-9]+")  # numbers in a format string ("%0999999d", "{:>999999}")


class LimitError(Exception):
    """A render went past one of the limits; the message says which, in words."""


@dataclass
class Budget:
    """What one render may still do."""

    steps: int = MAX_STEPS
    deadline: float = field(default_factory=lambda: time.monotonic() + MAX_SECONDS)

    def step(self) -> None:
        self.steps -= 1
        if self.steps % _CHECK_CLOCK_EVERY == 0:
            if self.steps <= 0:
                raise LimitError(_("The template takes more than {steps} steps to render (a "
                                   "loop that does not end, or loops within loops)").format(
                                       steps=f"{MAX_STEPS:,}"))
            if time.monotonic() > self.deadline:
                raise LimitError(_("The template takes more than {seconds} seconds to "
                                   "render").format(seconds=f"{MAX_SECONDS:.0f}"))


def _size(value: Any) -> int:
    return len(value) if isinstance(value, Sized) and not isinstance(value, dict) else 0


def _too_large(what: str) -> LimitError:
    return LimitError(_("The template makes {what} larger than {most} (characters or "
                        "items)").format(what=what, most=f"{MAX_SIZE:,}"))


def _too_big_number() -> LimitError:
    return LimitError(_("The template makes a number larger than {bits} bits").format(
        bits=MAX_INT_BITS))


def check_result(value: Any) -> Any:
    """``value``, when it is within the limits."""
    if isinstance(value, int) and not isinstance(value, bool) \
            and value.bit_length() > MAX_INT_BITS:
        raise _too_big_number()
    if _size(value) > MAX_SIZE:
        raise _too_large(_("a text or a list"))
    return value


def binop_problem(operator: str, left: Any, right: Any) -> LimitError | None:
    """Why ``left operator right`` may not be computed, or None."""
    ints = [isinstance(value, int) and not isinstance(value, bool) for value in (left, right)]
    if operator == "**" and all(ints) and right > 0 and abs(left) > 1 \
            and abs(left).bit_length() * right > MAX_INT_BITS:
        return _too_big_number()
    if operator == "*" and all(ints) \
            and abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS:
        return _too_big_number()
    if operator == "*" and any(ints):
        count, sequence = (left, right) if ints[0] else (right, left)
        if count > 0 and _size(sequence) * count > MAX_SIZE:
            return _too_large(_("a repetition"))
    if operator == "+" and _size(left) + _size(right) > MAX_SIZE:
        return _too_large(_("a joined text or list"))
    if operator == "%" and isinstance(left, str) and _numbers_too_large(left):
        return _too_large(_("a formatted text"))
    return None


def _numbers_too_large(text: str) -> bool:
    return any(len(match) > 7 or int(match) > MAX_SIZE for match in _DIGITS.findall(text))


def _call_problem(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a call whose arguments ask for a result past the limits: a width, a count or
    a number of lines over :data:`MAX_SIZE`, a format with such a width, a replacement or a
    join whose result would be too large."""
    values = [*args, *kwargs.values()]
    if any(isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE
           for value in values):
        raise _too_large(_("a padding, a count or a width"))
    bound = getattr(function, "__wrapped__", function)
    owner, name = getattr(bound, "__self__", None), getattr(bound, "__name__", "")
    if isinstance(owner, str) and name in ("format", "format_map") and _numbers_too_large(owner):
        raise _too_large(_("a formatted text"))
    if isinstance(owner, str) and name == "replace" and len(args) >= 2:
        _check_replace(owner, args[0], args[1])
    if isinstance(owner, str) and name == "join" and args and isinstance(args[0], Sized):
        _check_join(args[0], owner)


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = len(text) + 1 if not old else text.count(old)
        if len(text) + count * max(0, len(new) - len(old)) > MAX_SIZE:
            raise _too_large(_("a replacement"))


def _check_join(items: Any, separator: Any) -> None:
    total = sum(_size(item) if isinstance(item, str) else 1 for item in items)
    if total + _size(items) * _size(separator) > MAX_SIZE:
        raise _too_large(_("a joined text or list"))


def _filter(environment: LimitedSandbox, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (a filter) with its arguments checked before and its result after."""

    passes_first = _PassArg.from_obj(function) is not None

    @functools.wraps(function)
    def limited(*args: Any, **kwargs: Any) -> Any:
        environment.step()
        values = list(args[1:] if passes_first else args)  # without Jinja's own context
        _call_problem(function, tuple(values[1:]), kwargs)
        name = function.__name__
        if name == "do_format" and values and isinstance(values[0], str) \
                and _numbers_too_large(values[0]):
            raise _too_large(_("a formatted text"))
        if name == "do_replace" and len(values) >= 3:
            _check_replace(str(values[0]), values[1], values[2])
        elif name in ("sync_do_join", "do_join") and values and isinstance(values[0], Sized):
            _check_join(values[0], values[1] if len(values) > 1 else "")
        elif name == "do_indent" and values and isinstance(values[0], str):
            width = values[1] if len(values) > 1 else kwargs.get("width", 4)
            if isinstance(width, int) and (values[0].count("\n") + 1) * width > MAX_SIZE:
                raise _too_large(_("an indented text"))
        return check_result(function(*args, **kwargs))

    return limited


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, with the limits of the module's docstring."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=self._printed, **options)
        self.globals.pop("lipsum", None)
        self.filters = {name: _filter(self, function) for name, function in self.filters.items()}
        self.budget: Budget | None = None

    def step(self) -> None:
        if self.budget is not None:
            self.budget.step()

    @contextlib.contextmanager
    def limited(self) -> Iterator[Budget]:
        """A fresh budget for one render (of every part of one document)."""
        previous, self.budget = self.budget, Budget()
        try:
            yield self.budget
        finally:
            self.budget = previous

    def _printed(self, value: Any) -> Any:
        self.step()
        return value

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.step()
        problem = binop_problem(operator, left, right)
        if problem is not None:
            raise problem
        return check_result(super().call_binop(context, operator, left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self.step()
        _call_problem(__obj, args, kwargs)
        return check_result(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.step()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.step()
        return super().getitem(obj, argument)

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """Every item of a loop, each a step."""
        for item in iterable:
            self.step()
            yield item

    def joined(self, value: Any) -> Any:
        """A ``~`` concatenation, checked once made (it is at most the sum of its parts)."""
        self.step()
        return check_result(value)

    def _generate(self, source: nodes.Template, name: str | None, filename: str | None,
                  defer_init: bool = False) -> str:
        """Compile with every loop's items counted and every ``~`` checked."""
        for loop in list(source.find_all(nodes.For)):
            loop.iter = _environment_call("counted", loop.iter)
        for parent in list(source.find_all(nodes.Node)):
            for field_name, child in parent.iter_fields():
                if isinstance(child, nodes.Concat):
                    setattr(parent, field_name, _environment_call("joined", child))
                    continue
                if isinstance(child, list):
                    child[:] = [_environment_call("joined", item)
                                if isinstance(item, nodes.Concat) else item for item in child]
        return super()._generate(source, name, filename, defer_init)


def _environment_call(method: str, argument: nodes.Node) -> nodes.Call:
    call = nodes.Call(nodes.EnvironmentAttribute(method), [argument], [], None, None)
    call.set_lineno(argument.lineno)
    return call


def constant_problem(node: nodes.Node) -> str | None:
    """What a render would refuse, when ``node`` says it with constants alone
    (``9 ** 9 ** 9``, ``"x" * 10 ** 9``, ``range(10 ** 8)``): for a check without rendering."""
    if isinstance(node, nodes.Pow | nodes.Mul | nodes.Add | nodes.Mod):
        left, right = _constant(node.left), _constant(node.right)
        if left is not None and right is not None:
            problem = binop_problem(node.operator, left, right)
            return None if problem is None else str(problem)
    if isinstance(node, nodes.Call | nodes.Filter):
        values = [_constant(argument) for argument in (*node.args,
                                                       *(kw.value for kw in node.kwargs))]
        largest = max((abs(value) for value in values if isinstance(value, int)), default=0)
        ranged = isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) \
            and node.node.name == "range"
        if largest > (MAX_RANGE if ranged else MAX_SIZE):
            return str(_too_large(_("a padding, a count or a width")))
    return None


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow}


def _constant(node: nodes.Node) -> Any:
    """The value of a constant expression, small enough to compute; else None."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.BinExpr) and node.operator in _OPERATORS:
        left, right = _constant(node.left), _constant(node.right)
        if left is None or right is None or binop_problem(node.operator, left, right):
            return None
        with contextlib.suppress(Exception):
            return _OPERATORS[node.operator](left, right)
    return None
