"""Forms of the guided workup: one per step, labelled, validated by the models' own rules."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.forms import BaseModelFormSet, modelformset_factory

from cases.models import (
    Case,
    ClinicalStatus,
    ImagingStudy,
    MolecularResult,
    PathologyReport,
    Patient,
    Resection,
    StagingAssessment,
    TreatmentLine,
)
from cases.models.choices import GYNECOLOGIC_SITES, MetastaticSite

AUTHORSHIP = ("case", "created_at", "created_by", "updated_at", "updated_by")


def entered_fields(model: type[Model]) -> list[str]:
    """The fields a person enters for a finding (not its case, key or authorship)."""
    skipped = {*AUTHORSHIP, "id"}
    return [f.name for f in model._meta.get_fields() if f.concrete and f.editable and f.name not in skipped]


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _tri_state(field: forms.Field) -> None:
    """Render a yes/no/unknown field as a labelled select with an explicit "Unknown"."""
    field.widget = forms.NullBooleanSelect(attrs={"class": "form-select"})


class VersionedForm(forms.ModelForm):
    """A model form that carries the version of the record it loaded (empty for a new record)."""

    # Optimistic concurrency: a save whose loaded version is no longer current is refused (cases.services).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version


class RecordForm(VersionedForm):
    """An edit form of one record: crispy without its own <form> tag, and the version it was loaded at."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class StepForm(RecordForm):
    """A finding's form: tri-state booleans and fields shown only when another answer needs them."""

    # field name -> (controlling field, values that show it); the browser hides the rest (static/js/app.js).
    show_when: dict[str, tuple[str, tuple[str, ...]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.NullBooleanField):
                _tri_state(field)
            if name in self.show_when:
                controller, values = self.show_when[name]
                field.widget.attrs["data-show-when"] = f"{controller}={'|'.join(values)}"
                field.widget.attrs["data-field-name"] = name


class PatientForm(RecordForm):
    """The patient: identity fields."""

    class Meta:
        model = Patient
        fields = ("mrn", "family_name", "given_name", "date_of_birth", "sex")
        widgets = {"date_of_birth": DateInput()}

    def validate_unique(self) -> None:
        """An existing MRN is allowed for a new case of the same person (checked by the service)."""
        if self.instance.pk:
            super().validate_unique()


class CaseForm(RecordForm):
    """The case: primary site, responsible clinician and the question for the board."""

    class Meta:
        model = Case
        fields = ("primary_site", "responsible_clinician", "board_question")
        widgets = {"board_question": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_clinician"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )

    def clean_primary_site(self) -> str:
        """Refuse a new primary site that would leave staging details of the old one (FIGO, LVSI, …)."""
        site = self.cleaned_data["primary_site"]
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

    class Meta:
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

    class Meta:
        model = MolecularResult
        fields = entered_fields(MolecularResult)
        widgets = {"result_date": DateInput()}


class StagingForm(StepForm):
    show_when = {
        "liver_dominant": ("extent", ("metastatic",)),
        "high_systemic_burden": ("extent", ("metastatic",)),
    }

    class Meta:
        model = StagingAssessment
        fields = entered_fields(StagingAssessment)
        widgets = {"assessed_on": DateInput()}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.case = case
        # Fields of another primary site are not asked at all (the model refuses them anyway).
        if case.primary_site != "cervix":
            del self.fields["figo_stage"]
        if not case.is_gynecologic:
            del self.fields["deep_stromal_invasion"]
            del self.fields["lvsi"]
        if case.primary_site != "pancreas":
            del self.fields["pancreatic_location"]


class ClinicalForm(StepForm):
    class Meta:
        model = ClinicalStatus
        fields = entered_fields(ClinicalStatus)
        widgets = {"assessed_on": DateInput()}


class ResectionForm(StepForm):
    show_when = {
        "resected_on": ("margin", ("R0", "R1", "R2")),
        "radiation_amenable": ("margin", ("R0", "R1", "R2")),
    }

    class Meta:
        model = Resection
        fields = entered_fields(Resection)
        widgets = {"resected_on": DateInput()}


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

    class Meta:
        model = ImagingStudy
        fields = entered_fields(ImagingStudy)
        widgets = {"study_date": DateInput()}


class TreatmentLineForm(StepForm):
    show_when = {
        "progression_date": ("progressed", ("true",)),
        "progressed_during_break": ("progressed", ("true",)),
    }

    class Meta:
        model = TreatmentLine
        fields = entered_fields(TreatmentLine)
        widgets = {"started_on": DateInput(), "ended_on": DateInput(), "progression_date": DateInput()}


class CaseRowsFormSet(BaseModelFormSet):
    """Rows of one case (imaging studies or treatment lines): add, edit, remove."""

    def __init__(self, *args: Any, case: Case, extra: int = 0, **kwargs: Any) -> None:
        self.case = case
        self.extra = extra
        super().__init__(*args, **kwargs)
        for form in self.forms:
            form.instance.case = case

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this row when saving"


# A case has a few dozen rows at most; the caps stop a forged form count from building thousands of forms.
ROW_LIMITS = {"max_num": 60, "absolute_max": 60, "validate_max": True}
ImagingFormSet = modelformset_factory(
    ImagingStudy, form=ImagingStudyForm, formset=CaseRowsFormSet, extra=0, can_delete=True, **ROW_LIMITS
)
TreatmentLineFormSet = modelformset_factory(
    TreatmentLine, form=TreatmentLineForm, formset=CaseRowsFormSet, extra=0, can_delete=True, **ROW_LIMITS
)
