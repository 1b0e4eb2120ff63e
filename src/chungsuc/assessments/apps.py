from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "chungsuc.assessments"
    label = "assessments"
