"""Pathway page and PDF summary of one case (placeholder until the pathway page lands)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def pathway_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Placeholder: the pathway page is not built yet."""
    return redirect("cases:list")


def pathway_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Placeholder: the PDF summary is not built yet."""
    return redirect("cases:list")
