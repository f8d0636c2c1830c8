"""Case data model (arrives in a later issue)."""
