"""Forms of the guided workup: one per step, labelled, validated by the models' own rules."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeVar, cast

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.forms import BaseModelFormSet, CheckboxInput, modelformset_factory
from django.http import QueryDict

from cases import roles
from cases.models import (
    Authored,
    Case,
    CaseComment,
    ClinicalStatus,
    Finding,
    ImagingStudy,
    MolecularResult,
    PathologyReport,
    Patient,
    Resection,
    StagingAssessment,
    TreatmentLine,
)
from cases.models.choices import GYNECOLOGIC_SITES, MetastaticSite
from nanets.users import person_name

if TYPE_CHECKING:
    # The model of AUTH_USER_MODEL, as django-stubs resolves it; get_user_model() at run time.
    from django.contrib.auth.models import User as Account

# The record an edit form of the record loads and saves.
_Record = TypeVar("_Record", bound=Authored)


def entered_fields(model: type[Model]) -> list[str]:
    """The fields a person enters for a finding (not its case, key or bookkeeping)."""
    skipped = {"case", "id", *Authored.BOOKKEEPING_FIELDS}
    return [f.name for f in model._meta.get_fields() if f.concrete and f.editable and f.name not in skipped]


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def refuse_other_digits(text: str) -> None:
    """Refuse digits other than 0-9: Python reads "٤٠" as 40, which no one reading the record would see."""
    if any(character.isdigit() and not character.isascii() for character in text):
        raise ValidationError("Type the number with the digits 0 to 9.", code="digits")


class DecimalCommaField(forms.DecimalField):
    """A decimal typed as text: a point or a comma is the decimal separator, never a thousands separator.

    A number input would let the browser read "3,5" as 35 (en-US) or "3.5" as 35 (de-DE); as
    text the server sees what was typed: "3,5" and "3.5" are 3.5, "1,234.5" is refused.
    """

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            refuse_other_digits(text)
            if text.count(",") + text.count(".") > 1:
                raise ValidationError(
                    "Use one decimal separator (a point or a comma) and no thousands separators.",
                    code="separators",
                )
            value = text.replace(",", ".")
        return super().to_python(value)


class WholeNumberField(forms.IntegerField):
    """A whole number typed as text, so the browser cannot drop a comma ("1,5" must not become 15)."""

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            refuse_other_digits(value)
        return super().to_python(value)


class YesNoUnknownSelect(forms.NullBooleanSelect):
    """Yes / No / Unknown; any other submitted value is passed on, so the field can refuse it."""

    KNOWN = {"true": True, "false": False, "unknown": None, "": None}

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-select", **(attrs or {})})

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        return self.KNOWN.get(value, value) if isinstance(value, str) else value


class YesNoUnknownField(forms.NullBooleanField):
    """A tri-state answer; a value other than yes, no or unknown is refused, never read as "Unknown"."""

    widget = YesNoUnknownSelect

    # As in django-stubs' own NullBooleanField: a tri-state value is bool | None, BooleanField's is bool.
    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value is None or isinstance(value, bool):
            return value
        raise ValidationError("Choose Yes, No or Unknown.", code="invalid_choice")

    def validate(self, value: Any) -> None:
        return None

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return super().has_changed(initial, data)
        except ValidationError:  # a value that is refused is a change (so the form is validated)
            return True


def record_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Form fields of the record: numbers as text inputs, yes/no/unknown answers refused unless valid."""
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(form_class=DecimalCommaField, **kwargs)
    if isinstance(db_field, models.IntegerField) and not db_field.choices and db_field.editable:
        return db_field.formfield(form_class=WholeNumberField, **kwargs)
    if isinstance(db_field, models.BooleanField) and db_field.null:
        return db_field.formfield(form_class=YesNoUnknownField, **kwargs)
    return db_field.formfield(**kwargs)


HIDDEN_FIELD_TAMPERED = {
    "loaded_version": "Record version (a hidden field of this form) is not a version of this record: "
    "reload the page and enter your changes again.",
    "id": "Row id (a hidden field of this form) is not a row of this case: reload the page and enter your "
    "changes again.",
}


class RecordMeta:
    """Options every record form's Meta inherits: the record's own form fields."""

    formfield_callback = staticmethod(record_formfield)


class VersionedForm(forms.ModelForm[_Record]):
    """A model form that carries the version of the record it loaded (empty for a new record)."""

    # Optimistic concurrency: a save whose loaded version is no longer current is refused (cases.services).
    loaded_version = forms.IntegerField(
        label="Record version", widget=forms.HiddenInput, required=False, min_value=1
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version


class RecordForm(VersionedForm[_Record]):
    """An edit form of one record: crispy without its own <form> tag, and the version it was loaded at."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self) -> dict[str, Any]:
        # A hidden field's own message is not shown next to any input: say it at the top, naming it.
        for name in [name for name in self.errors if name in self.fields]:
            if self.fields[name].widget.is_hidden:
                del self.errors[name]
                self.add_error(
                    None, HIDDEN_FIELD_TAMPERED.get(name, f"{name} (a hidden field) is not valid.")
                )
        super().clean()  # a model form's clean() returns cleaned_data; the stubs allow None
        return self.cleaned_data


class StepForm(RecordForm[Finding]):
    """A finding's form: tri-state booleans and fields shown only when another answer needs them."""

    # field name -> (controlling field, values that show it); the browser hides the rest (static/js/app.js).
    show_when: dict[str, tuple[str, tuple[str, ...]]] = {}

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if case is not None:
            self.instance.case = case
        for name, field in self.fields.items():
            if name in self.show_when:
                controller, values = self.show_when[name]
                field.widget.attrs["data-show-when"] = f"{controller}={'|'.join(values)}"
                field.widget.attrs["data-field-name"] = name


class PatientForm(RecordForm[Patient]):
    """The patient: identity fields."""

    class Meta(RecordMeta):
        model = Patient
        fields = ("mrn", "family_name", "given_name", "date_of_birth", "sex")
        widgets = {"date_of_birth": DateInput()}

    def validate_unique(self) -> None:
        """An existing MRN is allowed for a new case of the same person (checked by the service)."""
        if self.instance.pk:
            super().validate_unique()


class KnownPatientForm(forms.Form):
    """The deliberate choice to open one more case for a patient whose MRN is already registered."""

    another_case_for_patient = forms.BooleanField(
        label="Open another case for this patient",
        required=False,
        help_text="Only when the board gets a new question; otherwise continue the existing case.",
    )


# Quoted: a base class is evaluated at run time, and Account exists only for the type checker.
class ClinicianChoiceField(forms.ModelChoiceField["Account"]):
    """A choice of users, each shown by full name."""

    def label_from_instance(self, obj: Account) -> str:
        return person_name(obj)


def responsible_clinicians(*, current: int | None = None) -> QuerySet[Account]:
    """Active users of the clinician role, plus whoever is responsible now (so an edit never drops them)."""
    wanted = Q(is_active=True, groups__name=roles.CLINICIAN)
    if current is not None:
        wanted |= Q(pk=current)
    return get_user_model().objects.filter(wanted).distinct().order_by("last_name", "first_name", "username")


class CaseForm(RecordForm[Case]):
    """The case: primary site, responsible clinician and the question for the board."""

    class Meta(RecordMeta):
        model = Case
        fields = ("primary_site", "responsible_clinician", "board_question")
        widgets = {"board_question": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"responsible_clinician": ClinicianChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds copies of the form's fields, typed only as fields.
        field = cast(ClinicianChoiceField, self.fields["responsible_clinician"])
        field.queryset = responsible_clinicians(current=self.instance.responsible_clinician_id)
        field.empty_label = "Not assigned yet"

    def clean_primary_site(self) -> str:
        """Refuse a new primary site that would leave staging details of the old one (FIGO, LVSI, …)."""
        site: str = self.cleaned_data["primary_site"]
        if not self.instance.pk or site == self.instance.primary_site:
            return site
        stale = []
        for staging in self.instance.staging_assessments.all():
            if staging.figo_stage and site != "cervix":
                stale.append("FIGO stage")
            if (
                staging.lvsi is not None or staging.deep_stromal_invasion is not None
            ) and site not in GYNECOLOGIC_SITES:
                stale.append("stromal invasion / LVSI")
            if staging.pancreatic_location and site != "pancreas":
                stale.append("pancreatic location")
        if stale:
            raise forms.ValidationError(
                f"The staging records hold {', '.join(sorted(set(stale)))}, which do not apply to this site: "
                "clear them in the staging step first."
            )
        return site


class PathologyForm(StepForm):
    show_when = {"morphology": ("differentiation", ("poor", "indeterminate"))}

    class Meta(RecordMeta):
        model = PathologyReport
        fields = entered_fields(PathologyReport)
        widgets = {"specimen_date": DateInput()}
        labels = {"p53_ihc": "p53 IHC"}
        help_texts = {
            "ki67_percent": "Hot spot, >= 500 cells. High grade: Ki-67 > 20% and/or mitoses > 20 per 2 mm².",
            "lower_grade_component": "A G1/G2 NET component confirms G3 NET.",
            "non_neuroendocrine_component": "Strongly supports NEC.",
        }


class MolecularForm(StepForm):
    show_when = {name: ("ngs", ("done",)) for name in ("tmb_high", "ntrk_fusion", "ret_fusion", "braf_v600e")}

    class Meta(RecordMeta):
        model = MolecularResult
        fields = entered_fields(MolecularResult)
        widgets = {"result_date": DateInput()}


class StagingForm(StepForm):
    show_when = {
        "liver_dominant": ("extent", ("metastatic",)),
        "high_systemic_burden": ("extent", ("metastatic",)),
    }

    class Meta(RecordMeta):
        model = StagingAssessment
        fields = entered_fields(StagingAssessment)
        widgets = {"assessed_on": DateInput()}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        # Fields of another primary site are not asked at all (the model refuses them anyway).
        if case.primary_site != "cervix":
            del self.fields["figo_stage"]
        if not case.is_gynecologic:
            del self.fields["deep_stromal_invasion"]
            del self.fields["lvsi"]
        if case.primary_site != "pancreas":
            del self.fields["pancreatic_location"]


class ClinicalForm(StepForm):
    class Meta(RecordMeta):
        model = ClinicalStatus
        fields = entered_fields(ClinicalStatus)
        widgets = {"assessed_on": DateInput()}


class ResectionForm(StepForm):
    show_when = {
        "resected_on": ("margin", ("R0", "R1", "R2")),
        "radiation_amenable": ("margin", ("R0", "R1", "R2")),
    }

    class Meta(RecordMeta):
        model = Resection
        fields = entered_fields(Resection)
        widgets = {"resected_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.empty_permitted:
            # No resection recorded yet: the section is optional, so the margin is not marked required;
            # once anything of it is entered, the margin is asked for (clean).
            margin = self.fields["margin"]
            margin.required = False
            margin.help_text = (
                "Leave empty to record nothing; choose “Not resected” to record that none was done."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("margin") and "margin" not in self.errors:
            self.add_error("margin", "Choose the margin (or “Not resected”) to record a resection.")
        return data


class CloseCaseForm(forms.Form):
    """Why a draft case is closed (kept in the case and its history)."""

    close_reason = forms.CharField(
        label="Reason for closing",
        max_length=Case._meta.get_field("close_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: entered twice by mistake, referred elsewhere, the patient declined.",
    )


class ImagingStudyForm(StepForm):
    metastatic_sites = forms.MultipleChoiceField(
        label="Metastatic sites seen",
        choices=MetastaticSite.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    show_when = {
        "sstr_uptake": ("modality", ("sstr_pet",)),
        "fdg_avidity": ("modality", ("fdg_pet",)),
        "brain_metastases_count": ("metastatic_sites", ("brain",)),
    }

    class Meta(RecordMeta):
        model = ImagingStudy
        fields = entered_fields(ImagingStudy)
        widgets = {"study_date": DateInput()}


class TreatmentLineForm(StepForm):
    show_when = {
        "progression_date": ("progressed", ("true",)),
        "progressed_during_break": ("progressed", ("true",)),
    }

    class Meta(RecordMeta):
        model = TreatmentLine
        fields = entered_fields(TreatmentLine)
        widgets = {"started_on": DateInput(), "ended_on": DateInput(), "progression_date": DateInput()}


# A formset row's field in the form data: "studies-0-study_date".
ROW_FIELD = re.compile(r"(?P<prefix>[a-z_]+)-(?P<index>\d+)-")


class CaseRowsFormSet(BaseModelFormSet[Finding, StepForm]):
    """Rows of one case (imaging studies or treatment lines): add, edit, remove."""

    def clean(self) -> None:
        """Refuse a forged row count (a negative TOTAL_FORMS would "save" no rows at all)."""
        super().clean()
        counts = self.management_form.cleaned_data
        total, initial = counts.get("TOTAL_FORMS"), counts.get("INITIAL_FORMS")
        if total is None or initial is None:
            return  # the management form's own error is shown
        # Rows sent beyond the count would be dropped without a word: a forged count, refused like one.
        beyond = any(
            (row := ROW_FIELD.match(key)) and row["prefix"] == self.prefix and int(row["index"]) >= total
            for key in self.data
        )
        if initial < 0 or total < initial or beyond:
            raise ValidationError(
                f"Number of rows (TOTAL_FORMS {total}, INITIAL_FORMS {initial}) is not valid: "
                "reload the page and enter your changes again."
            )
        # Django looks a posted row id up among all rows of the table, and a row it does not find in
        # this case's queryset is skipped on save: another case's id would be reported saved, and dropped.
        for form in self.forms[: self.initial_form_count()]:
            if form.instance._state.adding:
                raise ValidationError(HIDDEN_FIELD_TAMPERED["id"])

    def __init__(self, *args: Any, case: Case, extra: int = 0, **kwargs: Any) -> None:
        self.case = case
        self.extra = extra
        super().__init__(*args, **kwargs)
        for form in self.forms:
            form.instance.case = case

    def add_fields(self, form: StepForm, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this row when saving"

    def with_added_row(self, data: QueryDict) -> tuple[CaseRowsFormSet, QueryDict]:
        """The "add a row" button: this formset and its data with one more, untouched row (nothing saved)."""
        data = data.copy()
        # total_form_count() copes with a tampered management form (it falls back to the valid count).
        count = self.total_form_count()
        if count < self.max_num:
            data[f"{self.prefix}-TOTAL_FORMS"] = str(count + 1)
            for key, values in self._untouched_row_data(count).items():
                data.setlist(key, values)
        return type(self)(data, queryset=self.get_queryset(), case=self.case, prefix=self.prefix), data

    def _untouched_row_data(self, index: int) -> dict[str, list[str]]:
        """The form data of a new row as an unbound row shows it (a study added is one that was performed)."""
        # Without it the row would be bound to no data, and a bound checkbox without data is unticked.
        data: dict[str, list[str]] = {}
        for bound in self.empty_form:
            widget = bound.field.widget
            value = bound.value()
            if isinstance(widget, CheckboxInput):
                values = ["on"] if widget.check_test(value) else []
            else:
                formatted = widget.format_value(value)  # a list for selects, None for an empty input
                if formatted is None:
                    values = []
                elif isinstance(formatted, list):
                    values = [str(item) for item in formatted]
                else:
                    values = [str(formatted)]
            if values:
                data[bound.html_name.replace("__prefix__", str(index))] = values
        return data


# A case has a few dozen rows at most; the cap stops a forged form count from building thousands of forms.
MAX_ROWS = 60


def case_rows_formset(model: type[Finding], form: type[StepForm]) -> type[CaseRowsFormSet]:
    """The formset class of one kind of row, built on CaseRowsFormSet and capped at MAX_ROWS."""
    formset = modelformset_factory(
        model,
        form=form,
        formset=CaseRowsFormSet,
        extra=0,
        can_delete=True,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    )
    # The stubs type the factory's result as a BaseModelFormSet, not as the formset class it subclasses.
    return cast(type[CaseRowsFormSet], formset)


ImagingFormSet = case_rows_formset(ImagingStudy, ImagingStudyForm)
TreatmentLineFormSet = case_rows_formset(TreatmentLine, TreatmentLineForm)


class CommentForm(forms.ModelForm[CaseComment]):
    """A comment for the board: its text, the messages naming the field."""

    class Meta:
        model = CaseComment
        fields = ("text",)
        labels = {"text": "Comment"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "text": {
                "required": "Comment: type the comment before adding it.",
                "max_length": "Comment: at most %(limit_value)d characters (this one has %(show_value)d).",
            }
        }
