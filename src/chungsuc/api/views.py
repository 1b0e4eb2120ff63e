from importlib import import_module

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
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
    """Exchange a username and password for an API token (header: `Authorization: Token <key>`).

    Throttled with the login form (accounts/throttle.py): a locked-out username or address answers 429
    with the lockout message, never "wrong password".
    """

    @extend_schema(
        responses={
            200: inline_serializer("TokenAnswer", {"token": drf_serializers.CharField()}),
            400: OpenApiResponse(description="Tên đăng nhập hoặc mật khẩu không đúng."),
            429: OpenApiResponse(description="Đăng nhập tạm thời bị khóa do sai quá nhiều lần."),
        }
    )
    def post(self, request, *args, **kwargs):
        from chungsuc.accounts.throttle import lockout_response

        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request)
            raise
