"""Property tests: whatever the input, validation returns findings and never raises."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from overens_docs._read import read_target
from overens_docs._targets import Target

VALID = yaml.safe_load((EXAMPLES / "valid" / "minimal.agreement.yaml").read_text("utf-8"))
# safe_load turned the quoted dates into text already; keep it that way.
REQUIRED = ["title", "public_body", "adoption", "purpose", "value_base", "principles", "parties"]

junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return data


def _related(path: tuple[Any, ...], other: tuple[Any, ...]) -> bool:
    """One path is the other or lies inside it."""
    shorter = min(len(path), len(other))
    return path[:shorter] == other[:shorter]


@st.composite
def broken_agreements(draw: st.DrawFn) -> Any:
    """The valid example with one change that always makes it invalid, plus random noise.

    The noise never touches what the breakage depends on (its paths are "protected"), so
    it cannot undo it: e.g. noise that renamed a principle to the id an "unknown" citation
    uses would make that citation valid again.
    """
    data = copy.deepcopy(VALID)
    breakage = draw(st.sampled_from(["drop", "retype", "unknown", "duplicate", "empty"]))
    protected: list[tuple[Any, ...]]
    if breakage == "drop":
        key = draw(st.sampled_from(REQUIRED))
        del data[key]
        protected = [(key,)]
    elif breakage == "retype":
        key = draw(st.sampled_from(REQUIRED))
        # Scalars are kept as the text written (`false` stays "false"), so only a value
        # of another shape is sure to be wrong here.
        data[key] = draw(junk.filter(lambda value: not isinstance(value, (str, bool, int))
                                     and not isinstance(value, type(data[key]))))
        protected = [(key,)]
    elif breakage == "unknown":
        party = draw(st.integers(0, 1))
        cited = data["parties"][party]["commitments"][0]["principles"]
        cited.append(draw(st.text(min_size=1, max_size=10).filter(
            lambda t: t not in {"dialog", "oppenhet"})))
        # The citation, and every principle id it could be made to match.
        protected = [("parties", party, "commitments", 0, "principles", len(cited) - 1),
                     ("principles",)]
    elif breakage == "duplicate":
        data["principles"].append(copy.deepcopy(data["principles"][0]))
        protected = [("principles", 0, "id"), ("principles", len(data["principles"]) - 1, "id")]
    else:
        party = draw(st.integers(0, 1))
        data["parties"][party]["commitments"] = []
        protected = [("parties", party, "commitments"), ("parties", party, "id")]
    for _ in range(draw(st.integers(0, 3))):  # noise anywhere else, valid or not
        free = [path for path in _paths(data)[1:]
                if not any(_related(path, kept) for kept in protected)]
        if not free:
            break
        path = draw(st.sampled_from(free))
        data = _set(data, path, draw(junk))
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=broken_agreements())
def test_broken_agreements_always_give_errors(tmp_path: Path, data: Any) -> None:
    path = tmp_path / "agreement.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    checked = read_target(Target(tmp_path, only=path))
    assert not checked.valid
    for finding in checked.findings:
        assert finding.file and finding.rule and finding.message
        assert finding.line is None or finding.line >= 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_bytes_never_raise(tmp_path: Path, raw: bytes) -> None:
    for name in ("agreement.yaml", "organisations.yaml", "organisations.csv"):
        path = tmp_path / name
        path.write_bytes(raw)
        checked = read_target(Target(tmp_path, only=path))
        assert isinstance(checked.findings, list)
