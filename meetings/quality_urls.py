"""URL routes of the board's quality figures: the page, its CSV and its PDF."""

from django.urls import path

from meetings.views import quality

app_name = "quality"

urlpatterns = [
    path("", quality.quality, name="page"),
    path("quality.csv", quality.quality_csv, name="csv"),
    path("quality.pdf", quality.quality_pdf, name="pdf"),
]
