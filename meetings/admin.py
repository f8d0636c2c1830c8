"""Admin views of meetings: for looking things up; agenda order and decisions are changed in the app."""

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db import models

from cases.admin import AuditedAdmin, Read
from meetings.models import AgendaItem, Attendee, Decision, Meeting, MeetingPacket


class AttendeeInline(admin.TabularInline):
    model = Attendee
    fields = ("name", "specialty")
    extra = 0


class AgendaItemInline(admin.TabularInline):
    """Read-only: positions are renumbered under a lock by meetings.services, never edited here."""

    model = AgendaItem
    fields = ("position", "case", "board_question", "expected_minutes")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("position",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ("board_name", "starts_at", "location")
    date_hierarchy = "starts_at"
    inlines = [AttendeeInline, AgendaItemInline]
    readonly_fields = ("created_at", "created_by", "updated_at", "updated_by")
    # As on the meeting form: a link typed without a scheme is read as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def listed_reads(self, rows: list[Any]) -> Iterable[Read]:
        return []  # the list shows boards, dates and rooms: no patient

    def shown_reads(self, obj: Any) -> Iterable[Read]:
        """The agenda inline names every patient on the agenda."""
        return obj.agenda_items.values_list("case__patient_id", "case_id")


@admin.register(Decision)
class DecisionAdmin(AuditedAdmin):
    """Read-only: decisions are recorded and corrected on the meeting pages, which mark the case discussed."""

    list_display = ("agenda_item", "plan_title", "follows_guideline", "deviation_reason", "next_review_on")
    list_filter = ("follows_guideline", "deviation_reason")
    list_select_related = ("agenda_item__case",)

    def read_of(self, obj: Any) -> Read:
        return (obj.agenda_item.case.patient_id, obj.agenda_item.case_id)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(MeetingPacket)
class MeetingPacketAdmin(admin.ModelAdmin):
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
