"""Coverage pages (namespace `coverage`)."""

from django.urls import path

from . import field_views, views

app_name = "coverage"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("blank-spots/", views.blank_spots, name="blank-spots"),
    path("blank-spots/export/<str:fmt>/", views.blank_spots_export, name="blank-spots-export"),
    path("villages/", views.villages, name="villages"),
    path("villages/export/<str:fmt>/", views.villages_export, name="villages-export"),
    path("map/", views.coverage_map, name="map"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/export/<str:fmt>/", views.surveys_export, name="surveys-export"),
    path("surveys/<uuid:client_uuid>/", views.survey, name="survey"),
    path("surveys/<uuid:client_uuid>/review/", views.survey_review, name="survey-review"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("import/", views.import_surveys, name="import"),
    path("import/template.csv", views.import_template, {"fmt": "csv"}, name="template-csv"),
    path("import/template.xlsx", views.import_template, {"fmt": "xlsx"}, name="template-xlsx"),
    path("todo/", views.todo, name="todo"),
    path("field/", field_views.field, name="field"),
    path("field/sw.js", field_views.field_service_worker, name="field-sw"),
    path("field/manifest.webmanifest", field_views.field_manifest, name="field-manifest"),
]
