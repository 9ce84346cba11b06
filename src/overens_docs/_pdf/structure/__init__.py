"""The structure tree (tagging) of PDFs that are put together from pages of other PDFs.

LibreOffice writes a tagged PDF's structure as a ``Document`` element whose children
(headings, paragraphs, lists) each name the page they start on (``/Pg``), and a
``ParentTree`` that maps each page's ``/StructParents`` number to the elements of its
marked content, by MCID. A signature page's elements start and end on that page (the
template puts a page break between signature pages), so a page can be carried into
another PDF together with its elements:

- :class:`TaggedPages` (in :mod:`.source`) reads a source PDF once: which of
  ``Document``'s children belong to each page, and the page's ParentTree entry. It cuts
  each child's ``/P`` (its link up to the source's ``Document``), since copying an element
  copies all it refers to, and through its parent that would be every page of the source.
- :class:`Tree` (in :mod:`.tree`) is the structure tree of the PDF being made:
  :meth:`Tree.graft` adds a copied page's elements under its ``Document`` and its
  ParentTree entry under a new number; :meth:`Tree.ungraft` takes them away again, for the
  assembler's base document, which takes each organisation's page in turn.
  :meth:`Tree.adopt` takes a whole source at once, all its pages and its tree (the
  ceremony file, made of whole batches), which spares finding each page's elements.
- :func:`keep_pages` (in :mod:`.master`) takes what belongs to a master's pages after its
  text out of its tree.

Elements are copied with ``Pdf.copy_foreign``, which shares qpdf's map of copied objects
with ``Pdf.pages.append``: an element's ``/Pg`` becomes the copied page.
"""

from overens_docs._pdf.structure.master import keep_pages
from overens_docs._pdf.structure.source import ARRAY_LIMIT, TaggedPages, number_tree
from overens_docs._pdf.structure.tree import Tree

__all__ = ["ARRAY_LIMIT", "TaggedPages", "Tree", "keep_pages", "number_tree"]
