"""URL routes for tumor board cases."""

from django.urls import path

from cases.views import access_report, case_list, case_page, workup

app_name = "cases"

urlpatterns = [
    path("", case_list.case_list, name="list"),
    path("new/", workup.case_new, name="new"),
    path("<int:pk>/", case_page.case_detail, name="detail"),
    path("<int:pk>/close/", case_page.case_close, name="close"),
    path("<int:pk>/comments/", case_page.comment_add, name="comment_add"),
    path("<int:pk>/history/", case_page.case_history_view, name="history"),
    path("<int:pk>/workup/<slug:step>/", workup.workup_step, name="workup"),
    path("<int:pk>/workup/<slug:step>/validate/", workup.workup_validate, name="workup_validate"),
    path("<int:pk>/workup/<slug:step>/draft/", workup.workup_draft, name="workup_draft"),
    path("<int:pk>/workup/<slug:step>/discard/", workup.workup_discard, name="workup_discard"),
    path("access-report/", access_report.access_report, name="access_report"),
]
