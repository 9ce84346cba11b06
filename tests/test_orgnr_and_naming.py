"""Organisation numbers and the names made from organisation names."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overens_docs._domain import orgnr
from overens_docs._domain.naming import normalise_name, slugify, unique_slugs


@pytest.mark.parametrize("number", ["802002-8711", "8020028711", "16802002-8711",
                                    "802405-0190", "212000-0142", " 802002 - 8711 "])
def test_real_organisation_numbers_are_valid(number: str) -> None:
    checked = orgnr.check(number)
    assert checked.problem is None
    assert checked.formatted in {"802002-8711", "802405-0190", "212000-0142"}


@pytest.mark.parametrize(("number", "problem"), [
    ("802002-8712", orgnr.Problem.CHECKSUM),
    ("802002-871", orgnr.Problem.FORM),
    ("80200a-8711", orgnr.Problem.FORM),
    ("８０２００２-８７１１", orgnr.Problem.FORM),  # full-width digits are not accepted
    ("26802002-8711", orgnr.Problem.FORM),
    ("850101-2384", orgnr.Problem.PERSONAL),
])
def test_wrong_numbers_say_why(number: str, problem: orgnr.Problem) -> None:
    assert orgnr.check(number).problem is problem


def test_names_compare_equal_across_case_spacing_and_unicode_form() -> None:
    composed = "Föreningen  Ängen"
    decomposed = unicodedata.normalize("NFD", "FÖRENINGEN ängen")
    assert normalise_name(composed) == normalise_name(decomposed)


def test_slugs_are_ascii_and_never_collide() -> None:
    names = ["Åkesson AB", "Akesson AB", "akesson ab", "???", "", 'Föreningen "Ett & Två"']
    slugs = unique_slugs(names)
    assert slugs == ["akesson-ab", "akesson-ab-2", "akesson-ab-3", "organisation",
                     "organisation-2", "foreningen-ett-tva"]
    assert len(set(slugs)) == len(slugs)


def test_slug_of_a_long_name_is_bounded() -> None:
    assert len(slugify("Föreningen " * 40)) <= 80


# What every file system a build folder may be copied to accepts (Windows, macOS, Linux,
# a USB stick in FAT32): the names Windows keeps for devices, with any extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{d}" for d in range(10)),
             *(f"LPT{d}" for d in range(10))}
_SUFFIXES = (".docx", ".pdf")


def _portable_problems(stem: str) -> list[str]:
    """Why ``stem`` plus each output suffix is not a safe file name everywhere."""
    problems = []
    for name in (stem + suffix for suffix in _SUFFIXES):
        if name.split(".")[0].upper() in _RESERVED:
            problems.append(f"{name!r}: a name Windows reserves")
        if len(name.encode("utf-8")) > 255:
            problems.append(f"{name!r}: over 255 bytes")
    if not stem or stem != stem.rstrip(". ") or stem != stem.strip():
        problems.append(f"{stem!r}: empty, or ends in a dot or space")
    if any(not (c.isascii() and (c.isalnum() or c == "-")) for c in stem):
        problems.append(f"{stem!r}: a character some file system changes or refuses")
    return problems


_TRICKY_NAMES = ["CON", "con", "Con.", "PRN", "aux", "NUL", "nul ", "COM1", "com9", "LPT1",
                 "lpt0", "COM1.txt", "Aux AB", " . ", "...", "Föreningen.", "Förening ",
                 "Å" * 300, "ä" * 200 + "x", "a" * 500, "A.b.c.", "CON", "Con", "cOn"]


@pytest.mark.parametrize("name", sorted(set(_TRICKY_NAMES)))
def test_a_tricky_name_gives_a_file_name_safe_everywhere(name: str) -> None:
    [stem] = unique_slugs([name])
    assert _portable_problems(stem) == []


def test_names_differing_only_by_case_or_form_do_not_share_a_file() -> None:
    names = ["CON", "con", "Con", "Föreningen Ängen", "FÖRENINGEN ÄNGEN",
             unicodedata.normalize("NFD", "Föreningen Ängen"), "Aux", "aux-organisation"]
    stems = unique_slugs(names)
    assert len({stem.casefold() for stem in stems}) == len(names)
    assert stems[:3] == ["con-organisation", "con-organisation-2", "con-organisation-3"]
    for stem in stems:
        assert _portable_problems(stem) == []


@given(st.lists(st.one_of(st.sampled_from(_TRICKY_NAMES), st.text(max_size=300)),
                max_size=12))
@settings(max_examples=300, deadline=None)
def test_any_names_give_distinct_file_names_safe_everywhere(names: list[str]) -> None:
    stems = unique_slugs(names)
    assert len(stems) == len(names)
    assert len({unicodedata.normalize("NFC", stem).casefold() for stem in stems}) == len(stems)
    for stem in stems:
        assert _portable_problems(stem) == []


def test_thousands_of_one_name_are_numbered_in_turn() -> None:
    stems = unique_slugs(["Föreningen"] * 5000)
    assert stems[:3] == ["foreningen", "foreningen-2", "foreningen-3"]
    assert stems[-1] == "foreningen-5000" and len(set(stems)) == 5000
