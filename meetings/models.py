"""Tumor board meetings (built in the meetings issue)."""
