from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chungsuc.core"
    label = "core"
