"""factory_boy factories for test data."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases import roles

# Every factory-made user can log in with this password.
TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A regular, active, non-staff user."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)
    is_active = True
    is_staff = False

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        """The user's role group (cases.roles); clinician unless given, none with role=""."""
        if create and extracted != "":
            self.groups.add(Group.objects.get(name=extracted or roles.CLINICIAN))


class PatientFactory(factory.django.DjangoModelFactory):
    """An obviously fictitious patient."""

    class Meta:
        model = "cases.Patient"

    mrn = factory.Sequence(lambda n: f"TEST-{n:05d}")
    family_name = factory.Sequence(lambda n: f"Testpatient{n}")
    given_name = "Casey"
    date_of_birth = datetime.date(1960, 1, 1)
    sex = "female"


class CaseFactory(factory.django.DjangoModelFactory):
    """A draft case of a pancreatic primary."""

    class Meta:
        model = "cases.Case"

    patient = factory.SubFactory(PatientFactory)
    primary_site = "pancreas"
    board_question = "Which treatment next?"


class FindingFactory(factory.django.DjangoModelFactory):
    """Base of the findings: each belongs to a case."""

    case = factory.SubFactory(CaseFactory)


class PathologyReportFactory(FindingFactory):
    class Meta:
        model = "cases.PathologyReport"

    specimen = "primary"
    specimen_date = datetime.date(2026, 1, 10)
    differentiation = "well"
    ki67_percent = Decimal("30")


class ImagingStudyFactory(FindingFactory):
    class Meta:
        model = "cases.ImagingStudy"

    modality = "ct"
    study_date = datetime.date(2026, 1, 5)


class MolecularResultFactory(FindingFactory):
    class Meta:
        model = "cases.MolecularResult"

    result_date = datetime.date(2026, 1, 20)
    mmr = "proficient"


class StagingAssessmentFactory(FindingFactory):
    class Meta:
        model = "cases.StagingAssessment"

    assessed_on = datetime.date(2026, 1, 12)
    extent = "metastatic"


class ClinicalStatusFactory(FindingFactory):
    class Meta:
        model = "cases.ClinicalStatus"

    assessed_on = datetime.date(2026, 1, 12)
    ecog = 1


class ResectionFactory(FindingFactory):
    class Meta:
        model = "cases.Resection"

    resected_on = datetime.date(2026, 2, 1)
    margin = "R0"


class TreatmentLineFactory(FindingFactory):
    class Meta:
        model = "cases.TreatmentLine"

    regimen = "captem"
    started_on = datetime.date(2026, 2, 15)
