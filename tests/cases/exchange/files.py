"""Helpers of the exchange tests: a record giving every field a value, the commands, file edits."""

import datetime
import io
import json
from decimal import Decimal

import factory
from django.core.management import CommandError, call_command

from cases.demo import seed_demo_cases
from cases.exchange.export import export_document
from cases.exchange.layout import record_models
from cases.models import Case
from tests.factories import (
    CaseFactory,
    ClinicalStatusFactory,
    ImagingStudyFactory,
    MolecularResultFactory,
    PathologyReportFactory,
    PatientFactory,
    ResectionFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
    UserFactory,
)


def make_user(username):
    """A clinician who never logs in here: an unusable password skips the deliberately slow hashing."""
    return UserFactory(username=username, password=factory.Transformer.Force("!unusable"))


def valid(record):
    """A factory-made record, checked by the model's own validation like the forms would."""
    record.full_clean()
    return record


def seed_full_record():
    """The 12 demo cases plus records that give every field of every record model a value."""
    clinician = make_user("clinician")
    registrar = make_user("registrar")
    seed_demo_cases(clinician)
    stamp = {"created_by": registrar, "updated_by": clinician}
    patient = valid(PatientFactory(given_name="Zoë", sex="other", **stamp))
    cervix = valid(
        CaseFactory(
            patient=patient,
            primary_site="cervix",
            status="discussed",
            responsible_clinician=registrar,
            board_question="Adjuvant therapy? — «ünïcode» ✓",
            classification="nec",
            **stamp,
        )
    )
    pathology = valid(
        PathologyReportFactory(
            case=cervix,
            specimen="primary",
            differentiation="poor",
            morphology="small_cell",
            ki67_percent=Decimal("85.5"),
            mitoses_per_2mm2=Decimal("40.5"),
            lower_grade_component=False,
            non_neuroendocrine_component=True,
            p53_ihc="aberrant",
            rb_ihc="lost",
            sstr2a_ihc="negative",
            **stamp,
        )
    )
    pathology.save()  # a second save: version 2
    valid(
        ImagingStudyFactory(
            case=cervix,
            modality="fdg_pet",
            fdg_avidity="positive",
            metastatic_sites=["liver", "brain"],
            brain_metastases_count=2,
            **stamp,
        )
    )
    valid(ImagingStudyFactory(case=cervix, modality="sstr_pet", sstr_uptake="low_or_heterogeneous", **stamp))
    valid(ImagingStudyFactory(case=cervix, modality="brain_mri", performed=False, **stamp))
    valid(
        MolecularResultFactory(
            case=cervix,
            ordered_on=datetime.date(2026, 1, 2),
            mmr="deficient",
            ngs="done",
            tmb_high=True,
            ntrk_fusion=False,
            ret_fusion=False,
            braf_v600e=True,
            **stamp,
        )
    )
    valid(
        StagingAssessmentFactory(
            case=cervix,
            extent="metastatic",
            figo_stage="IVB",
            tumor_size_cm=Decimal("3.5"),
            deep_stromal_invasion=True,
            lvsi=False,
            resectable=True,
            **stamp,
        )
    )
    valid(
        ClinicalStatusFactory(
            case=cervix,
            ecog=2,
            hormonal_syndrome=False,
            carcinoid_syndrome_suspected=True,
            hiaa_5_elevated=False,
            cns_symptoms=True,
            disease_pace="rapid",
            discordant_lesion_growth=True,
            etoposide_unsuitable=False,
            **stamp,
        )
    )
    valid(ResectionFactory(case=cervix, margin="R1", radiation_amenable=True, **stamp))
    valid(
        TreatmentLineFactory(
            case=cervix,
            regimen="platinum_etoposide",
            started_on=datetime.date(2026, 2, 15),
            ended_on=datetime.date(2026, 6, 1),
            cycles=6,
            best_response="PR",
            progressed=True,
            progression_date=datetime.date(2026, 8, 1),
            progressed_during_break=True,
            **stamp,
        )
    )
    pancreas = valid(
        CaseFactory(
            patient=patient, primary_site="pancreas", status="closed", close_reason="Entered twice", **stamp
        )
    )
    valid(
        StagingAssessmentFactory(
            case=pancreas,
            extent="metastatic",
            pancreatic_location="head",
            liver_dominant=True,
            high_systemic_burden=False,
            **stamp,
        )
    )


def counts():
    """How many records of each model the database holds."""
    return {model.__name__: model.objects.count() for model in record_models()}


def snapshot():
    """Everything the export holds except the moment it was taken, and the record counts."""
    document = export_document()
    del document["exported_at"]
    return document, counts()


def wipe_clinical_records():
    """Delete every patient, case and finding (findings first: cases and patients are protected)."""
    for model in reversed(record_models()):
        model.objects.all().delete()


def export_to(path):
    out = io.StringIO()
    call_command("export_cases", str(path), stdout=out)
    return out.getvalue()


def import_from(path, *args):
    """Run import_cases; return (stdout, stderr, exit status)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_cases", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(str(error))
        return out.getvalue(), err.getvalue(), error.returncode
    return out.getvalue(), err.getvalue(), 0


def without_moment(document):
    return {key: value for key, value in document.items() if key != "exported_at"}


def case_index(document, primary_site):
    return next(i for i, case in enumerate(document["cases"]) if case["primary_site"] == primary_site)


def set_value(*path, value):
    def mutate(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return document

    return mutate


def drop(*path):
    def mutate(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return document

    return mutate


def localized_with_distant_sites(document):
    """A case whose imaging shows distant metastases, its staging changed to localized."""
    case = next(
        c
        for c in document["cases"]
        if c["staging_assessments"] and any(study["metastatic_sites"] for study in c["imaging_studies"])
    )
    for staging in case["staging_assessments"]:
        staging.update(extent="localized", figo_stage=None, liver_dominant=None, high_systemic_burden=None)
    return document


def reject(export_file, mutate, expected):
    """Import the export changed by mutate: rejected with the expected line, database unchanged."""
    document = mutate(json.loads(export_file.read_text(encoding="utf-8")))
    export_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = snapshot()
    out, err, status = import_from(export_file)
    assert status == 2
    assert expected in err
    assert "nothing was imported" in err and out == ""
    assert snapshot() == before


def ready_case_without_findings(tmp_path):
    """An export of one case marked ready with no finding at all and a classification it cannot have."""
    case = CaseFactory(patient=PatientFactory(mrn="READY-1"), status="ready", classification="g3_net")
    path = tmp_path / "ready.json"
    export_to(path)
    Case.objects.filter(pk=case.pk).delete()
    case.patient.delete()
    return path
