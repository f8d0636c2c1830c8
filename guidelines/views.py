"""Pathway page and printable PDF summary of one case, both rendered from one PathwayView."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from cases.discussion import changed_since_discussion
from cases.models import AccessEvent
from cases.services import log_access
from guidelines.pathway_view import PathwayView, pathway_case, pathway_view
from guidelines.pdf import render_pathway_pdf
from guidelines.sheet import PAPER_SIZES, board_question_for, render_sheet_pdf, sheet_filename, sheet_view


def _view_for(request: HttpRequest, pk: int) -> PathwayView:
    return pathway_view(
        pathway_case(pk), user=request.user, today=timezone.localdate(), now=timezone.localtime()
    )


def _pdf_response(content: bytes, filename: str, request: HttpRequest) -> HttpResponse:
    """A PDF response; ?download=1 saves it instead of opening it in the browser."""
    response = HttpResponse(content, content_type="application/pdf")
    as_attachment = request.GET.get("download") == "1"
    disposition = content_disposition_header(as_attachment, filename)
    if disposition is not None:  # None only for an inline file without a name; the PDF always has one
        response["Content-Disposition"] = disposition
    return response


@never_cache  # patient data: browsers and proxies must not keep a copy
@permission_required("cases.view_case", raise_exception=True)
def pathway_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the case's pathway: classification, options, workup, follow-up and pictures."""
    view = _view_for(request, pk)
    log_access(user=request.user, case=view.case, action=AccessEvent.Action.VIEW_PATHWAY)
    changed = changed_since_discussion(view.case)
    return render(request, "pathway/page.html", {"view": view, "changed_since_discussion": changed})


@never_cache
@permission_required("cases.view_case", raise_exception=True)
def pathway_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same pathway as a PDF; ?download=1 saves it instead of opening it in the browser."""
    view = _view_for(request, pk)
    log_access(user=request.user, case=view.case, action=AccessEvent.Action.DOWNLOAD_PDF)
    return _pdf_response(render_pathway_pdf(view, request), view.pdf_filename, request)


@never_cache
@permission_required("cases.view_case", raise_exception=True)
def sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-page board sheet; ?paper=a4 or ?paper=letter overrides the PDF_PAGE_SIZE setting."""
    paper = request.GET.get("paper", "").lower()
    if paper and paper not in PAPER_SIZES:
        return HttpResponseBadRequest(f"paper must be one of: {', '.join(PAPER_SIZES)}")
    case = pathway_case(pk)
    view = pathway_view(
        case,
        user=request.user,
        today=timezone.localdate(),
        now=timezone.localtime(),
        board_question=board_question_for(case),
    )
    log_access(user=request.user, case=view.case, action=AccessEvent.Action.DOWNLOAD_SHEET)
    return _pdf_response(render_sheet_pdf(sheet_view(view), paper=paper), sheet_filename(view), request)
