from django.urls import path

from chungsuc.movements import views, views_inspections

app_name = "movements"

urlpatterns = [
    path("", views.movement_list, name="list"),
    path("new/", views.movement_create, name="create"),
    path("<int:pk>/", views.movement_detail, name="detail"),
    path("<int:pk>/progress/", views.movement_progress, name="progress"),
    path("<int:pk>/progress.xlsx", views.progress_export, name="progress-export"),
    path("<int:pk>/forecast/", views.movement_forecast, name="forecast"),
    path("<int:pk>/obligations/", views.movement_obligations, name="obligations"),
    path("<int:pk>/consolidation/", views.consolidation, name="consolidation"),
    path("<int:pk>/groups/", views.unit_groups, name="groups"),
    path("<int:pk>/roadmaps/", views.roadmaps, name="roadmaps"),
    path("<int:pk>/pilots/", views.pilots, name="pilots"),
    path("<int:pk>/amendments/", views.amendments, name="amendments"),
    path("<int:pk>/clusters/", views.clusters, name="clusters"),
    path("<int:pk>/models/", views.models_list, name="models"),
    path("<int:pk>/inspections/", views.inspections, name="inspections"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("<int:pk>/inspection-teams/", views_inspections.inspection_teams, name="inspection-teams"),
    path("inspection-teams/<int:pk>/", views_inspections.inspection_team, name="inspection-team"),
    path(
        "inspection-teams/<int:pk>/decision/",
        views_inspections.inspection_team_decision,
        name="inspection-team-decision",
    ),
    path("models/<int:pk>/", views.model_detail, name="model"),
    path("models/attachments/<int:pk>/", views.model_attachment, name="model-attachment"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster"),
    path("obligations/<int:pk>/report/", views.obligation_report, name="obligation-report"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/transition/", views.report_transition, name="report-transition"),
    path("reports/<int:pk>/attach/", views.report_attach, name="report-attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
