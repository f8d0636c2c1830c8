"""URL routes of a case's pathway page, PDF and board sheet (under /cases/, beside the record's routes)."""

from django.urls import path

from guidelines import views

app_name = "guidelines"

urlpatterns = [
    path("<int:pk>/pathway/", views.pathway_page, name="pathway"),
    path("<int:pk>/pathway.pdf", views.pathway_pdf, name="pathway_pdf"),
    path("<int:pk>/sheet.pdf", views.sheet_pdf, name="sheet_pdf"),
]
