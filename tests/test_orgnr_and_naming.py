"""Organisation numbers and the names made from organisation names."""

from __future__ import annotations

import unicodedata

import pytest

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
