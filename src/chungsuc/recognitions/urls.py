from django.urls import path

from chungsuc.recognitions import views

app_name = "recognitions"

urlpatterns = [
    path("dossiers/<int:pk>/consultation/open/", views.consultation_open, name="consultation-open"),
    path("dossiers/<int:pk>/consultation/close/", views.consultation_close, name="consultation-close"),
    path("dossiers/<int:pk>/condition/", views.condition_set, name="condition"),
    path("dossiers/<int:pk>/decision/", views.decision_record, name="decision"),
    path("dossiers/<int:pk>/survey/", views.survey_record, name="survey"),
    path("dossiers/<int:pk>/survey/attest/", views.survey_attest, name="survey-attest"),
    path("dossiers/<int:pk>/survey/minutes/", views.survey_minutes, name="survey-minutes"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment-hide"),
    path("decisions/<int:pk>.pdf", views.decision_pdf, name="decision-pdf"),
    path("register/", views.register, name="register"),
    path("register/template.xlsx", views.register_template, name="register-template"),
    path("register/import/", views.register_import, name="register-import"),
    path(
        "register/import/<str:token>/commit/",
        views.register_import_commit,
        name="register-import-commit",
    ),
    path("register/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("units/<int:unit_pk>/standards/", views.unit_standards, name="unit-standards"),
    path("watch/", views.watch, name="watch"),
]
