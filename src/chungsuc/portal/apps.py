from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "chungsuc.portal"
    label = "portal"
