"""Sessions: build (the main job), validate, tests, lint, typecheck, bench.

Run ``nox -l`` to list them. Each installs what it needs into its own environment.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["build"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def build(session: nox.Session) -> None:
    """Validate and build every agreement under agreements/ into build/."""
    session.install("-e", ".")
    session.run("overens", "build", *session.posargs)


@nox.session
def validate(session: nox.Session) -> None:
    """Validate every agreement under agreements/ (the pre-signing check).

    Warnings are reported, not failed on: the register sample has an organisation that
    signed an older text, on purpose. Pass -- --strict to fail on warnings too."""
    session.install("-e", ".")
    session.run("overens", "validate", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite, including the tests that need LibreOffice."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, and the import contracts: each stage imports only the stages below it."""
    session.install("-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("lint-imports")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over src, tests and this file (nox is in the dev extra for it)."""
    session.install("-e", ".[test,dev]")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks; figures go to bench/*.json. Counts: nox -s bench -- 1000,10000."""
    session.install("-e", ".")
    count = session.posargs[0] if session.posargs else "1000,10000"
    session.run("python", "benchmarks/validate_bench.py", "10000", "bench/validate.json")
    session.run("python", "benchmarks/build_bench.py", count, "bench/build.json")
    session.run("python", "benchmarks/diff_bench.py", "300", "bench/diff.json")
