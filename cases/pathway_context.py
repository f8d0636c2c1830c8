"""One context for a case's pathway page and its PDF: record, pathway, follow-up dates and pictures."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import TextChoices
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateformat import format as format_date

from cases import pictures
from cases.facts import with_record
from cases.models import Case
from cases.models import choices as ch
from cases.pathway import CasePathway, pathway_for_case
from cases.workup import STEPS, conflict_items, finding_step
from guidelines.engine import ENGINE_VERSION, GUIDELINE, Pathway, Recommendation
from guidelines.engine.pathway import CONTRACT, FollowUp, ImagingPhase
from guidelines.engine.text import CLASSIFICATION_NAMES

DATE_FORMAT = "j M Y"  # "2 Mar 2026": unambiguous in every locale a board may use
FOLLOWUP_HORIZON_MONTHS = 36  # due dates are listed for the next three years

STATUS_LABELS = {"recommended": "Recommended", "consider": "Consider", "not_recommended": "Not recommended"}
STRENGTH_LABELS = {
    "consensus": "Consensus",
    "majority": "Majority",
    "lack_of_consensus": "Lack of consensus",
    "not_voted": "No vote recorded",
}
SITE_GROUP_LABELS = {
    "pancreatic": "Pancreatic",
    "gastrointestinal": "Gastrointestinal",
    "gynecologic": "Gynecologic",
    "unknown": "Unknown primary",
}
# Brain, cardiac and hereditary items are read together as special considerations, by topic.
SPECIAL_TOPICS = {"brain": "Brain", "cardiac": "Cardiac", "hereditary": "Hereditary risk"}
FLAG_LABELS = {
    "discordant": "Discordant findings",
    "grade_unknown": "Grade not established",
    "lower_grade_component": "Lower-grade (G1/G2) NET component",
    "non_neuroendocrine_component": "Non-neuroendocrine component (MiNEN)",
    "ihc_supports_nec": "p53/Rb IHC supports NEC",
    "sstr2a_diffuse_strong": "Diffuse strong SSTR2A",
}
WARNING_FLAGS = frozenset({"discordant", "grade_unknown"})
DONE_STATES = {True: "done", False: "outstanding", None: "unknown"}

# Workup step titles where each fact is entered.
STEP_LABELS = {step.slug: step.title for step in STEPS}


@dataclass(frozen=True)
class FactSpec:
    """How to show one case fact: its label, the workup step it comes from, its coded labels."""

    label: str
    step: str
    choices: type[TextChoices] | None = None
    unit: str = ""


FACTS: dict[str, FactSpec] = {
    "primary_site": FactSpec("Primary site", "patient", ch.PrimarySite),
    "differentiation": FactSpec("Differentiation", "pathology", ch.Differentiation),
    "morphology": FactSpec("Morphology", "pathology", ch.Morphology),
    "ki67_percent": FactSpec("Ki-67", "pathology", unit="%"),
    "mitoses_per_2mm2": FactSpec("Mitoses", "pathology", unit=" per 2 mm²"),
    "lower_grade_component": FactSpec("Lower-grade (G1/G2) NET component", "pathology"),
    "non_neuroendocrine_component": FactSpec("Non-neuroendocrine component (MiNEN)", "pathology"),
    "p53_ihc": FactSpec("p53 IHC", "pathology", ch.P53),
    "rb_ihc": FactSpec("Rb IHC", "pathology", ch.Rb),
    "sstr2a_ihc": FactSpec("SSTR2A IHC", "pathology", ch.Sstr2a),
    "mmr": FactSpec("MMR / MSI", "molecular", ch.Mmr),
    "ngs": FactSpec("Next-generation sequencing", "molecular", ch.NgsStatus),
    "tmb_high": FactSpec("TMB-high", "molecular"),
    "ntrk_fusion": FactSpec("NTRK fusion", "molecular"),
    "ret_fusion": FactSpec("RET fusion", "molecular"),
    "braf_v600e": FactSpec("BRAF V600E", "molecular"),
    "extent": FactSpec("Extent of disease", "staging", ch.Extent),
    "figo_stage": FactSpec("FIGO 2018 stage", "staging", ch.FigoStage),
    "tumor_size_cm": FactSpec("Tumour size", "staging", unit=" cm"),
    "deep_stromal_invasion": FactSpec("Deep stromal invasion", "staging"),
    "lvsi": FactSpec("Lymphovascular space invasion", "staging"),
    "pancreatic_location": FactSpec("Pancreatic location", "staging", ch.PancreaticLocation),
    "resectable": FactSpec("Resectable", "staging"),
    "metastatic_sites": FactSpec("Metastatic sites", "imaging", ch.MetastaticSite),
    "liver_dominant": FactSpec("Liver-dominant disease", "staging"),
    "brain_metastases_count": FactSpec("Brain metastases (number)", "imaging"),
    "high_systemic_burden": FactSpec("High systemic disease burden", "staging"),
    "ct_mri_done": FactSpec("Multiphase CT/MRI done", "imaging"),
    "sstr_imaging": FactSpec("SSTR PET", "imaging", ch.SstrUptake),
    "fdg_pet": FactSpec("FDG PET", "imaging", ch.FdgAvidity),
    "endoscopy_done": FactSpec("Endoscopy done", "imaging"),
    "hormonal_syndrome": FactSpec("Hormone-mediated syndrome", "clinical"),
    "carcinoid_syndrome_suspected": FactSpec("Carcinoid syndrome suspected", "clinical"),
    "hiaa_5_elevated": FactSpec("5-HIAA elevated", "clinical"),
    "cns_symptoms": FactSpec("CNS symptoms", "clinical"),
    "ecog": FactSpec("ECOG performance status", "clinical"),
    "disease_pace": FactSpec("Pace of disease", "clinical", ch.DiseasePace),
    "discordant_lesion_growth": FactSpec("One lesion outpacing the others", "clinical"),
    "resection_margin": FactSpec("Resection margin", "treatment", ch.Margin),
    "radiation_amenable": FactSpec("Tumour bed amenable to radiation", "treatment"),
    "etoposide_unsuitable": FactSpec("Etoposide cannot be given", "clinical"),
    "prior_systemic_therapy": FactSpec("Prior systemic therapy", "treatment", ch.Regimen),
}


# --- view objects the templates read -------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    """One pathway item with the words a clinician reads (status, vote, done state)."""

    code: str
    text: str
    status: str
    status_label: str
    strength: str
    strength_label: str
    source: str
    why: tuple[str, ...]
    evidence: str | None
    done_state: str  # done | outstanding | unknown
    done_label: str
    line: int | None

    @classmethod
    def of(cls, item: Recommendation) -> ItemView:
        """Describe one engine item."""
        state = DONE_STATES[item.done]
        return cls(
            code=item.code,
            text=item.text,
            status=item.status,
            status_label=STATUS_LABELS[item.status],
            strength=item.strength,
            strength_label=STRENGTH_LABELS[item.strength],
            source=item.source,
            why=item.why,
            evidence=item.evidence,
            done_state=state,
            done_label=state.capitalize(),
            line=item.line,
        )


@dataclass(frozen=True)
class ItemGroup:
    """A titled group of items (local therapy, front line, a special topic, ...)."""

    key: str
    title: str
    items: tuple[ItemView, ...]
    note: str = ""


@dataclass(frozen=True)
class FactRow:
    """One known fact as the PDF's input table shows it."""

    field: str
    label: str
    value: str
    step: str


@dataclass(frozen=True)
class MissingView:
    """A fact the pathway needs that the record lacks, and where to enter it."""

    field: str
    label: str
    reason: str
    step: str  # workup step slug
    step_label: str
    required: bool


@dataclass(frozen=True)
class ClassificationView:
    """What the tumour is for these recommendations and the findings behind it."""

    code: str
    name: str
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    flags: tuple[tuple[str, str, bool], ...]  # (code, label, is_warning)


@dataclass(frozen=True)
class Visit:
    """One follow-up imaging date."""

    due: date
    month: int
    is_next: bool


@dataclass(frozen=True)
class FollowUpView:
    """The follow-up schedule with concrete due dates counted from the record's dates."""

    kind: str
    title: str
    schedule: tuple[str, ...]
    anchor_text: str
    anchor_date: date | None
    visits: tuple[Visit, ...]
    next_due: Visit | None
    earlier_count: int
    dates_note: str
    months_text: str
    notes: tuple[str, ...]
    source: str
    strength_label: str


# --- dates -------------------------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def show_date(day: date) -> str:
    """A date as every page and PDF of the app writes it."""
    return format_date(day, DATE_FORMAT)


def _phase_end(phase: ImagingPhase) -> int | None:
    """The month a phase ends; the longer bound of a range, None when open-ended."""
    low, high = phase.until_month
    return None if high is None else max(value for value in (low, high) if value is not None)


def schedule_months(phases: Iterable[ImagingPhase]) -> Iterator[int]:
    """Months after the anchor when imaging is due, using each phase's shorter interval.

    Taking the shorter interval and the longer phase is the cautious reading of a range
    ("every 6-12 months", "for 2-3 years"); the page says so next to the dates.
    """
    month = 0
    for phase in phases:
        interval, end = min(phase.every_months), _phase_end(phase)
        while end is None or month + interval <= end:
            month += interval
            yield month
        month = end


def _range(low: int | None, high: int | None) -> str:
    values = list(dict.fromkeys(value for value in (low, high) if value is not None))
    return "–".join(str(value) for value in values)


def describe_phase(phase: ImagingPhase, first: bool, kind: str) -> str:
    """One phase in words: "Every 3 months until month 24–36"."""
    every = _range(*phase.every_months)
    text = f"{'Every' if first else 'Then every'} {every} month{'s' if every != '1' else ''}"
    low, high = phase.until_month
    if low is None and high is None:
        return f"{text} while on treatment" if kind == "monitoring" else text
    if high is None:
        return f"{text} until month {low} or later"
    return f"{text} until month {_range(low, high)}"


def _months_text(phases: Iterable[ImagingPhase]) -> str:
    """The imaging months of a schedule when no date anchors it ("3, 6, 9, ... 60")."""
    months = []
    for month in schedule_months(phases):
        months.append(month)
        if len(months) == 24:
            return f"Imaging at months {', '.join(map(str, months))}, and so on."
    return f"Imaging at months {', '.join(map(str, months))}."


def _surveillance_anchor(case: Case) -> tuple[date | None, str]:
    """End of curative treatment: the latest of the resection and the end of the last line."""
    lines = sorted(case.treatment_lines.all(), key=lambda line: (line.started_on, line.created_at))
    last_line = lines[-1] if lines else None
    if last_line is not None and last_line.ended_on is None:
        return None, (
            f"from the end of curative treatment ({last_line.get_regimen_display()} "
            f"started {show_date(last_line.started_on)} has no end date yet)"
        )
    candidates = [
        (resection.resected_on, f"resection on {show_date(resection.resected_on)}")
        for resection in case.resections.all()
        if resection.resected_on
    ]
    if last_line is not None and last_line.ended_on:
        candidates.append(
            (
                last_line.ended_on,
                f"end of {last_line.get_regimen_display()} on {show_date(last_line.ended_on)}",
            )
        )
    if not candidates:
        return None, "from the end of curative treatment (not yet recorded)"
    anchor, what = max(candidates, key=lambda pair: pair[0])
    if what.startswith("resection"):
        what += "; adjuvant treatment, once recorded, moves the start to its end"
    return anchor, f"from the end of curative treatment: {what}"


def _monitoring_anchor(case: Case, today: date) -> tuple[date, str]:
    """Start of the current treatment: the latest line's start, else today."""
    latest = max(
        case.treatment_lines.all(), key=lambda line: (line.started_on, line.created_at), default=None
    )
    if latest is None:
        return today, "from today: no treatment line is recorded yet, so dates count from today"
    started = f"{latest.get_regimen_display()} started {show_date(latest.started_on)}"
    stopped = latest.progression_date or latest.ended_on
    if latest.has_progressed or stopped:
        # The board is choosing the next line: the count restarts when that line starts.
        ended = f"progressed {show_date(stopped)}" if latest.has_progressed and stopped else "ended"
        return latest.started_on, (
            f"from the start of the latest treatment line ({started}, {ended}); "
            "the count restarts when the next line starts"
        )
    return latest.started_on, f"from the start of the current treatment: {started}"


def followup_view(case: Case, followup: FollowUp, today: date) -> FollowUpView:
    """Turn the engine's schedule into dates counted from the record's treatment dates."""
    if followup.kind == "surveillance":
        anchor, anchor_text = _surveillance_anchor(case)
        title = "Surveillance after curative treatment"
    else:
        monitoring_anchor, anchor_text = _monitoring_anchor(case, today)
        anchor = monitoring_anchor
        title = "Monitoring during treatment"
    schedule = tuple(
        describe_phase(phase, index == 0, followup.kind) for index, phase in enumerate(followup.imaging)
    )
    visits: list[Visit] = []
    earlier = 0
    months_text = ""
    if anchor is not None and followup.imaging:
        horizon = add_months(today, FOLLOWUP_HORIZON_MONTHS)
        for month in schedule_months(followup.imaging):
            due = add_months(anchor, month)
            if due > horizon:
                break
            if due < today:
                earlier += 1
            else:
                visits.append(Visit(due, month, is_next=not visits))
    ranged = any(len(set(p.every_months)) > 1 or len(set(p.until_month)) > 1 for p in followup.imaging)
    if not followup.imaging:
        dates_note = ""
    elif anchor is None:
        dates_note = (
            "Due dates appear once the end of curative treatment is recorded "
            "(resection date or end date of the last treatment line)."
        )
        months_text = _months_text(followup.imaging)
    elif not visits:
        dates_note = "The imaging schedule has been completed."
    else:
        dates_note = "Multiphase CT or MRI with contrast due on these dates (next three years)."
        if ranged:
            dates_note += " Where the guideline gives a range, the dates use the shorter interval."
    return FollowUpView(
        kind=followup.kind,
        title=title,
        schedule=schedule,
        anchor_text=anchor_text,
        anchor_date=anchor,
        visits=tuple(visits),
        next_due=visits[0] if visits else None,
        earlier_count=earlier,
        dates_note=dates_note,
        months_text=months_text,
        notes=followup.notes,
        source=followup.source,
        strength_label=STRENGTH_LABELS[followup.strength],
    )


# --- facts, classification, items -------------------------------------------------------------


def _label(spec: FactSpec, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if spec.choices is not None and value in spec.choices.values:
        return str(spec.choices(value).label)
    if value == "not_done":
        return "Not done"
    if isinstance(value, float):
        return f"{value:g}{spec.unit}"
    return f"{value}{spec.unit}"


def _therapy_line(number: int, line: dict[str, Any]) -> str:
    parts = [f"Line {number}: {_label(FACTS['prior_systemic_therapy'], line['regimen'])}"]
    if line["best_response"]:
        parts.append(f"best response {line['best_response']}")
    if line["progressed"]:
        months = line["months_to_progression"]
        parts.append(f"progressed after {months:g} months" if months is not None else "progressed")
        if line["progressed_off_treatment"]:
            parts.append("during a treatment break")
    elif line["progressed"] is False:
        parts.append("no progression")
    return ", ".join(parts)


def fact_rows(facts: dict[str, Any]) -> tuple[FactRow, ...]:
    """The known facts (non-null, non-empty) in the contract's order, readable."""
    rows = []
    for name, value in facts.items():
        if value is None or value == []:
            continue
        spec = FACTS[name]
        if name == "metastatic_sites":
            shown = ", ".join(_label(spec, site) for site in value)
        elif name == "prior_systemic_therapy":
            shown = "; ".join(_therapy_line(number, line) for number, line in enumerate(value, 1))
        else:
            shown = _label(spec, value)
        rows.append(FactRow(name, spec.label, shown, STEP_LABELS[spec.step]))
    return tuple(rows)


def missing_views(result: CasePathway) -> tuple[MissingView, ...]:
    """Required facts first, then the facts the engine asked for, each with its workup step."""
    required = "Required: the pathway cannot be computed without it."
    views = [
        MissingView(item.field, item.label, required, item.step, STEP_LABELS[item.step], True)
        for item in result.missing
    ]
    if result.pathway is not None:
        for item in result.pathway.missing:
            # A nested field (prior_systemic_therapy.progressed_off_treatment) is entered with its parent.
            spec = FACTS[item.field.split(".")[0]]
            views.append(
                MissingView(item.field, spec.label, item.reason, spec.step, STEP_LABELS[spec.step], False)
            )
    return tuple(views)


def classification_view(pathway: Pathway, facts: dict[str, Any]) -> ClassificationView:
    """The classification with the findings that support it (grade, differentiation, IHC)."""
    found = pathway.classification
    reasons = []
    if facts["differentiation"]:
        text = _label(FACTS["differentiation"], facts["differentiation"])
        if facts["morphology"] and facts["morphology"] != "not_applicable":
            text += f", {_label(FACTS['morphology'], facts['morphology']).lower()} morphology"
        reasons.append(text)
    grade = []
    if facts["ki67_percent"] is not None:
        grade.append(f"Ki-67 {facts['ki67_percent']:g}%")
    if facts["mitoses_per_2mm2"] is not None:
        grade.append(f"{facts['mitoses_per_2mm2']:g} mitoses per 2 mm²")
    if found.grade_basis:
        basis = " and ".join(
            {"ki67": "Ki-67", "mitoses": "mitotic count"}[name] for name in found.grade_basis
        )
        reasons.append(f"{', '.join(grade)}: high grade by {basis} (> 20)")
    elif grade:
        reasons.append(f"{', '.join(grade)}: neither index above 20")
    else:
        reasons.append("No Ki-67 or mitotic count recorded")
    ihc = [
        f"{FACTS[name].label} {_label(FACTS[name], facts[name]).lower()}"
        for name in ("p53_ihc", "rb_ihc", "sstr2a_ihc")
        if facts[name] and facts[name] != "not_done"
    ]
    if ihc:
        reasons.append("; ".join(ihc))
    flags = tuple((flag, FLAG_LABELS.get(flag, flag), flag in WARNING_FLAGS) for flag in found.flags)
    return ClassificationView(
        found.code, CLASSIFICATION_NAMES[found.code], tuple(reasons), found.notes, flags
    )


def item_groups(pathway: Pathway) -> dict[str, Any]:
    """Split the items into the workup checklist, option groups, special topics and advice against."""
    items = [ItemView.of(item) for item in pathway.recommendations]
    by_code = {item.code: item for item in pathway.recommendations}
    special = [item for item in items if by_code[item.code].topic in SPECIAL_TOPICS]
    rest = [item for item in items if by_code[item.code].topic not in SPECIAL_TOPICS]
    offered = [item for item in rest if item.status != "not_recommended"]

    def where(category: str, line: int | None) -> tuple[ItemView, ...]:
        return tuple(
            item for item in offered if by_code[item.code].category == category and item.line == line
        )

    decision = pathway.decision_point
    later_note = f"This decision is for line {decision.line}." if decision.line > 2 else ""
    groups = [
        ItemGroup("local", "Local therapy", where("treatment", None)),
        ItemGroup("front_line", "Systemic therapy — front line", where("treatment", 1)),
        ItemGroup(
            "later_lines", "Systemic therapy — second line and later", where("treatment", 2), later_note
        ),
        ItemGroup(
            "supportive",
            "Supportive care and clinical trials",
            tuple(item for item in offered if by_code[item.code].category in ("supportive", "trial")),
        ),
    ]
    special_groups = [
        ItemGroup(topic, title, tuple(item for item in special if by_code[item.code].topic == topic))
        for topic, title in SPECIAL_TOPICS.items()
    ]
    workup = where("workup", None)
    return {
        "workup": workup,
        "workup_states": {
            state: sum(1 for item in workup if item.done_state == state) for state in DONE_STATES.values()
        },
        "option_groups": [group for group in groups if group.items],
        "special_groups": [group for group in special_groups if group.items],
        "not_recommended": tuple(item for item in rest if item.status == "not_recommended"),
        "counts": {status: sum(1 for item in items if item.status == status) for status in STATUS_LABELS},
    }


def decision_label(pathway: Pathway) -> str:
    """Where the patient stands, in words."""
    decision = pathway.decision_point
    if decision.code == "after_progression":
        done = decision.line - 1
        return f"After progression on {done} line{'s' if done > 1 else ''}: choosing line {decision.line}"
    if decision.code == "after_resection":
        return "After resection: adjuvant decision"
    return "Initial assessment: first treatment decision"


def pdf_filename(case: Case, today: date) -> str:
    """pathway-<MRN>-<date>.pdf with only file-name-safe characters."""
    mrn = re.sub(r"[^A-Za-z0-9_-]+", "_", case.patient.mrn)
    return f"pathway-{mrn}-{today.isoformat()}.pdf"


def age_on(born: date, today: date) -> int:
    """Completed years of age on a day."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _user_name(user: AbstractBaseUser | AnonymousUser) -> str:
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or user.get_username()


def pathway_context(
    case_id: int,
    user: AbstractBaseUser | AnonymousUser,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything the pathway page and the PDF show, from one prefetched query plan (404 if no case)."""
    now = now or timezone.localtime()
    today = today or timezone.localdate()
    case = get_object_or_404(with_record(Case.objects.select_related("responsible_clinician")), pk=case_id)
    result = pathway_for_case(case)
    pathway = result.pathway
    context: dict[str, Any] = {
        "case": case,
        "patient": case.patient,
        "age": age_on(case.patient.date_of_birth, today),
        "result": result,
        "pathway": pathway,
        "missing": missing_views(result),
        "contradictions": conflict_items(result),
        "fact_warnings": [
            {
                "message": item.message,
                "step": finding_step(item),
                "step_label": STEP_LABELS[finding_step(item)],
            }
            for item in (pathway.warnings if pathway else ())
        ],
        "facts_table": fact_rows(result.facts),
        "guideline": GUIDELINE,
        "engine_version": ENGINE_VERSION,
        "contract": CONTRACT,
        "generated_by": _user_name(user),
        "generated_at": now,
        "today": today,
        "pdf_filename": pdf_filename(case, today),
        "timeline_svg": pictures.treatment_timeline_svg(case, today=today),
    }
    route = pictures.Route.of(result.facts, pathway)
    context["flowchart_svg"] = pictures.decision_flowchart_svg(route)
    context["route_text"] = route.text
    if pathway is not None:
        context.update(item_groups(pathway))
        context["classification"] = classification_view(pathway, result.facts)
        context["site_group_label"] = SITE_GROUP_LABELS[pathway.site_group]
        context["setting_label"] = _label(FACTS["extent"], pathway.setting)
        context["decision_label"] = decision_label(pathway)
        context["followup"] = followup_view(case, pathway.followup, today)
    return context
