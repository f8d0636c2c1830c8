"""URL routes of the exchange: FHIR and the cohort CSV (under /cases/, beside the case pages)."""

from django.urls import path

from interop import views

app_name = "interop"

urlpatterns = [
    path("<int:pk>/fhir.json", views.fhir_export, name="export"),
    path("new/fhir/", views.fhir_import, name="import"),
    path("fhir-imports/<int:pk>/", views.import_result, name="import_result"),
    path("cohort.csv", views.cohort_export, name="cohort_export"),
]
