"""Views of the meetings app, one module per page family (meeting, agenda, present, decisions, PDFs)."""
