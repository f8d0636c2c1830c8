"""The one-page board sheet of a case: who, the question, the classification, top options, open workup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.template.loader import render_to_string
from django.utils.text import Truncator

from cases.models import Case
from guidelines.items import ItemView
from guidelines.pathway_view import PathwayView
from guidelines.pdf import pdf_bytes, render_document

# What fits on one page under the classification and above the decision box, on A4 and Letter.
MAX_OPTIONS = 6
MAX_WORKUP = 5
# Record warnings spelled out on the sheet (the rest are counted and named in the full summary).
MAX_WARNINGS = 2
MAX_WARNING_CHARACTERS = 160
MAX_QUESTION_CHARACTERS = 240  # a question may hold 2000 (cases.models.text.BOARD_QUESTION_LENGTH)
# ?paper= values of the sheet's URL and the CSS page size each one means.
PAPER_SIZES = {"a4": "A4", "letter": "Letter"}
STATUS_ORDER = ("recommended", "consider")

# Where the board will ask its question: meetings knows the agenda, guidelines does not import it
# (engine <- cases <- guidelines <- meetings), so meetings registers a source at start-up.
BoardQuestionSource = Callable[[Case], str | None]
_question_sources: list[BoardQuestionSource] = []


def register_board_question_source(source: BoardQuestionSource) -> None:
    """Tell guidelines where a case's next board question is asked (once, however often called)."""
    if source not in _question_sources:
        _question_sources.append(source)


def board_question_for(case: Case) -> str:
    """The question of the case's next meeting's agenda if a source knows one, else the case's own."""
    for source in _question_sources:
        question = source(case)
        if question:
            return question
    return case.board_question


@dataclass(frozen=True)
class SheetOption:
    """One option on the sheet with the section of the pathway it comes from."""

    section: str
    item: ItemView


@dataclass(frozen=True)
class SheetView:
    """What the board sheet shows: the pathway view cut to what fits one page."""

    view: PathwayView
    options: tuple[SheetOption, ...]
    more_options: int
    workup: tuple[ItemView, ...]
    more_workup: int
    # What the sheet cannot show in full but a board must not miss: the full summary has each.
    warnings: tuple[str, ...] = ()
    more_warnings: int = 0
    not_recommended: int = 0


def sheet_view(view: PathwayView) -> SheetView:
    """The top options (recommended first, in the pathway's order), the workup not shown done, and the
    question cut to what fits."""
    if len(view.board_question) > MAX_QUESTION_CHARACTERS:
        shortened = Truncator(view.board_question).chars(MAX_QUESTION_CHARACTERS)
        view = replace(view, board_question=f"{shortened} (shortened: the full question is in the summary)")
    plan = view.plan
    if plan is None:
        return SheetView(view, (), 0, (), 0)
    offered = [
        SheetOption(group.title, item)
        for status in STATUS_ORDER
        for group in plan.items.offered_groups
        for item in group.items
        if item.status == status
    ]
    open_workup = [item for item in plan.items.workup if item.done_state != "done"]
    warnings = [Truncator(warning.message).chars(MAX_WARNING_CHARACTERS) for warning in view.fact_warnings]
    return SheetView(
        view=view,
        options=tuple(offered[:MAX_OPTIONS]),
        more_options=max(0, len(offered) - MAX_OPTIONS),
        workup=tuple(open_workup[:MAX_WORKUP]),
        more_workup=max(0, len(open_workup) - MAX_WORKUP),
        warnings=tuple(warnings[:MAX_WARNINGS]),
        more_warnings=max(0, len(warnings) - MAX_WARNINGS),
        not_recommended=len(plan.items.not_recommended),
    )


def sheet_html(sheet: SheetView) -> str:
    """The board sheet as printable HTML (templates/pathway/sheet.html)."""
    return render_to_string("pathway/sheet.html", {"sheet": sheet, "view": sheet.view})


def render_sheet_pdf(sheet: SheetView, *, paper: str | None = None) -> bytes:
    """The board sheet as PDF bytes, on the paper given (a PAPER_SIZES key) or the setting's."""
    return pdf_bytes(render_document(sheet_html(sheet), page_size=PAPER_SIZES.get(paper or "")))


def sheet_filename(view: PathwayView) -> str:
    """board-sheet-<MRN>-<date>.pdf, beside the pathway summary's name."""
    return view.pdf_filename.replace("pathway-", "board-sheet-", 1)
