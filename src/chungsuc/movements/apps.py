from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "chungsuc.movements"
    label = "movements"
    verbose_name = "Phong trào thi đua"
