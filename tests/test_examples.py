"""Data-driven rule tests: every file under tests/examples/ states what it must produce.

``valid/`` files must pass without findings. Each ``invalid/`` file says which findings it
must produce (``rule@line:column``), in a ``# expect:`` line for YAML or a ``.expect`` file
beside a CSV file; it must produce exactly those.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES
from overens_docs._read import read_target
from overens_docs._targets import Target

VALID = sorted(path for path in (EXAMPLES / "valid").iterdir() if path.suffix != ".expect")
INVALID = sorted(path for path in (EXAMPLES / "invalid").iterdir() if path.suffix != ".expect")


def _expected(path: Path) -> set[str]:
    if path.suffix == ".csv":
        line = path.with_name(path.name + ".expect").read_text(encoding="utf-8")
    else:
        line = next(text for text in path.read_text(encoding="utf-8").splitlines()
                    if text.startswith("# expect:")).removeprefix("# expect:")
    return {item.strip() for item in line.split(",") if item.strip()}


def _found(path: Path) -> set[str]:
    checked = read_target(Target(path.parent, only=path))
    return {f"{finding.rule}@{finding.line}:{finding.column}" for finding in checked.findings}


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_valid_example_has_no_findings(path: Path) -> None:
    assert _found(path) == set()


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.name)
def test_invalid_example_produces_exactly_its_findings(path: Path) -> None:
    assert _found(path) == _expected(path)


def test_every_rule_has_an_invalid_example() -> None:
    from overens_docs._validate.agreement_rules import AGREEMENT_RULES  # noqa: PLC0415
    from overens_docs._validate.organisation_rules import ORGANISATION_RULES  # noqa: PLC0415
    from overens_docs._validate.register_rules import REGISTER_RULES  # noqa: PLC0415
    from overens_docs._validate.text_rules import TEXT_RULES  # noqa: PLC0415

    produced = {item.split("@")[0] for path in INVALID for item in _expected(path)}
    # A rule function may produce several codes (org-number -> -format, -checksum, ...).
    registered = (set(AGREEMENT_RULES) | set(TEXT_RULES) | set(ORGANISATION_RULES)
                  | set(REGISTER_RULES))
    registered = {code for code in registered if code != "org-number"}
    registered |= {"org-number-format", "org-number-checksum", "org-number-personal",
                   "org-number-group"}
    assert registered <= produced, registered - produced
