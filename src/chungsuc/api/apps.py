from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chungsuc.api"
    label = "api"
