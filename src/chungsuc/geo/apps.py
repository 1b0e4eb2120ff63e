from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "chungsuc.geo"
    label = "geo"

    def ready(self) -> None:
        from chungsuc.geo import closure

        closure.connect()  # keep the derived closure and heir tables in line with the units
