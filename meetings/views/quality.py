"""The quality page, its CSV and its PDF: the board's figures for a period and a classification."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases import audit
from cases.models import AccessEvent
from cases.models.choices import Classification
from guidelines.pdf import render_document
from meetings.models import EARLIEST_MEETING, MEETING_HORIZON
from meetings.quality import (
    ALL_CLASSIFICATIONS,
    QualityFigures,
    QualityFilters,
    Share,
    default_filters,
    quality_figures,
)
from meetings.quality_charts import quality_charts
from nanets.spreadsheet import safe_cell
from nanets.users import person_name

PERMISSION = "meetings.view_quality"
CSV_HEADER = ["figure", "detail", "value", "of", "percent"]


class QualityForm(forms.Form):
    """The period (from, to: both days included) and the classification of the figures."""

    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(
        label="To (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    classification = forms.ChoiceField(
        label="Classification",
        required=False,
        choices=[(ALL_CLASSIFICATIONS, "All classifications"), *Classification.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            form_field.widget.attrs["class"] = "form-select" if name == "classification" else "form-control"

    def _in_window(self, name: str) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data[name]
        if day is None:
            return None
        if day < EARLIEST_MEETING.date():
            raise forms.ValidationError(f"{day} is before 2000, when no board met: check the year.")
        latest = timezone.localdate() + MEETING_HORIZON
        if day > latest:
            raise forms.ValidationError(
                f"{day} is more than two years ahead (after {latest}): check the year."
            )
        return day

    def clean_date_from(self) -> datetime.date | None:
        return self._in_window("date_from")

    def clean_date_to(self) -> datetime.date | None:
        return self._in_window("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", f"The end date ({end}) is before the start date ({start}).")
        return data

    def filters(self) -> QualityFilters:
        """The valid form's filters, the last twelve months for dates left empty."""
        default = default_filters()
        data = self.cleaned_data
        return QualityFilters(
            start=data.get("date_from") or default.start,
            end=data.get("date_to") or default.end,
            classification=data.get("classification") or ALL_CLASSIFICATIONS,
        )


def _form(request: HttpRequest) -> QualityForm:
    """The filter form of the request, the defaults shown when nothing was asked."""
    if request.GET:
        return QualityForm(request.GET)
    default = default_filters()
    return QualityForm(
        {"date_from": default.start, "date_to": default.end, "classification": ALL_CLASSIFICATIONS}
    )


def _record_listed(request: HttpRequest, figures: QualityFigures, action: str) -> None:
    """The figures name the cases they list: one read per patient listed (aggregates are no read)."""
    audit.record_patient_reads(
        user=request.user,
        action=action,
        pairs=[(listed.patient_id, listed.case_id) for listed in figures.listed_cases],
    )


def _errors_text(form: QualityForm) -> str:
    return "\n".join(
        f"{name}: {' '.join(str(error) for error in errors)}" for name, errors in form.errors.items()
    )


def _query(form: QualityForm) -> str:
    filters = form.filters()
    return f"date_from={filters.start}&date_to={filters.end}&classification={filters.classification}"


@never_cache
@permission_required(PERMISSION, raise_exception=True)
def quality(request: HttpRequest) -> HttpResponse:
    """The figures with their charts; invalid filters show the form with its messages (422)."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "meetings/quality.html", {"form": form}, status=422)
    figures = quality_figures(form.filters())
    _record_listed(request, figures, AccessEvent.Action.VIEW_QUALITY)
    context = {"form": form, "figures": figures, "charts": quality_charts(figures), "query": _query(form)}
    return render(request, "meetings/quality.html", context)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def csv_rows(figures: QualityFigures) -> list[list[Any]]:
    """The figures as CSV rows (figure, detail, value, of, percent) under CSV_HEADER."""
    filters = figures.filters
    follows = figures.follows_guideline
    deviations = Share(figures.deviations, follows.total)
    rows: list[list[Any]] = [
        ["period_from", "", filters.start.isoformat(), "", ""],
        ["period_to", "", filters.end.isoformat(), "", ""],
        ["classification", filters.classification_label, filters.classification, "", ""],
        ["cases_discussed", "", figures.cases_discussed, "", ""],
        ["decisions", "", figures.decisions, "", ""],
        ["follows_guideline", "", follows.count, follows.total, _percent(follows.percent)],
        ["deviations", "", deviations.count, deviations.total, _percent(deviations.percent)],
    ]
    rows += [
        [
            "deviation_reason",
            reason.label,
            reason.share.count,
            reason.share.total,
            _percent(reason.share.percent),
        ]
        for reason in figures.reasons
    ]
    rows.append(["first_discussed", "cases first discussed in the period", figures.first_discussed, "", ""])
    spread = figures.days_to_discussion
    if spread is not None:
        rows.append(["days_to_discussion", "cases with a pathology date", spread.count, "", ""])
        for name in ("minimum", "lower_quartile", "median", "upper_quartile", "maximum"):
            rows.append(["days_to_discussion", name, f"{getattr(spread, name):g}", "", ""])
    rows.append(
        [
            "without_pathology_date",
            "cases first discussed without one",
            len(figures.without_pathology),
            "",
            "",
        ]
    )
    rows += [
        ["without_pathology_date", f"case {listed.case_id}", listed.mrn, listed.patient_name, ""]
        for listed in figures.without_pathology
    ]
    rows.append(
        ["overdue_reviews", f"next review before {figures.today}", len(figures.overdue_reviews), "", ""]
    )
    rows += [
        [
            "overdue_review",
            f"case {listed.case_id}",
            listed.mrn,
            listed.patient_name,
            listed.on.isoformat() if listed.on else "",
        ]
        for listed in figures.overdue_reviews
    ]
    complete = figures.meetings_complete
    rows.append(["meetings", "meetings with a decision in the period", figures.meetings, "", ""])
    rows.append(
        [
            "meetings_with_pathology_and_radiology",
            "",
            complete.count,
            complete.total,
            _percent(complete.percent),
        ]
    )
    return rows


@never_cache
@permission_required(PERMISSION, raise_exception=True)
def quality_csv(request: HttpRequest) -> HttpResponse:
    """The figures as a CSV download, with the page's filters."""
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(_errors_text(form), status=422, content_type="text/plain; charset=utf-8")
    figures = quality_figures(form.filters())
    _record_listed(request, figures, AccessEvent.Action.EXPORT_QUALITY)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows([safe_cell(value) for value in row] for row in csv_rows(figures))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="quality-{figures.filters.start}-{figures.filters.end}.csv"'
    )
    return response


@never_cache
@permission_required(PERMISSION, raise_exception=True)
def quality_pdf(request: HttpRequest) -> HttpResponse:
    """The figures and charts as a printable PDF, with the page's filters."""
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(_errors_text(form), status=422, content_type="text/plain; charset=utf-8")
    figures = quality_figures(form.filters())
    html = render_to_string(
        "meetings/pdf/quality.html",
        {
            "figures": figures,
            "charts": quality_charts(figures),
            "generated_by": person_name(request.user),
            "generated_at": timezone.localtime(),
        },
        request=request,
    )
    # WeasyPrint is untyped; write_pdf() without a target returns the PDF as bytes.
    content: bytes = render_document(html).write_pdf()
    _record_listed(request, figures, AccessEvent.Action.EXPORT_QUALITY)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="quality-{figures.filters.start}-{figures.filters.end}.pdf"'
    )
    return response
