"""REST API of criteria sets (public: the criteria are published law, and evaluation is a pure calculator).

- `GET /api/v1/frameworks/` — the frameworks in force (code, version, name, level, standard, period).
- `GET /api/v1/frameworks/{code}/[?version=N]` — one framework with criteria, indicators and thresholds
  (each with its legal source and verified flag).
- `POST /api/v1/evaluate/` — body `{"framework", "year", "region", "group", "kind", "values"}`; answers the
  same JSON as `chungsuc evaluate` (both call `selectors.evaluation_for`); 400 with a Vietnamese message
  naming the code and the reason on bad input. Public and stateless: it stores nothing.
"""

from __future__ import annotations

import json

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from chungsuc.core.api_errors import ProblemSerializer, VietnameseErrorsMixin
from chungsuc.criteria import selectors
from chungsuc.criteria.engine import EvaluationError

ROOT_LINKS = {"frameworks": "api:framework-list", "evaluate": "api:evaluate"}


class FrameworkSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.CharField()
    standard = serializers.CharField()
    period_start = serializers.IntegerField(allow_null=True)
    period_end = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    legal_basis = serializers.CharField()
    legal_verified = serializers.BooleanField()
    presupposes = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("api:framework-detail", kwargs={"code": obj.code}, request=self.context.get("request"))


class EvaluateRequestSerializer(serializers.Serializer):
    framework = serializers.CharField(help_text="Mã bộ tiêu chí, ví dụ xa-ntm-2021")
    year = serializers.IntegerField(help_text="Năm đánh giá")
    region = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Vùng (bộ 2021–2025), ví dụ dong_bang_song_cuu_long",
    )
    group = serializers.IntegerField(
        required=False, allow_null=True, help_text="Nhóm xã 1/2/3 (bộ 2026–2030)"
    )
    kind = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="Loại đơn vị: xa, huyen…"
    )
    version = serializers.IntegerField(
        required=False, allow_null=True, help_text="Phiên bản (mặc định: hiện hành)"
    )
    values = serializers.DictField(
        help_text="Mã chỉ tiêu → giá trị (true/false cho đạt/không đạt, số cho còn lại)",
        child=serializers.JSONField(),
    )


# JSON types the evaluate body's fields must have (the request schema above, checked strictly: the API
# does not guess, e.g. "2024" as a string is refused; the CLI and the pages parse text themselves).
_BODY_TYPES = {
    "framework": (str, False, "chuỗi ký tự"),
    "year": (int, False, "số nguyên"),
    "region": (str, True, "chuỗi ký tự hoặc null"),
    "group": (int, True, "số nguyên 1, 2, 3 hoặc null"),
    "kind": (str, True, "chuỗi ký tự hoặc null"),
    "version": (int, True, "số nguyên dương hoặc null"),
    "values": (dict, False, "đối tượng JSON mã chỉ tiêu → giá trị"),
}


def body_type_errors(body: dict) -> dict[str, list[str]]:
    """Fields of the evaluate body that are missing or of the wrong JSON type, with Vietnamese reasons."""
    errors: dict[str, list[str]] = {}
    for name, (kind, optional, label) in _BODY_TYPES.items():
        if name not in body:
            if not optional:
                errors[name] = [_("Thiếu trường '%(field)s' (%(type)s).") % {"field": name, "type": label}]
            continue
        value = body[name]
        if value is None and optional:
            continue
        if isinstance(value, bool) or not isinstance(value, kind):
            errors[name] = [
                _("Trường '%(field)s' phải là %(type)s, không phải %(value)s.")
                % {"field": name, "type": label, "value": json.dumps(value, ensure_ascii=False)[:80]}
            ]
    return errors


EVALUATION_SCHEMA = inline_serializer(
    "Evaluation",
    fields={
        "framework": serializers.CharField(),
        "version": serializers.IntegerField(),
        "standard_met": serializers.BooleanField(),
        "criteria_met": serializers.IntegerField(),
        "criteria_total": serializers.IntegerField(),
        "band": serializers.CharField(),
        "band_label": serializers.CharField(),
        "criteria": serializers.ListField(
            child=serializers.DictField(),
            help_text=(
                "code, name, met, missing, indicators: code, value, threshold, comparator, "
                "status (met/not_met/missing), reason (value/threshold), verified, source"
            ),
        ),
        "missing": serializers.ListField(child=serializers.CharField()),
        "missing_thresholds": serializers.ListField(child=serializers.CharField()),
        "unverified_thresholds": serializers.ListField(child=serializers.CharField()),
        "explanation": serializers.CharField(),
    },
)
ERROR_SCHEMA = inline_serializer("EvaluationProblem", fields={"detail": serializers.CharField()})


def parse_version(raw) -> int | None:
    """The `version` query parameter: left out for the version in force, else a positive integer
    (400, an empty value included)."""
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdecimal() and 0 < int(raw) < 2**31):
        raise ValidationError(
            {"version": [_("Phiên bản '%(value)s' không hợp lệ: cần một số nguyên dương.") % {"value": raw}]}
        )
    return int(raw)


class FrameworkList(VietnameseErrorsMixin, APIView):
    """The criteria sets in force."""

    permission_classes = [AllowAny]

    @extend_schema(responses=FrameworkSummarySerializer(many=True))
    def get(self, request):
        data = FrameworkSummarySerializer(
            selectors.frameworks_current(), many=True, context={"request": request}
        ).data
        return Response(data)


class FrameworkDetail(VietnameseErrorsMixin, APIView):
    """One criteria set with criteria, indicators and threshold rules (legal source and verified flag)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version",
                {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                description="Phiên bản (mặc định: hiện hành)",
            )
        ],
        responses={200: OpenApiTypes.OBJECT, 400: ProblemSerializer, 404: ERROR_SCHEMA},
    )
    def get(self, request, code: str):
        version = parse_version(request.query_params.get("version"))
        fw = selectors.framework_get(code, version)
        spec = selectors.spec_of(fw)
        spec.update(
            version=fw.version,
            status=fw.status,
            change_reason=fw.change_reason,
            versions=list(selectors.framework_versions(code).values_list("version", flat=True)),
        )
        return Response(spec)


class Evaluate(VietnameseErrorsMixin, APIView):
    """Evaluate one unit's values against a criteria set and explain the result (public calculator)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # public and stateless: no session, so no CSRF token needed
    parser_classes = [JSONParser]  # a JSON body only: `values` is a nested object

    @extend_schema(
        request=EvaluateRequestSerializer,
        responses={200: EVALUATION_SCHEMA, 400: ERROR_SCHEMA},
        examples=[
            OpenApiExample(
                "Xã NTM An Giang 2025",
                request_only=True,
                value={
                    "framework": "xa-ntm-2021-ag",
                    "year": 2025,
                    "region": "dong_bang_song_cuu_long",
                    "kind": "xa",
                    "values": {"3.1": 82.5, "3.2": True, "10": 63.4, "15.1": 92},
                },
            )
        ],
    )
    def post(self, request):
        body = request.data
        if not isinstance(body, dict):
            return Response({"detail": _("Nội dung yêu cầu phải là một đối tượng JSON.")}, status=400)
        errors = body_type_errors(body)
        if errors:
            first = next(iter(errors.values()))[0]
            return Response({"detail": first, **errors}, status=400)
        try:
            result = selectors.evaluation_for(
                framework=body.get("framework"),
                year=body.get("year"),
                values=body.get("values"),
                region=body.get("region"),
                group=body.get("group"),
                kind=body.get("kind"),
                version=body.get("version"),
            )
        except EvaluationError as exc:
            return Response({"detail": str(exc)}, status=400)
        return Response(result)


urlpatterns = [
    path("frameworks/", FrameworkList.as_view(), name="framework-list"),
    # any text, so that a code with other characters answers the API's JSON 404, not the site's HTML page
    path("frameworks/<str:code>/", FrameworkDetail.as_view(), name="framework-detail"),
    path("evaluate/", Evaluate.as_view(), name="evaluate"),
]
