"""Pages of the 100-day programme (namespace `programme`)."""

from django.urls import path

from . import views

app_name = "programme"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("all/", views.programme_list, name="list"),
    path("new/", views.programme_add, name="add"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/make-current/", views.programme_make_current, name="make-current"),
    path("<int:pk>/evaluate/", views.programme_evaluate_now, name="evaluate"),
    path(
        "<int:pk>/milestones/export/<str:fmt>/", views.milestones_export, name="milestones-export"
    ),
    path("<int:pk>/milestones/new/", views.milestone_add, name="milestone-add"),
    path("milestones/<int:pk>/", views.milestone_detail, name="milestone"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/record/", views.milestone_record, name="milestone-record"),
    path("milestones/<int:pk>/evidence/", views.milestone_evidence, name="milestone-evidence"),
    path("non-working-days/", views.non_working_days, name="non-working-days"),
    path(
        "non-working-days/<int:pk>/delete/",
        views.non_working_day_delete,
        name="non-working-day-delete",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("status.json", views.status, name="status"),
]
