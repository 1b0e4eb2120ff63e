from django.urls import path  # noqa: F401

from chungsuc.geo import views  # noqa: F401

app_name = "geo"

urlpatterns: list = []
