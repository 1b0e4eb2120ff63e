"""The REST API root. Each app keeps its serializers and views in its own `api.py`, which exposes
`urlpatterns` (included here) and `ROOT_LINKS` (listed at /api/v1/)."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from chungsuc.api import views

app_name = "api"

API_MODULES = [
    "chungsuc.geo.api",
    "chungsuc.accounts.api",
    "chungsuc.criteria.api",
    "chungsuc.assessments.api",
    "chungsuc.recognitions.api",
    "chungsuc.movements.api",
]

urlpatterns = [
    path("", views.ApiRoot.as_view(api_modules=API_MODULES), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("auth/token/", views.ObtainToken.as_view(), name="token"),
]
for module_name in API_MODULES:
    module = import_module(module_name)
    urlpatterns.append(path("", include(module.urlpatterns)))
