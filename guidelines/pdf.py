"""PDFs laid out by WeasyPrint from the app's own static files only; the pathway summary is one."""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

from guidelines.pathway_view import PathwayView

# A base URL that can never resolve (.invalid is reserved): relative and /static/ links in
# the PDF template join onto it, and the fetcher maps exactly that prefix to files on disk.
PDF_BASE_URL = "https://pathway-pdf.invalid/"


def static_file_for(url: str) -> Path | None:
    """The file on disk behind a static URL of the PDF, or None for anything else."""
    prefix = urljoin(PDF_BASE_URL, settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    relative = unquote(urlsplit(url[len(prefix) :]).path)
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or "\\" in relative or ".." in parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    # Production serves hashed names (ManifestStaticFilesStorage) that only exist in STATIC_ROOT.
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


class StaticFilesOnlyFetcher(URLFetcher):
    """Serve the app's static files to WeasyPrint; refuse every other URL (no network, no file://)."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the static file behind `url`, or raise so that WeasyPrint skips the resource."""
        path = static_file_for(url)
        if path is None:
            raise ValueError(f"Only the app's static files may be loaded into a PDF, not {url!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def render_document(html: str) -> Document:
    """Lay out printable HTML: the page size setting, and static files as the only resources."""
    # The page size is a setting, so it is applied here rather than written into print.css.
    page_size = CSS(string=f"@page {{ size: {settings.PDF_PAGE_SIZE}; }}")
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesOnlyFetcher())
    return document.render(stylesheets=[page_size])


def pathway_pdf_html(view: PathwayView, request: HttpRequest | None = None) -> str:
    """The printable HTML of a case's pathway summary (templates/pathway/pdf.html)."""
    return render_to_string("pathway/pdf.html", {"view": view}, request=request)


def render_pathway_pdf(view: PathwayView, request: HttpRequest) -> bytes:
    """A case's pathway summary as PDF bytes."""
    # WeasyPrint is untyped; write_pdf() without a target returns the PDF as bytes.
    pdf: bytes = render_document(pathway_pdf_html(view, request)).write_pdf()
    return pdf
