"""Exchange with other systems: FHIR R4 (mCODE STU3) export and import of a case."""
