"""Views for tumor board cases."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def case_list(request: HttpRequest) -> HttpResponse:
    """Show the cases for the tumor board; an empty state until the case model exists."""
    return render(request, "cases/case_list.html", {"cases": []})
