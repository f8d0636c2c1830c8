"""The upload form of "New case from a FHIR Bundle"."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

# One patient's Bundle is a few hundred kilobytes at most; the cap keeps a wrong file from filling memory.
MAX_BUNDLE_BYTES = 5 * 1024 * 1024


class BundleUploadForm(forms.Form):
    """A FHIR Bundle (JSON) to read into a new draft case."""

    bundle = forms.FileField(
        label="FHIR Bundle (JSON)",
        help_text="A FHIR R4 Bundle of one patient, e.g. an mCODE export of the record system.",
    )
    another_case_for_patient = forms.BooleanField(
        label="Open another case for this patient",
        required=False,
        help_text="Only when the MRN already has cases and the board gets a new question.",
    )

    def clean_bundle(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["bundle"]
        if upload.size is not None and upload.size > MAX_BUNDLE_BYTES:
            raise forms.ValidationError(
                f"The file has {upload.size:,} bytes; a Bundle of one case has at most {MAX_BUNDLE_BYTES:,}."
            )
        return upload
