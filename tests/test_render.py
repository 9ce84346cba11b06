"""Rendering and fast copies of rendered .docx files (no LibreOffice needed)."""

from __future__ import annotations

import datetime
import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError

from conftest import OREBRO, ROOT, template_variant
from overens_docs._build.signature_pages import batch_sizes
from overens_docs._domain import Organisation, Place, Status, read_agreement
from overens_docs._load import load_yaml
from overens_docs._read import read_target
from overens_docs._render import docx as rendering
from overens_docs._render.agreement_html import agreement_html
from overens_docs._render.context import (
    agreement_context,
    body_in_sentence,
    organisation_context,
)
from overens_docs._render.docx import CoreProperties, DocumentTemplate
from overens_docs._render.jinja_env import environment
from overens_docs._render.personalise import Personaliser
from overens_docs._targets import Target


def _personaliser(template: Path) -> tuple[Personaliser, list[Organisation]]:
    read = read_target(Target(OREBRO)).whole("test")
    agreement, organisations = read
    document = DocumentTemplate(template, agreement_context(agreement),
                                CoreProperties.of(agreement))
    return Personaliser(document), list(organisations)


def _text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    return html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def test_the_default_template_takes_the_fast_path() -> None:
    personaliser, organisations = _personaliser(ROOT / "templates/default/agreement.docx")
    personaliser.prove(organisations)
    assert personaliser.fast


def test_a_template_that_branches_on_an_organisation_is_rendered_in_full_for_each(
        tmp_path: Path) -> None:
    """The fast path proves itself on the first organisation only; a template whose
    signature page branches on a value would give later organisations the first one's
    branch. Such templates are found by reading their Jinja, and rendered in full."""
    branching = template_variant(
        tmp_path, b"{{ organisation.representative_title }}",
        b"{% if organisation.name|length > 60 %}LONGNAME{% else %}SHORTNAME{% endif %}")
    personaliser, organisations = _personaliser(branching)
    personaliser.prove(organisations)
    assert not personaliser.fast
    short = next(o for o in organisations if len(o.name) <= 60)
    long = next(o for o in organisations if len(o.name) > 60)
    assert organisations.index(short) < organisations.index(long)
    assert "SHORTNAME" in _text(personaliser.document(short))
    assert "LONGNAME" in _text(personaliser.document(long))


def test_a_filter_on_an_organisation_value_also_leaves_the_fast_path(tmp_path: Path) -> None:
    upper = template_variant(tmp_path, b"{{ organisation.representative_title }}",
                           b"{{ organisation.representative_title|upper }}")
    personaliser, organisations = _personaliser(upper)
    personaliser.prove(organisations)
    assert not personaliser.fast
    assert organisations[3].representative_title.upper() in _text(
        personaliser.document(organisations[3]))


SIGNING_LINE = (
    "{% for organisation in organisations %}{{ organisation.name }}: "
    "{% if agreement.signing.place %}{{ agreement.signing.place }} den {% endif %}"
    "{% if organisation.signed_on_text %}{{ organisation.signed_on_text }}"
    "{% elif agreement.signing.date_text %}{{ agreement.signing.date_text }}{% endif %}."
    "{% endfor %}")


def _xml_text(document: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(document)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


@pytest.mark.parametrize(("signing", "expected_without"), [
    ('signing: {place: Örebro, date: "2018-04-20"}\n', "Örebro den 20 april 2018."),
    ("signing: {place: Örebro}\n", "Örebro den ."),
])
def test_a_signature_page_prints_the_organisations_own_date_fast(
        tmp_path: Path, signing: str, expected_without: str) -> None:
    docx = pytest.importorskip("docx")
    template = tmp_path / "template.docx"
    document = docx.Document()
    document.add_paragraph(SIGNING_LINE)
    document.save(str(template))
    text = (OREBRO / "agreement.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^signing:.*\n(?:  .*\n)*", "", text) + signing
    (tmp_path / "agreement.yaml").write_text(text, encoding="utf-8")
    agreement = read_agreement(load_yaml(tmp_path / "agreement.yaml"), tmp_path)
    personaliser = Personaliser(DocumentTemplate(template, agreement_context(agreement),
                                                 CoreProperties.of(agreement)))
    later = Organisation("a", "Föreningen A & B", "802002-8711", "X", "Y", "a", Place("f"),
                         Status.SIGNED, signed_on=datetime.date(2018, 6, 13))
    at_ceremony = Organisation("b", "Föreningen C", None, "X", "Y", "b", Place("f"))
    for _ in range(2):  # the second time from the proven fast copies
        assert _xml_text(personaliser.document(later)) == (
            "Föreningen A &amp; B: Örebro den 13 juni 2018.")
        assert _xml_text(personaliser.document(at_ceremony)) == f"Föreningen C: {expected_without}"
    assert personaliser.fast


@pytest.mark.parametrize(("written", "in_sentence"), [
    ("Kommunfullmäktige i Örebro", "kommunfullmäktige i Örebro"),
    ("Kommunstyrelsen", "kommunstyrelsen"),
    ("Regionfullmäktige i Värmland", "regionfullmäktige i Värmland"),
    ("Regionstyrelsen", "regionstyrelsen"),
    ("Landstingsstyrelsen", "landstingsstyrelsen"),
    ("Socialnämnden", "socialnämnden"),
    ("Kultur- och fritidsnämnden", "kultur- och fritidsnämnden"),
    ("Styrelsen för Region Värmland", "styrelsen för Region Värmland"),
    ("Fullmäktige", "fullmäktige"),
    ("Regeringen", "regeringen"),
    ("kommunfullmäktige", "kommunfullmäktige"),
    # Proper names stay as written.
    ("Region Värmland", "Region Värmland"),
    ("Örebro kommun", "Örebro kommun"),
    ("Föreningsrådet", "Föreningsrådet"),
    ("Region Värmlands styrelse", "Region Värmlands styrelse"),
    ("Örebro kommuns kommunfullmäktige", "Örebro kommuns kommunfullmäktige"),
    ("KF", "KF"),
    ("", ""),
])
def test_an_adopting_body_that_is_a_common_noun_is_lower_case_mid_sentence(
        written: str, in_sentence: str) -> None:
    assert body_in_sentence(written) == in_sentence


def test_the_agreement_says_who_adopted_it_mid_sentence() -> None:
    read = read_target(Target(OREBRO)).whole("test")
    agreement = read[0]
    assert agreement.adoption.body == "Kommunfullmäktige i Örebro"
    template = DocumentTemplate(ROOT / "templates/default/agreement.docx",
                                agreement_context(agreement), CoreProperties.of(agreement))
    assert "Antagen av kommunfullmäktige i Örebro" in _xml_text(
        template.render([], include_text=True))
    assert "Antagen av kommunfullmäktige i Örebro" in agreement_html(agreement).decode()


@pytest.mark.parametrize(("count", "parts", "extra", "sizes"), [
    (1000, 2, 0.0, [500, 500]),
    (700, 2, 70.0, [315, 385]),  # the first LibreOffice also converts the list
    (1000, 2, 700.0, [0, 334, 334, 332]),  # the list alone is a batch's worth of work
    (2001, 2, 0.0, [400, 401, 401, 401, 398]),  # none over BATCH_PAGES
    (1, 2, 0.7, [1]),
    (0, 2, 0.0, [0]),
])
def test_batches_share_the_work_of_the_ceremony_list(count: int, parts: int, extra: float,
                                                     sizes: list[int]) -> None:
    assert batch_sizes(count, parts, extra) == sizes
    assert sum(batch_sizes(count, parts, extra)) == count


def test_rendering_leaves_text_without_tabs_or_breaks_as_docxtpl_would(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """docxtpl's pass that turns tabs and line breaks into Word markup is skipped for a part
    that has none of them; a part that has them still gets it, and every signature batch
    comes out as docxtpl's own pass would make it."""
    template = rendering.open_template(ROOT / "templates/default/agreement.docx")
    plain = '<w:p><w:r><w:t xml:space="preserve">Åby &amp; Öna</w:t></w:r></w:p>'
    assert template.resolve_listing(plain) is plain
    broken = '<w:p><w:r><w:t xml:space="preserve">rad ett\nrad två\tflik</w:t></w:r></w:p>'
    assert template.resolve_listing(broken) == DocxTemplate.resolve_listing(template, broken)
    assert "<w:br/>" in template.resolve_listing(broken)
    assert "<w:tab/>" in template.resolve_listing(broken)

    personaliser, organisations = _personaliser(ROOT / "templates/default/agreement.docx")
    document = personaliser.template
    contexts = [organisation_context(o) for o in organisations[:5]]
    fast = [document.render(contexts, include_text=text) for text in (False, True)]
    monkeypatch.setattr(rendering._Template, "resolve_listing", DocxTemplate.resolve_listing)
    assert [document.render(contexts, include_text=text) for text in (False, True)] == fast


def test_template_sources_are_compiled_once_and_stay_sandboxed() -> None:
    env = environment()
    first = env.from_string("Hej {{ namn }}")
    assert env.from_string("Hej {{ namn }}") is first
    assert first.render(namn="Åsa & <Ö>") == "Hej Åsa &amp; &lt;Ö&gt;"
    assert env.from_string("Hej {{ namn }}!") is not first
    unsafe = "{{ cycler.__init__.__globals__ }}"
    for _ in range(2):  # compiled, then from what was compiled
        with pytest.raises(SecurityError):
            env.from_string(unsafe).render()
