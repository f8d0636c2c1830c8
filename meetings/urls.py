"""URL routes for tumor board meetings."""

from django.urls import path

from meetings.views import agenda, decisions, documents, meeting, present

app_name = "meetings"

urlpatterns = [
    path("", meeting.meeting_list, name="list"),
    path("new/", meeting.meeting_new, name="new"),
    path("<int:pk>/", meeting.meeting_detail, name="detail"),
    path("<int:pk>/edit/", meeting.meeting_edit, name="edit"),
    path("<int:pk>/attendees/", meeting.attendee_add, name="attendee_add"),
    path("<int:pk>/attendees/<int:attendee_pk>/remove/", meeting.attendee_remove, name="attendee_remove"),
    path("<int:pk>/agenda/", agenda.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/", agenda.agenda_item_edit, name="agenda_item"),
    path("<int:pk>/agenda/<int:item_pk>/move/", agenda.agenda_move, name="agenda_move"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", agenda.agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/<int:item_pk>/decision/", decisions.decision_edit, name="decision"),
    path("<int:pk>/present/", present.present, name="present"),
    path("<int:pk>/present/<int:position>/", present.present, name="present_case"),
    path("<int:pk>/packet/", documents.packet_request, name="packet_request"),
    path("<int:pk>/packet/status/", documents.packet_status, name="packet_status"),
    path("<int:pk>/packet.pdf", documents.packet_pdf, name="packet_pdf"),
    path("<int:pk>/minutes.pdf", documents.minutes_pdf, name="minutes_pdf"),
]
