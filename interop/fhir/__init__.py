"""A case as a FHIR R4 collection Bundle following mCODE STU3, and a Bundle read into a new draft case."""
