"""What a file holds: every record model of the cases app."""

import pytest
from django.apps import apps

from cases.exchange.layout import record_models
from cases.models import FINDING_MODELS
from cases.models.records import Authored

pytestmark = pytest.mark.django_db


def test_every_record_model_of_the_cases_app_is_exported():
    authored = {model for model in apps.get_app_config("cases").get_models() if issubclass(model, Authored)}
    assert authored == set(record_models())
    assert len(FINDING_MODELS) == 7
