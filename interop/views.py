"""Exchange on the pages: a case's FHIR Bundle, a Bundle uploaded as a new draft case, the cohort CSV."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cases import audit, services
from cases.models import AccessEvent, Case
from cases.views.case_list import list_params, worklist_cases
from interop.cohort import cohort_csv, cohort_rows
from interop.fhir.export import export_bundles
from interop.fhir.import_ import import_bundle_file
from interop.fhir.reading import BundleRefused
from interop.forms import BundleUploadForm
from interop.models import FhirImport

IMPORT_TEMPLATE = "interop/import_fhir.html"
# The FHIR media type of JSON resources (FHIR R4, http.html#mime-type).
FHIR_JSON = "application/fhir+json"


@never_cache  # patient data: browsers and proxies must not keep a copy
@permission_required("cases.view_case", raise_exception=True)
@require_GET
def fhir_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The case as a FHIR collection Bundle (mCODE STU3), as a file to save; the read is recorded."""
    get_object_or_404(Case, pk=pk)
    (bundle,) = export_bundles(user=request.user, cases=Case.objects.filter(pk=pk))
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False, indent=2), content_type=FHIR_JSON)
    response["Content-Disposition"] = f'attachment; filename="case-{pk}-fhir.json"'
    return response


@never_cache
@permission_required("cases.add_case", raise_exception=True)
@require_http_methods(["GET", "POST"])
def fhir_import(request: HttpRequest) -> HttpResponse:
    """Upload a Bundle: a new draft case, or the problems that refused it (nothing saved)."""
    if request.method != "POST":
        return render(request, IMPORT_TEMPLATE, {"form": BundleUploadForm()})
    form = BundleUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, IMPORT_TEMPLATE, {"form": form}, status=422)
    try:
        result = import_bundle_file(
            form.cleaned_data["bundle"].read(),
            user=request.user,  # type: ignore[arg-type]  # login required: never anonymous here
            another_case_for_patient=form.cleaned_data["another_case_for_patient"],
        )
    except BundleRefused as refused:
        context = {"form": form, "problems": refused.problems}
        return render(request, IMPORT_TEMPLATE, context, status=422)
    except services.KnownPatient as known:
        services.show_known_patient(user=request.user, known=known)
        return render(request, IMPORT_TEMPLATE, {"form": form, "known_patient": known}, status=409)
    return redirect("interop:import_result", pk=result.fhir_import.pk)


@never_cache
@permission_required("cases.view_case", raise_exception=True)
@require_GET
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    """What an import prefilled (with links to the workup steps) and what did not map."""
    record = get_object_or_404(FhirImport.objects.select_related("case__patient"), pk=pk)
    services.log_access(user=request.user, case=record.case, action=AccessEvent.Action.VIEW_CASE)
    return render(request, "interop/import_result.html", {"fhir_import": record, "case": record.case})


@never_cache  # patient data: browsers and proxies must not keep a copy
@permission_required("cases.export_cohort", raise_exception=True)
@require_GET
def cohort_export(request: HttpRequest) -> StreamingHttpResponse:
    """The cases of the case list's tab, search and filters as a CSV file; every case exported is recorded."""
    exported = cohort_rows(worklist_cases(list_params(request), user=request.user))
    audit.record_reads(
        user=request.user, action=AccessEvent.Action.EXPORT_COHORT, cases=[case for case, _ in exported]
    )
    response = StreamingHttpResponse(
        cohort_csv(row for _, row in exported), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cohort.csv"'
    return response
