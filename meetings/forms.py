"""Forms of the meetings pages: labelled, validated by the models' own rules, saved by meetings.services."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from cases.forms import ClinicianChoiceField, VersionedForm, responsible_clinicians
from cases.models import Case
from meetings.decisions import PathwayOption
from meetings.models import (
    MAX_EXPECTED_MINUTES,
    AgendaItem,
    Attendee,
    Decision,
    DeviationReason,
    Meeting,
)

YES_NO = (("yes", "Yes — follows the guideline"), ("no", "No — deviates from the guideline"))


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker (local time)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(VersionedForm[Meeting]):
    """When and where the board meets."""

    video_link = forms.URLField(
        label="Video link",
        required=False,
        assume_scheme="https",
        help_text=Meeting._meta.get_field("video_link").help_text,
    )

    class Meta:
        model = Meeting
        fields = ["board_name", "starts_at", "location", "video_link"]
        widgets = {"starts_at": DateTimeInput()}
        labels = {"board_name": "Board name"}


class AttendeeForm(forms.ModelForm[Attendee]):
    """One person and their specialty."""

    class Meta:
        model = Attendee
        fields = ["name", "specialty"]


class CaseChoiceField(forms.ModelChoiceField[Case]):
    """A choice of cases, each named as the agenda names it."""

    def label_from_instance(self, obj: Case) -> str:
        return case_label(obj)


class AddCaseForm(forms.Form):
    """Pick a case that is ready for the board and not yet on this agenda."""

    case = CaseChoiceField(
        queryset=Case.objects.none(), label="Case ready for the board", empty_label="Choose a case…"
    )
    expected_minutes = forms.IntegerField(
        min_value=1, max_value=MAX_EXPECTED_MINUTES, initial=5, label="Expected minutes"
    )

    def __init__(self, *args: Any, ready_cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds copies of the fields declared above, typed only as fields.
        cast(CaseChoiceField, self.fields["case"]).queryset = ready_cases


def case_label(case: Case) -> str:
    """ "DEMOPATIENT, Alpha (DEMO-0001) · Pancreas" for the agenda's case picker."""
    patient = case.patient
    name = f"{patient.family_name.upper()}, {patient.given_name}"
    return f"{name} ({patient.mrn}) · {case.get_primary_site_display()}"


class AgendaItemForm(VersionedForm[AgendaItem]):
    """The question for the board and the minutes a case is expected to take."""

    class Meta:
        model = AgendaItem
        fields = ["board_question", "expected_minutes"]
        widgets = {"board_question": forms.Textarea(attrs={"rows": 2})}


class MoveForm(forms.Form):
    """Move an agenda item one step (up/down buttons) or to a position."""

    direction = forms.ChoiceField(choices=(("up", "Up"), ("down", "Down")), required=False)
    position = forms.IntegerField(min_value=1, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("direction") and not data.get("position"):
            raise forms.ValidationError("Say where to move the case.")
        return data


# A board review date beyond this is a typing slip (9999), not a plan.
NEXT_REVIEW_HORIZON = datetime.timedelta(days=5 * 366)


class DecisionForm(VersionedForm[Decision]):
    """The board's decision: pathway option and/or free text, guideline adherence, who, next review."""

    option = forms.ChoiceField(label="Pathway option", required=False, widget=forms.RadioSelect)
    follows = forms.ChoiceField(
        label="Does the plan follow the guideline?", choices=YES_NO, widget=forms.RadioSelect
    )

    class Meta:
        model = Decision
        fields = ["plan", "deviation_reason", "deviation_detail", "responsible_clinician", "next_review_on"]
        widgets = {
            "plan": forms.Textarea(attrs={"rows": 3}),
            "deviation_detail": forms.Textarea(attrs={"rows": 2}),
            "next_review_on": DateInput(),
        }
        labels = {"plan": "Plan (details, or a plan outside the options)"}
        field_classes = {"responsible_clinician": ClinicianChoiceField}

    def __init__(
        self, *args: Any, options: list[PathwayOption], meeting_day: datetime.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.options = {option.code: option for option in options}
        self.meeting_day = meeting_day
        decision = self.instance
        if decision.pk and decision.option_code and decision.option_code not in self.options:
            # The engine no longer offers the recorded option; keep it choosable so an edit does not drop it.
            self.options[decision.option_code] = PathwayOption(
                decision.option_code,
                decision.option_text,
                decision.option_status,
                decision.option_strength,
                "Recorded earlier",
            )
        # self.fields holds copies of the form's fields, typed only as fields.
        cast(forms.ChoiceField, self.fields["option"]).choices = [("", "None of these: the plan below")] + [
            (code, option.text) for code, option in self.options.items()
        ]
        cast(ClinicianChoiceField, self.fields["responsible_clinician"]).queryset = responsible_clinicians(
            current=decision.responsible_clinician_id
        )
        deviation_reason = cast(forms.ChoiceField, self.fields["deviation_reason"])
        deviation_reason.required = False
        deviation_reason.choices = [("", "Choose a reason…"), *DeviationReason.choices]
        if decision.pk:
            self.initial.setdefault("option", decision.option_code)
            self.initial.setdefault("follows", "yes" if decision.follows_guideline else "no")
        # Shown only when relevant (static/js/app.js); without JavaScript every field stays visible.
        self.fields["deviation_reason"].widget.attrs.update(
            {"data-show-when": "follows=no", "data-field-name": "deviation_reason"}
        )
        self.fields["deviation_detail"].widget.attrs.update(
            {"data-show-when": "deviation_reason=other", "data-field-name": "deviation_detail"}
        )

    def clean_next_review_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["next_review_on"]
        if day < self.meeting_day:
            raise forms.ValidationError("The next review cannot be before the meeting.")
        if day > self.meeting_day + NEXT_REVIEW_HORIZON:
            raise forms.ValidationError("The next review is over five years after the meeting: check it.")
        return day

    def clean(self) -> dict[str, Any]:
        # The model's clean(), run after this, holds the rules (a plan, a coded reason for a deviation,
        # words for "other"); it needs follows_guideline and option_code, which this form asks differently.
        super().clean()
        follows = self.cleaned_data.get("follows") != "no"
        if follows:
            # Following the guideline leaves nothing to explain: drop what hidden fields may still hold.
            self.cleaned_data["deviation_reason"] = ""
            self.cleaned_data["deviation_detail"] = ""
        self.instance.follows_guideline = follows
        self.instance.option_code = self.cleaned_data.get("option") or ""
        return self.cleaned_data

    @property
    def chosen_option(self) -> PathwayOption | None:
        """The pathway option picked, if any."""
        return self.options.get(self.cleaned_data.get("option") or "")

    def option_rows(self) -> list[tuple[Any, PathwayOption | None]]:
        """Each radio button with its option (for the status and vote shown next to it)."""
        return [(radio, self.options.get(radio.data["value"])) for radio in self["option"]]
