from django.urls import path

from chungsuc.assessments import views, views_excel

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="assessment-list"),
    path("new/", views.assessment_create, name="create"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/values/", views.assessment_values, name="values"),
    path("<int:pk>/refresh/", views.assessment_refresh, name="refresh"),
    path("<int:pk>/history/<str:key>/", views.value_history, name="value-history"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path("<int:pk>/framework/move/", views.framework_move, name="framework-move"),
    path("<int:pk>/transition/", views.assessment_transition, name="transition"),
    path("<int:pk>/export.xlsx", views_excel.export_one, name="export"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence-remove"),
    path("export/district.xlsx", views_excel.export_district, name="export-district"),
    path("import/", views_excel.import_upload, name="import"),
    path("import/<str:token>/commit/", views_excel.import_commit, name="import-commit"),
]
