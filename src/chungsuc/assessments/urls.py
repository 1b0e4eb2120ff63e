from django.urls import path

from chungsuc.assessments import views, views_excel

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="assessment-list"),
    path("new/", views.assessment_create, name="create"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/values/", views.assessment_values, name="values"),
    path("<int:pk>/history/<str:key>/", views.value_history, name="value-history"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path("<int:pk>/framework/move/", views.framework_move, name="framework-move"),
    path("<int:pk>/transition/", views.assessment_transition, name="transition"),
    path("<int:pk>/consultation/open/", views.consultation_open, name="consultation-open"),
    path("<int:pk>/consultation/close/", views.consultation_close, name="consultation-close"),
    path("<int:pk>/condition/", views.condition_set, name="condition"),
    path("<int:pk>/decision/", views.decision_record, name="decision"),
    path("<int:pk>/export.xlsx", views_excel.export_one, name="export"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence-remove"),
    path("decisions/<int:pk>.pdf", views.decision_pdf, name="decision-pdf"),
    path("export/district.xlsx", views_excel.export_district, name="export-district"),
    path("import/", views_excel.import_upload, name="import"),
    path("import/<str:token>/commit/", views_excel.import_commit, name="import-commit"),
    path("register/", views.register, name="register"),
    path("register/template.xlsx", views_excel.register_template, name="register-template"),
    path("register/import/", views_excel.register_import, name="register-import"),
    path(
        "register/import/<str:token>/commit/",
        views_excel.register_import_commit,
        name="register-import-commit",
    ),
    path("register/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("units/<int:unit_pk>/standards/", views.unit_standards, name="unit-standards"),
    path("watch/", views.watch, name="watch"),
    path("public/consultations/", views.public_consultations, name="public-consultations"),
    path("public/consultations/<int:pk>/", views.public_consultation, name="public-consultation"),
    path("public/recognised/", views.public_recognised, name="public-recognised"),
]
