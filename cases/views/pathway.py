"""Pathway page and printable PDF summary of one case, both built from cases.pathway_context."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from cases.discussion import changed_since_discussion
from cases.models import AccessEvent
from cases.pathway_context import pathway_context
from cases.pdf import render_pathway_pdf
from cases.services import log_access


@never_cache  # patient data: browsers and proxies must not keep a copy
@permission_required("cases.view_case", raise_exception=True)
def pathway_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the case's pathway: classification, options, workup, follow-up and pictures."""
    context = pathway_context(pk, request.user)
    log_access(user=request.user, case=context["case"], action=AccessEvent.Action.VIEW_PATHWAY)
    context["changed_since_discussion"] = changed_since_discussion(context["case"])
    return render(request, "pathway/page.html", context)


@never_cache
@permission_required("cases.view_case", raise_exception=True)
def pathway_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same pathway as a PDF; ?download=1 saves it instead of opening it in the browser."""
    context = pathway_context(pk, request.user)
    log_access(user=request.user, case=context["case"], action=AccessEvent.Action.DOWNLOAD_PDF)
    response = HttpResponse(render_pathway_pdf(context, request), content_type="application/pdf")
    as_attachment = request.GET.get("download") == "1"
    response["Content-Disposition"] = content_disposition_header(as_attachment, context["pdf_filename"])
    return response
