from django.apps import AppConfig


class RecognitionsConfig(AppConfig):
    name = "chungsuc.recognitions"
    label = "recognitions"
    verbose_name = "Công nhận"
