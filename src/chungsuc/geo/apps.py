from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "chungsuc.geo"
    label = "geo"
