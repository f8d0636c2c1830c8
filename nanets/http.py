"""The request the app's views receive: Django's, with what django-htmx's middleware adds."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request past django_htmx.middleware.HtmxMiddleware (in every request's MIDDLEWARE)."""

    htmx: HtmxDetails
