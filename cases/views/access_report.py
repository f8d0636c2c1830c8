"""The privacy officer's access report: who read whose record, per patient or per user, between two dates."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from axes.models import AccessLog
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases import audit
from cases.models import AccessEvent, Patient, SearchEvent
from nanets.spreadsheet import safe_cell

# The page shows the newest rows; the CSV holds every row of the report.
SHOWN_ROWS = 500
CSV_HEADER = ["at (UTC)", "user", "action", "action label", "patient MRN", "patient", "case"]


class AccessReportForm(forms.Form):
    """Whose reads (patient MRN, user name or both), between which dates, and a search term to check."""

    mrn = forms.CharField(label="Patient MRN", max_length=32, required=False)
    username = forms.CharField(label="User name", max_length=150, required=False)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(
        label="To (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    term = forms.CharField(
        label="Search term to check",
        max_length=200,
        required=False,
        help_text="Searches are kept as digests: type a name to see who searched for it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean_mrn(self) -> Patient | None:
        mrn = self.cleaned_data["mrn"].strip()
        if not mrn:
            return None
        patient = Patient.objects.filter(mrn=mrn).first()
        if patient is None:
            raise forms.ValidationError("No patient has this MRN.")
        return patient

    def clean_username(self) -> Any:
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError("No user has this user name.")
        return user

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not (data.get("mrn") or data.get("username") or data.get("term", "").strip()):
            raise forms.ValidationError("Give a patient's MRN, a user name or a search term.")
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data


def _bounds(data: dict[str, Any]) -> dict[str, datetime]:
    """The report's dates as a half-open range of aware datetimes (the "to" day included)."""
    bounds = {}
    if data.get("date_from"):
        bounds["at__gte"] = timezone.make_aware(datetime.combine(data["date_from"], time.min))
    if data.get("date_to") and data["date_to"] < date.max:
        # The last day (date.max) has no next day: then the range is open at the end.
        bounds["at__lt"] = timezone.make_aware(
            datetime.combine(data["date_to"] + timedelta(days=1), time.min)
        )
    return bounds


def report_events(data: dict[str, Any]) -> QuerySet[AccessEvent]:
    """The access events of the report (a patient, a user or both), newest first, with patient and user."""
    if not (data.get("mrn") or data.get("username")):
        # A term-only report is about searches: without this it would list every read of every patient.
        return AccessEvent.objects.none()
    events = AccessEvent.objects.select_related("patient", "user").filter(**_bounds(data))
    if data.get("mrn"):
        events = events.filter(patient=data["mrn"])
    if data.get("username"):
        events = events.filter(user=data["username"])
    return events


def report_searches(data: dict[str, Any]) -> QuerySet[SearchEvent]:
    """The searches of the report: the user's, or anyone's for the given term."""
    if not (data.get("username") or data.get("term", "").strip()):
        return SearchEvent.objects.none()
    searches = SearchEvent.objects.select_related("user").filter(**_bounds(data))
    if data.get("username"):
        searches = searches.filter(user=data["username"])
    if data.get("term", "").strip():
        searches = searches.filter(term_digest=audit.term_digest(data["term"]))
    return searches


def report_logins(data: dict[str, Any]) -> QuerySet[AccessLog]:
    """The user's logins and logouts (django-axes' access log)."""
    # django-axes has no type hints: the annotation says what its manager returns.
    logins: QuerySet[AccessLog]
    if not data.get("username"):
        logins = AccessLog.objects.none()
        return logins
    bounds = {key.replace("at__", "attempt_time__"): value for key, value in _bounds(data).items()}
    logins = AccessLog.objects.filter(username=data["username"].get_username(), **bounds).order_by(
        "-attempt_time"
    )
    return logins


def _csv_rows(events: QuerySet[AccessEvent]) -> Iterator[str]:
    class Line:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Line())
    yield writer.writerow(CSV_HEADER)
    for event in events.iterator(chunk_size=2000):
        patient = event.patient
        yield writer.writerow(
            [
                safe_cell(event.at.astimezone(UTC).isoformat()),
                safe_cell(event.user.get_username() if event.user else ""),
                safe_cell(event.action),
                safe_cell(event.get_action_display()),
                safe_cell(patient.mrn),
                safe_cell(f"{patient.family_name.upper()}, {patient.given_name}"),
                safe_cell(event.case_id or ""),
            ]
        )


def _record_officer_reads(request: HttpRequest, patient_ids: Iterable[int]) -> None:
    """The report names patients: the privacy officer's own reads are in the trail too, one per patient."""
    pairs = [(patient_id, None) for patient_id in sorted(patient_ids)]
    audit.record_patient_reads(user=request.user, action=AccessEvent.Action.AUDIT_REPORT, pairs=pairs)


@never_cache
@permission_required("cases.view_accessevent", raise_exception=True)
def access_report(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The report on the page (newest rows), or ?format=csv for every row as a download."""
    form = AccessReportForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "shown_rows": SHOWN_ROWS}
    if not form.is_bound or not form.is_valid():
        return render(request, "cases/access_report.html", context, status=422 if form.is_bound else 200)
    data = form.cleaned_data
    events = report_events(data)
    if request.GET.get("format") == "csv":
        # The download names patients as the page does: the officer's own reads are in the trail,
        # after the rows it holds (it streams, so the events are read only after this write).
        newest = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        events = events.filter(pk__lte=newest)
        _record_officer_reads(request, events.order_by().values_list("patient_id", flat=True).distinct())
        response = StreamingHttpResponse(_csv_rows(events), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="access-report.csv"'
        return response
    rows = list(events[:SHOWN_ROWS])
    _record_officer_reads(request, {event.patient_id for event in rows})
    context.update(
        {
            "report": True,
            "events": rows,
            "searches": list(report_searches(data)[:SHOWN_ROWS]),
            "logins": list(report_logins(data)[:SHOWN_ROWS]),
            "patient": data.get("mrn"),
            "subject_user": data.get("username"),
            "csv_query": request.GET.urlencode() + "&format=csv",
        }
    )
    return render(request, "cases/access_report.html", context)
