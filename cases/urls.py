"""URL routes for tumor board cases."""

from django.urls import path

from cases.views import case_list, pathway

app_name = "cases"

urlpatterns = [
    path("", case_list.case_list, name="list"),
    path("<int:pk>/pathway/", pathway.pathway_page, name="pathway"),
    path("<int:pk>/pathway.pdf", pathway.pathway_pdf, name="pathway_pdf"),
]
