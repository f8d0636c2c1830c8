"""Views of the cases app, one module per page family (list, case and workup, pathway)."""
