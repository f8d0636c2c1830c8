"""Tagged PDFs merged into one: one structure tree whose parent tree matches every page, one outline,
and the footer with "Page X of Y" through the whole file."""

import io

import pikepdf
import pytest
from pypdf import PdfReader

from guidelines.pdf import CONFIDENTIAL, pdf_bytes, render_document, render_footer
from guidelines.pdf_merge import MergePart, merge_tagged, page_count


def part(heading: str, pages: int) -> bytes:
    """A tagged PDF of `pages` pages, each with a heading and a paragraph, without its footer."""
    body = "".join(
        f'<h1 style="break-before: page">{heading} {number}</h1><p>Text of {heading} {number}</p>'
        for number in range(1, pages + 1)
    )
    html = f'<html lang="en"><head><title>{heading}</title></head><body>{body}</body></html>'
    return pdf_bytes(render_document(html, footer=False))


def footer(page_classes: list[str]) -> bytes:
    return render_footer(page_classes, generated="Merge test packet")


@pytest.fixture(scope="module")
def merged() -> bytes:
    return merge_tagged(
        [
            MergePart(part("Cover", 1), "Cover"),
            MergePart(part("Alpha", 2), "1. Alpha"),
            MergePart(part("Beta", 3), "2. Beta"),
        ],
        title="Merged packet",
        author="Test author",
        footer=footer,
    )


def page_texts(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_a_part_rendered_for_merging_has_no_footer_of_its_own():
    text = page_texts(part("Alone", 1))[0]
    assert CONFIDENTIAL not in text and "Page 1" not in text


def test_every_page_carries_the_footer_counting_through_the_whole_file(merged):
    texts = page_texts(merged)
    assert len(texts) == page_count(merged) == 6
    for number, text in enumerate(texts, 1):
        assert CONFIDENTIAL in text and "Merge test packet" in text and f"Page {number} of 6" in text
    assert [text.split(" Text of")[0].split()[-2:] for text in texts][1:3] == [["Alpha", "1"], ["Alpha", "2"]]


def test_the_footer_is_a_pagination_artifact_drawn_over_each_page(merged):
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        for page in pdf.pages:
            contents = page.obj.Contents
            assert isinstance(contents, pikepdf.Array) and len(contents) == 3
            assert contents[0].read_bytes() == b"q\n"
            assert b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC" in contents[-1].read_bytes()
            assert "/NanetsFooter" in page.obj.Resources.XObject


def test_one_structure_tree_holds_each_part_and_its_parent_tree_matches_every_page(merged):
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        assert pdf.Root.MarkInfo.Marked and str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        tree = pdf.Root.StructTreeRoot
        (document,) = tree.K
        assert document.S == pikepdf.Name.Document and document.P.objgen == tree.objgen
        assert [str(kid.T) for kid in document.K] == ["Cover", "1. Alpha", "2. Beta"]
        assert all(kid.S == pikepdf.Name.Part and kid.P.objgen == document.objgen for kid in document.K)
        numbers = tree.ParentTree.Nums
        entries = {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers), 2)}
        keys = [int(page.obj.StructParents) for page in pdf.pages]
        assert len(set(keys)) == len(keys) == 6 and int(tree.ParentTreeNextKey) == max(entries) + 1
        for page, key in zip(pdf.pages, keys, strict=True):
            marked = [element for element in entries[key] if isinstance(element, pikepdf.Dictionary)]
            assert marked and all(element.Pg.objgen == page.obj.objgen for element in marked)
            # Each element reaches the merged document through its parents.
            element = marked[0]
            while element.get("/Type") != pikepdf.Name.StructTreeRoot:
                element = element.P
            assert element.objgen == tree.objgen
        with pdf.open_metadata() as metadata:
            assert metadata["pdfuaid:part"] == "1" and metadata["dc:title"] == "Merged packet"
        assert str(pdf.docinfo.Title) == "Merged packet" and str(pdf.docinfo.Author) == "Test author"


def test_each_part_has_a_bookmark_at_its_first_page_with_its_headings_under_it(merged):
    reader = PdfReader(io.BytesIO(merged))
    top = [entry for entry in reader.outline if not isinstance(entry, list)]
    assert [(entry.title, reader.get_destination_page_number(entry)) for entry in top] == [
        ("Cover", 0),
        ("1. Alpha", 1),
        ("2. Beta", 3),
    ]
    beta = reader.outline[reader.outline.index(top[2]) + 1]
    assert [(entry.title, reader.get_destination_page_number(entry)) for entry in beta] == [
        ("Beta 1", 3),
        ("Beta 2", 4),
        ("Beta 3", 5),
    ]


def test_a_footer_of_another_length_is_refused():
    with pytest.raises(ValueError, match="2 pages for 1 pages"):
        merge_tagged(
            [MergePart(part("One", 1), "One")], title="T", author="A", footer=lambda classes: footer(["", ""])
        )
