"""The start page: the case list, or the access report for the privacy officer."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its first page (after login, and at /)."""
    if not request.user.has_perm("cases.view_case") and request.user.has_perm("cases.view_accessevent"):
        return redirect("cases:access_report")
    return redirect("cases:list")
