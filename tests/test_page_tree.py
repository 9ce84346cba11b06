"""Pages that inherit their size, rotation and resources from the page tree: batches are
opened without qpdf pushing those down to every page (see ``_pdf/master.open_pdf``), so
each page copied gets them itself (``own_attributes``), in a copy and in the ceremony file.
On small PDFs made here (no LibreOffice needed)."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from assembly import Assembly, small_assembly
from assembly import opened as _open
from assembly import page_content as _content
from overens_docs._pdf.master import Batch, own_attributes


@pytest.fixture
def assembler(tmp_path: Path) -> Assembly:
    return small_assembly(tmp_path)




def _inheriting(path: Path) -> Path:
    """``path`` rewritten so that its pages inherit their size, rotation and resources from
    the page tree's root, as other PDF producers write them (LibreOffice does not)."""
    with pikepdf.open(path) as pdf:
        root = pdf.Root.Pages
        first = pdf.pages[0].obj
        root.MediaBox, root.Rotate = pikepdf.Array([0, 0, 300, 400]), 90
        root.Resources = first.Resources
        for page in pdf.pages:
            del page.obj.MediaBox
            del page.obj.Resources
        pdf.save(path.with_suffix(".inheriting.pdf"))
    with pikepdf.open(path.with_suffix(".inheriting.pdf"), inherit_page_attributes=False) \
            as check:
        assert "/MediaBox" not in check.Root.Pages.Kids[0]  # as written, still inherited
    return path.with_suffix(".inheriting.pdf")


def test_a_page_that_inherits_from_its_page_tree_is_copied_with_what_it_inherits(
        assembler: Assembly) -> None:
    assembler.batches[0] = Batch(_inheriting(assembler.batches[0].path),
                                 assembler.batches[0].salt)
    copy = _open(assembler.organisation_pdf(0, 1, "a")[0])
    ceremony = _open(assembler.signature_pages_pdf()[0])
    for page in (copy.pages[2], ceremony.pages[1]):
        assert [float(value) for value in page.mediabox] == [0, 0, 300, 400]
        assert int(page.obj.get("/Rotate", 0)) == 90
        assert "/F1" in page.obj.Resources.Font
        assert b"Signature 0-1" in _content(page)
    assert [float(value) for value in ceremony.pages[2].mediabox] == [0, 0, 595, 842]


def test_own_attributes_walks_up_the_tree_and_stops_at_a_loop() -> None:
    pdf = pikepdf.new()
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Pages, Rotate=180,
                                                MediaBox=[0, 0, 1, 1]))
    middle = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Pages, Parent=root,
                                                  MediaBox=[0, 0, 2, 2]))
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, Parent=middle, CropBox=[0, 0, 3, 3])
    own_attributes(page)
    assert [int(value) for value in page.MediaBox] == [0, 0, 2, 2]
    assert [int(value) for value in page.CropBox] == [0, 0, 3, 3]
    assert int(page.Rotate) == 180
    assert "/Resources" not in page  # inherited from nowhere: left out
    root.Parent = middle  # a damaged file: the tree loops
    looping = pikepdf.Dictionary(Type=pikepdf.Name.Page, Parent=middle)
    own_attributes(looping)
    assert [int(value) for value in looping.MediaBox] == [0, 0, 2, 2]

