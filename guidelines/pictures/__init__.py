"""The pathway's pictures as SVG: the decision flowchart of a route and the treatment timeline of a case.

Geometry (positions, sizes, wrapped lines, colours) is computed here as plain dataclasses; the
markup is in templates/guidelines/pictures/, escaped by the template engine.
"""

from guidelines.pictures.flowchart import Route, Stage, decision_flowchart_svg
from guidelines.pictures.timeline import Chronology, treatment_timeline_svg

__all__ = ["Chronology", "Route", "Stage", "decision_flowchart_svg", "treatment_timeline_svg"]
