from importlib import import_module

from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from chungsuc.core.api_errors import VietnameseErrorsMixin


class ApiRoot(APIView):
    """Chung Sức REST API, version 1: the list of endpoints."""

    permission_classes = [AllowAny]
    api_modules: list[str] = []

    @extend_schema(exclude=True)
    def get(self, request, format=None):
        links = {
            "schema": reverse("api:schema", request=request),
            "docs": reverse("api:docs", request=request),
            "token": reverse("api:token", request=request),
        }
        for module_name in self.api_modules:
            for key, name in getattr(import_module(module_name), "ROOT_LINKS", {}).items():
                links[key] = reverse(name, request=request)
        return Response(links)


class ObtainToken(VietnameseErrorsMixin, ObtainAuthToken):
    """Exchange a username and password for an API token (header: `Authorization: Token <key>`)."""
