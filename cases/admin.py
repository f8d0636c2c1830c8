"""Admin registrations for cases (none until the data model exists)."""
