"""Tagged PDFs merged into one (pikepdf, on qpdf): one structure tree, one outline, one footer throughout.

Each part is a PDF/UA-1 document of WeasyPrint's, laid out without its footer. The merge keeps what a
screen reader needs: every part's structure tree becomes a Part under one Document, the parent tree
that maps the pages' marked content to it is renumbered into one, and the catalog says the file is
tagged, in which language, under which title. The footer (confidentiality, who generated it, the
versions, "Page X of Y" through the whole file) is laid out for all pages at once
(guidelines.pdf.render_footer) and drawn over each page as a pagination artifact, so a part can be
rendered once and reused in any position of any packet.

qpdf rather than pypdf: a 30-case packet is some 60,000 objects, which pypdf parses in pure Python
(about 0.2 s per summary, measured here) and qpdf in C++ (docs/performance.md).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf

# The name of the footer's form XObject in each page's resources (no part of WeasyPrint's uses it).
FOOTER_XOBJECT = Name("/NanetsFooter")
# Marked as a pagination artifact: assistive technology skips it, as it skips WeasyPrint's own footers.
FOOTER_DRAWING = b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q /NanetsFooter Do Q EMC\n"


@dataclass(frozen=True)
class MergePart:
    """A tagged PDF to merge, the bookmark it gets, and the class its pages' footer is laid out with."""

    pdf: bytes
    bookmark: str
    # A class of print.css that puts a page on its own named page (board sheets: "sh-page", narrower
    # margins), so that the footer drawn over the part sits where the part's own margins put it.
    page_class: str = ""


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF."""
    with Pdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def merge_tagged(
    parts: Sequence[MergePart],
    *,
    title: str,
    author: str,
    footer: Callable[[list[str]], bytes],
    lang: str = "en",
) -> bytes:
    """The parts as one tagged PDF, with the footer (and "Page X of Y") on every page.

    footer(page_classes) gives the footer's pages, one per merged page (guidelines.pdf.render_footer).
    """
    sources = [Pdf.open(io.BytesIO(part.pdf)) for part in parts]
    try:
        merged = Pdf.new()
        tree_root = merged.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = merged.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=tree_root))
        # pikepdf's objects are typed loosely (Object); these are arrays of the structure tree.
        kids: Any = Array()
        parent_tree: Any = Array()
        next_key = 0
        page_classes: list[str] = []
        with merged.open_outline() as outline:
            for part, source in zip(parts, sources, strict=True):
                first_page = len(merged.pages)
                merged.pages.extend(source.pages)
                page_classes += [part.page_class] * len(source.pages)
                # After the pages: qpdf maps the elements' /Pg to the pages it has just copied.
                element, entries = _part_structure(merged, source, part.bookmark, parent=document)
                kids.append(element)
                offset = next_key
                for key, value in entries:
                    parent_tree.extend([key + offset, value])
                    next_key = max(next_key, key + offset + 1)
                for page in merged.pages[first_page:]:
                    _renumber(page.obj, Name.StructParents, offset)
                    for annotation in page.obj.get(Name.Annots, Array()):
                        _renumber(annotation, Name.StructParent, offset)
                bookmark = OutlineItem(part.bookmark, first_page)
                bookmark.children.extend(_outline_of(source, first_page))
                outline.root.append(bookmark)
        document.K = kids
        tree_root.K = Array([document])
        tree_root.ParentTree = Dictionary(Nums=parent_tree)
        tree_root.ParentTreeNextKey = next_key
        _stamp_footer(merged, footer(page_classes))
        _describe(merged, title=title, author=author, lang=lang, tree_root=tree_root)
        out = io.BytesIO()
        merged.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
    finally:
        for source in sources:
            source.close()


def _part_structure(
    merged: Pdf, source: Pdf, bookmark: str, *, parent: Dictionary
) -> tuple[Dictionary, list[tuple[int, Any]]]:
    """A part's structure tree copied as a Part element under `parent`, and its parent tree's entries."""
    element: Any = merged.copy_foreign(source.Root.StructTreeRoot)
    entries = list(_number_tree(element.get(Name.ParentTree)))
    for key in (Name.ParentTree, Name.ParentTreeNextKey, Name.IDTree):
        if key in element:
            del element[key]
    # The part's own root becomes the Part; its Document elements become sections of it.
    element.Type = Name.StructElem
    element.S = Name.Part
    element.P = parent
    element.T = pikepdf.String(bookmark)
    kids = element.get(Name.K)
    for kid in kids if isinstance(kids, Array) else [kids] if kids is not None else []:
        if isinstance(kid, Dictionary) and kid.get(Name.S) == Name.Document:
            kid.S = Name.Sect
    return element, entries


def _number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    """The (key, value) pairs of a PDF number tree, leaves and kids alike."""
    if node is None:
        return
    numbers = node.get(Name.Nums, Array())
    for index in range(0, len(numbers) - 1, 2):
        yield int(numbers[index]), numbers[index + 1]
    for kid in node.get(Name.Kids, Array()):
        yield from _number_tree(kid)


def _renumber(obj: Any, key: Name, offset: int) -> None:
    """Shift a page's /StructParents or an annotation's /StructParent into the merged parent tree."""
    if key in obj:
        obj[key] = int(obj[key]) + offset


def _outline_of(source: Pdf, first_page: int) -> list[OutlineItem]:
    """The part's own bookmarks (its headings), pointing at their pages in the merged file."""
    pages: dict[Any, int] = {page.obj.objgen: number for number, page in enumerate(source.pages)}

    def copy(item: OutlineItem) -> OutlineItem | None:
        destination: Any = item.destination
        if isinstance(destination, Array) and len(destination) and isinstance(destination[0], Dictionary):
            number = pages.get(destination[0].objgen)
        else:
            number = None
        if number is None:
            return None
        top = destination[3] if len(destination) > 3 and destination[1] == Name.XYZ else None
        kept = OutlineItem(item.title, first_page + number, "XYZ" if top is not None else "Fit", top=top)
        kept.children.extend(child for child in map(copy, item.children) if child is not None)
        return kept

    with source.open_outline() as outline:
        roots = list(outline.root)
    # A part headed by one title (the patient's name) has its sections under it: they go directly
    # under the part's own bookmark, which names the patient already.
    top = roots[0].children if len(roots) == 1 else roots
    return [item for item in map(copy, top) if item is not None]


def _stamp_footer(merged: Pdf, footer_pdf: bytes) -> None:
    """Draw each page of the laid-out footer over the merged page of the same number."""
    with Pdf.open(io.BytesIO(footer_pdf)) as footer:
        if len(footer.pages) != len(merged.pages):
            raise ValueError(f"The footer has {len(footer.pages)} pages for {len(merged.pages)} pages")
        # The page's own drawing is wrapped in q ... Q so that its transformations do not move the footer.
        save_state = merged.make_stream(b"q\n")
        draw_footer = merged.make_stream(FOOTER_DRAWING)
        for page, footer_page in zip(merged.pages, footer.pages, strict=True):
            form = merged.copy_foreign(footer_page.as_form_xobject())
            # Copies, not edits: a resources dictionary may be shared by several pages.
            page_object: Any = page.obj
            resources = Dictionary(page_object.Resources)
            existing: Any = resources.get(Name.XObject) or Dictionary()
            xobjects = Dictionary(existing)
            xobjects[FOOTER_XOBJECT] = form
            resources.XObject = xobjects
            page_object.Resources = resources
            contents = page_object.get(Name.Contents)
            drawn = (
                list(contents) if isinstance(contents, Array) else [contents] if contents is not None else []
            )
            page_object.Contents = Array([save_state, *drawn, draw_footer])


def _describe(merged: Pdf, *, title: str, author: str, lang: str, tree_root: Dictionary) -> None:
    """What PDF/UA-1 asks of the catalog: tagged, the language, the title shown, the XMP identification."""
    merged.Root.StructTreeRoot = tree_root
    merged.Root.MarkInfo = Dictionary(Marked=True)
    merged.Root.Lang = pikepdf.String(lang)
    merged.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    merged.docinfo[Name.Title] = title
    merged.docinfo[Name.Author] = author
    with merged.open_metadata(set_pikepdf_as_editor=False) as metadata:
        metadata["dc:title"] = title
        metadata["dc:creator"] = [author]
        metadata["pdfuaid:part"] = "1"
