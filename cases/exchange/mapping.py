"""Records to file objects and back: users by username, patients by MRN, findings nested in their case."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models

from cases.exchange.errors import ExportError, Location, Problem, json_type, place, show
from cases.exchange.layout import exported_fields, findings_key, references_patient, references_user
from cases.exchange.schema import Shape
from cases.exchange.values import decode_value, encode_value, wrong_type_message
from cases.models import FINDING_MODELS, Case, Patient


class RecordEncoder:
    """Writes records as JSON objects, naming users by username and patients by MRN."""

    def __init__(self, usernames: dict[Any, str], mrns: dict[Any, str]) -> None:
        self.usernames = usernames
        self.mrns = mrns

    def record(self, record: models.Model) -> dict[str, Any]:
        """The record's exported fields as a JSON object."""
        return {f.name: self.value(f, record) for f in exported_fields(type(record))}

    def value(self, f: models.Field[Any, Any], record: models.Model) -> Any:
        """One field of the record as JSON."""
        if not f.is_relation:
            return encode_value(f, f.value_from_object(record))
        related_id = getattr(record, f.attname)
        if related_id is None:
            return None
        if references_user(f):
            return self.usernames[related_id]
        if references_patient(f):
            return self.mrns[related_id]
        raise ExportError(f"{f.model.__name__}.{f.name}: no rule to export a relation to {f.related_model}")


@dataclass
class Incoming:
    """One record of the file as an unsaved instance, with where it is and what became of it."""

    where: str
    record: models.Model
    failed: set[str] = field(default_factory=set)
    existing: models.Model | None = None

    @property
    def model(self) -> type[models.Model]:
        return type(self.record)


class RecordReader:
    """Turns the file's objects into unsaved model instances, collecting every problem with its place."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.problems: list[Problem] = []
        self.incoming: list[Incoming] = []
        self.patient_ids: dict[str, Any] = {}
        self.user_ids: dict[str, Any] = {}

    def problem(self, location: Location, message: str) -> None:
        self.problems.append(Problem(place(location), message))

    def read(self, patients: list[Any], cases: list[Any]) -> list[Incoming]:
        """Every patient, case and finding of the file, in file order."""
        patients_by_id: dict[Any, models.Model] = {}
        for index, data in enumerate(patients):
            item = self.record(Patient, data, ("patients", index))
            if item and "mrn" not in item.failed and "id" not in item.failed:
                self.patient_ids.setdefault(item.record.mrn, item.record.pk)  # type: ignore[attr-defined]
                patients_by_id.setdefault(item.record.pk, item.record)
        for index, data in enumerate(cases):
            location = ("cases", index)
            item = self.record(Case, data, location)
            if item is None:
                continue
            # The findings' checks against the date of birth read the patient of the file, not the database.
            patient = patients_by_id.get(getattr(item.record, "patient_id", None))
            if patient is not None:
                item.record.patient = patient  # type: ignore[attr-defined]
            for model in FINDING_MODELS:
                key = findings_key(model)
                if key not in data:
                    continue  # reported as missing by record()
                if self.shape.wrong_type((*location, key)):
                    self.problem((*location, key), f"expected a list, got {json_type(data[key])}")
                    continue
                for position, row in enumerate(data[key]):
                    self.record(model, row, (*location, key, position), case=item.record)
        return self.incoming

    def record(
        self, model: type[models.Model], data: Any, location: Location, case: models.Model | None = None
    ) -> Incoming | None:
        """One record from its JSON object; None if it is not an object."""
        if self.shape.wrong_type(location):
            self.problem(location, f"expected an object, got {json_type(data)}")
            return None
        for key in self.shape.unknown_keys(location):
            self.problem((*location, key), "unknown field")
        for key in sorted(self.shape.missing_keys(location)):
            self.problem((*location, key), "missing")
        item = Incoming(place(location), model())
        if case is not None:
            item.record.case = case  # type: ignore[attr-defined]
        for f in exported_fields(model):
            if f.name not in data:
                item.failed.add(f.name)
                continue
            try:
                setattr(item.record, f.attname, self.decode(f, data[f.name], (*location, f.name)))
            except ValidationError as error:
                item.failed.add(f.name)
                setattr(item.record, f.attname, None)
                for message in error.messages:
                    self.problem((*location, f.name), message)
        self.incoming.append(item)
        return item

    def decode(self, f: models.Field[Any, Any], value: Any, location: Location) -> Any:
        """A field's value from the file: relations resolved, plain values converted."""
        if self.shape.wrong_type(location):
            raise ValidationError(wrong_type_message(f, value))
        if value is None:
            return None
        if not f.is_relation:
            return decode_value(f, value)
        if references_user(f):
            return self.user_id(value)
        if references_patient(f):
            if value not in self.patient_ids:
                raise ValidationError("no patient with this MRN among the file's patients")
            return self.patient_ids[value]
        raise ValidationError(f"no rule to import a relation to {f.related_model}")  # pragma: no cover

    def user_id(self, username: str) -> Any:
        """The id of the user with this username; a missing user rejects the file."""
        if username not in self.user_ids:
            user_model = get_user_model()
            self.user_ids[username] = (
                user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username})
                .values_list("pk", flat=True)
                .first()
            )
        if self.user_ids[username] is None:
            raise ValidationError(
                f"no user {show(username)} in this database; create the account first, then import again"
            )
        return self.user_ids[username]
