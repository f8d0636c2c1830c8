"""Admin views of meetings: for looking things up; agenda order and decisions are changed in the app."""

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from cases.admin import AuditedAdmin, Read
from meetings.models import AgendaItem, Attendee, Decision, Meeting, MeetingPacket


class AttendeeInline(admin.TabularInline[Attendee, Meeting]):
    model = Attendee
    fields = ("name", "specialty")
    extra = 0


class AgendaItemInline(admin.TabularInline[AgendaItem, Meeting]):
    """Read-only: positions are renumbered under a lock by meetings.services, never edited here."""

    model = AgendaItem
    fields = ("position", "case", "board_question", "expected_minutes")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("position",)

    def has_add_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin[Meeting]):
    list_display = ("board_name", "starts_at", "location")
    date_hierarchy = "starts_at"
    inlines = [AttendeeInline, AgendaItemInline]
    readonly_fields = ("created_at", "created_by", "updated_at", "updated_by")
    # As on the meeting form: a link typed without a scheme is read as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def listed_reads(self, rows: list[Any]) -> Iterable[Read]:
        return []  # the list shows boards, dates and rooms: no patient

    def shown_reads(self, obj: Meeting) -> Iterable[Read]:
        """The agenda inline names every patient on the agenda."""
        return obj.agenda_items.values_list("case__patient_id", "case_id")


@admin.register(Decision)
class DecisionAdmin(AuditedAdmin[Decision]):
    """Read-only: decisions are recorded and corrected on the meeting pages, which mark the case discussed."""

    list_display = ("agenda_item", "plan_title", "follows_guideline", "deviation_reason", "next_review_on")
    list_filter = ("follows_guideline", "deviation_reason")
    list_select_related = ("agenda_item__case",)

    def read_of(self, obj: Decision) -> Read:
        return (obj.agenda_item.case.patient_id, obj.agenda_item.case_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Decision | None = None) -> bool:
        return False


@admin.register(MeetingPacket)
class MeetingPacketAdmin(admin.ModelAdmin[MeetingPacket]):
    list_display = ("meeting", "status", "generated_at", "cases_done", "cases_total")
    exclude = ("pdf",)
    readonly_fields = (
        "status",
        "generation",
        "fingerprint",
        "error",
        "task_id",
        "requested_at",
        "generated_at",
    )
