from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    name = "chungsuc.criteria"
    label = "criteria"
