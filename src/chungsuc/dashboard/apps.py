from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "chungsuc.dashboard"
    label = "dashboard"
