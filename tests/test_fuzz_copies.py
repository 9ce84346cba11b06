"""No traceback on any PDF: `verify --file` on signed copies mutated at random (bytes
flipped, cut short, sections repeated) always gives a verdict, and a mutated copy never
holds unless it is the signed copy itself."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overens_docs._verify import verify_returned
from pki import make_pki, sign

COPY = "organisations/arlingsbo-pensionarsforening.pdf"


@pytest.fixture(scope="module")
def signed(orebro_built: Path) -> bytes:
    pki = make_pki()
    return sign((orebro_built / COPY).read_bytes(), pki.person, [pki.intermediate, pki.root])


_MUTATIONS = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**9), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.integers(0, 10**9), st.just(0)),
    st.tuples(st.just("repeat"), st.integers(0, 10**9), st.integers(1, 4096)),
    st.tuples(st.just("zero"), st.integers(0, 10**9), st.integers(1, 64)),
)


def _mutated(data: bytes, mutations: list[tuple[str, int, int]]) -> bytes:
    result = bytearray(data)
    for kind, where, amount in mutations:
        at = where % max(len(result), 1)
        if kind == "flip" and result:
            result[at] ^= amount
        elif kind == "cut":
            del result[at:]
        elif kind == "repeat":
            result[at:at] = result[at:at + amount]
        elif kind == "zero":
            result[at:at + amount] = bytes(len(result[at:at + amount]))
    return bytes(result)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(_MUTATIONS, min_size=1, max_size=3))
def test_no_traceback_on_a_mutated_signed_copy(signed: bytes, orebro_built: Path,
                                               tmp_path: Path,
                                               mutations: list[tuple[str, int, int]]) -> None:
    data = _mutated(signed, mutations)
    path = tmp_path / "mutated.pdf"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libraries warn about what they repair
        returned = verify_returned(orebro_built, path)
    assert returned.verdict.value and returned.message
    if returned.holds:  # only where nothing a reader sees changed: still her copy
        assert returned.organisation == "arlingsbo-pension"
        assert all(s.intact for s in returned.signatures)
