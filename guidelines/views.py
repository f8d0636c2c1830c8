"""Pathway page and printable PDF summary of one case, both rendered from one PathwayView."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from cases.discussion import changed_since_discussion
from cases.models import AccessEvent
from cases.services import log_access
from guidelines.pathway_view import PathwayView, pathway_case, pathway_view
from guidelines.pdf import render_pathway_pdf


def _view_for(request: HttpRequest, pk: int) -> PathwayView:
    return pathway_view(
        pathway_case(pk), user=request.user, today=timezone.localdate(), now=timezone.localtime()
    )


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
    response = HttpResponse(render_pathway_pdf(view, request), content_type="application/pdf")
    as_attachment = request.GET.get("download") == "1"
    disposition = content_disposition_header(as_attachment, view.pdf_filename)
    if disposition is not None:  # None only for an inline file without a name; the PDF always has one
        response["Content-Disposition"] = disposition
    return response
