"""REST API of administrative units (public: the administrative map is public data).

`GET /api/v1/units/?as_of=YYYY-MM-DD[&parent=CODE][&kind=...][&level=...]` lists every unit valid on that
date (default today), paginated; `GET /api/v1/units/{id}/` gives one unit with its history and lineage.
"""

from __future__ import annotations

import datetime as dt

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from chungsuc.core import api_params
from chungsuc.core.api_errors import ProblemSerializer, VietnameseErrorsMixin
from chungsuc.core.pagination import PageNumberPagination
from chungsuc.geo import selectors
from chungsuc.geo.models import ChangeEvent, LineageLink, Unit, UnitKind, UnitLevel, UnitVersion

ROOT_LINKS = {"units": "api:unit-list"}


def parse_as_of(raw: str | None, *, param: str = "as_of") -> dt.date:
    """The date in `raw` (YYYY-MM-DD), today if the parameter is left out; a 400 with a Vietnamese
    message otherwise (an empty value included)."""
    if raw is None:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(
            {
                param: [
                    _("Ngày '%(value)s' không hợp lệ: dùng định dạng YYYY-MM-DD, ví dụ 2023-06-30.")
                    % {"value": raw}
                ]
            }
        )


class UnitPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isascii() and raw.isdecimal() and int(raw) >= 1):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Số dòng mỗi trang '%(value)s' không hợp lệ: cần một số nguyên từ 1 đến %(max)s.")
                        % {"value": raw, "max": self.max_page_size}
                    ]
                }
            )
        return super().get_page_size(request)


@extend_schema_field(
    {
        # wrapped in allOf so drf-spectacular keeps it inline instead of naming a shared "Kind" enum
        # component, which would collide with the organisations' `kind` choices
        "allOf": [{"type": "string", "enum": UnitKind.values}],
        "description": "; ".join(f"{value} = {label}" for value, label in UnitKind.choices),
    }
)
class UnitKindField(serializers.ChoiceField):
    """The kind of unit."""

    def __init__(self, **kwargs):
        super().__init__(choices=UnitKind.choices, **kwargs)


class UnitVersionSerializer(serializers.ModelSerializer):
    """A unit as it was on the requested date."""

    id = serializers.IntegerField(source="unit_id", help_text="Mã định danh của đơn vị (bền qua đổi tên).")
    parent = serializers.SerializerMethodField(
        help_text="Mã đơn vị cấp trên vào ngày đó (null nếu không có)."
    )
    kind = UnitKindField()
    kind_label = serializers.CharField(source="get_kind_display")
    unit_valid_from = serializers.DateField(source="unit.valid_from", allow_null=True)
    unit_valid_to = serializers.DateField(source="unit.valid_to", allow_null=True)
    region = serializers.CharField(source="unit.region")
    verified = serializers.BooleanField(source="unit.verified")
    url = serializers.HyperlinkedRelatedField(
        source="unit", view_name="api:unit-detail", read_only=True, lookup_field="pk"
    )

    class Meta:
        model = UnitVersion
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "level",
            "parent",
            "valid_from",
            "valid_to",
            "unit_valid_from",
            "unit_valid_to",
            "region",
            "verified",
            "url",
        ]

    def get_parent(self, obj: UnitVersion) -> str | None:
        if obj.parent_id is None:
            return None
        codes = self.context.get("parent_codes") or {}
        return codes.get(obj.parent_id) or obj.parent.code


class VersionSerializer(serializers.ModelSerializer):
    kind = UnitKindField()
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    parent_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = UnitVersion
        fields = ["code", "name", "kind", "level", "parent", "parent_id", "valid_from", "valid_to"]


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="create, dissolve, rename, reclassify, merge, split, transfer")
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = ChangeEvent
        fields = ["id", "date", "kind", "kind_label", "legal_act", "description", "source", "verified"]


class LinkSerializer(serializers.ModelSerializer):
    predecessor = serializers.SerializerMethodField()
    successor = serializers.SerializerMethodField()
    event = EventSerializer()

    class Meta:
        model = LineageLink
        fields = ["predecessor", "successor", "share", "verified", "note", "event"]

    @staticmethod
    def _unit(unit: Unit) -> dict:
        return {
            "id": unit.pk,
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "valid_from": unit.valid_from,
            "valid_to": unit.valid_to,
        }

    def get_predecessor(self, obj) -> dict:
        return self._unit(obj.predecessor)

    def get_successor(self, obj) -> dict:
        return self._unit(obj.successor)


class UnitDetailSerializer(serializers.ModelSerializer):
    kind = UnitKindField()
    versions = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    predecessors = serializers.SerializerMethodField()
    successors = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "level",
            "valid_from",
            "valid_to",
            "region",
            "commune_group",
            "verified",
            "note",
            "source",
            "versions",
            "changes",
            "events",
            "predecessors",
            "successors",
        ]

    def _history(self, obj):
        return self.context["history"]

    def get_versions(self, obj) -> list[dict]:
        return VersionSerializer(self._history(obj).versions, many=True).data

    def get_changes(self, obj) -> list[dict]:
        return [
            {
                "date": c.date,
                "fields": c.fields,
                "before": {"code": c.before.code, "name": c.before.name, "kind": c.before.kind},
                "after": {"code": c.after.code, "name": c.after.name, "kind": c.after.kind},
            }
            for c in self._history(obj).changes
        ]

    def get_events(self, obj) -> list[dict]:
        return EventSerializer(self._history(obj).events, many=True).data

    def get_predecessors(self, obj) -> list[dict]:
        return LinkSerializer(self._history(obj).predecessors, many=True).data

    def get_successors(self, obj) -> list[dict]:
        return LinkSerializer(self._history(obj).successors, many=True).data


LEVEL = OpenApiParameter(
    "level",
    {"type": "string", "enum": list(UnitLevel.values)},
    description="Cấp đơn vị (bỏ tham số = mọi cấp).",
)
AS_OF = OpenApiParameter(
    "as_of",
    {"type": "string", "format": "date"},
    description="Ngày xem (YYYY-MM-DD); bỏ tham số là hôm nay.",
    required=False,
)


@extend_schema(
    summary="Đơn vị hành chính có hiệu lực vào một ngày",
    parameters=[
        AS_OF,
        OpenApiParameter(
            "parent", {"type": "string", "minLength": 1}, description="Mã đơn vị cấp trên (vào ngày as_of)."
        ),
        OpenApiParameter(
            "kind",
            {"type": "string", "enum": list(UnitKind.values)},
            description="Loại đơn vị (bỏ tham số = mọi loại).",
        ),
        LEVEL,
        OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="Trang."),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1},
            description="Số dòng mỗi trang (tối đa 1000; lớn hơn thì lấy 1000).",
        ),
    ],
    responses={200: UnitVersionSerializer(many=True), 400: ProblemSerializer, 404: ProblemSerializer},
)
class UnitList(VietnameseErrorsMixin, generics.ListAPIView):
    """Every administrative unit valid on `as_of`, with its code, name, kind, level and parent code."""

    permission_classes = [AllowAny]
    serializer_class = UnitVersionSerializer
    pagination_class = UnitPagination
    filter_backends: list = []

    def _choice(self, param: str, choices) -> str | None:
        value = self.request.query_params.get(param)
        if value is not None and value not in choices.values:
            raise ValidationError(
                {
                    param: [
                        _("Giá trị '%(value)s' không hợp lệ; chọn một trong: %(choices)s.")
                        % {"value": value, "choices": ", ".join(choices.values)}
                    ]
                }
            )
        return value

    def get_queryset(self):
        params = self.request.query_params
        self.as_of = parse_as_of(params.get("as_of"))
        kind = self._choice("kind", UnitKind)
        level = self._choice("level", UnitLevel)
        if params.get("parent") == "":
            raise ValidationError({"parent": [api_params.empty_message("parent")]})
        parent_code = (params.get("parent") or "").strip()
        parent = None
        if parent_code:
            parent = selectors.unit_by_code(parent_code, self.as_of)
            if parent is None:
                if not selectors.code_ever_used(parent_code):
                    raise ValidationError(
                        {"parent": [_("Không có đơn vị nào mang mã '%(code)s'.") % {"code": parent_code}]}
                    )
                return UnitVersion.objects.none()  # the code existed, but not on that date
        return selectors.units_on(self.as_of, parent=parent, kind=kind, level=level)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "as_of"):
            context["parent_codes"] = selectors.codes_on(self.as_of)
        return context

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["as_of"] = self.as_of.isoformat()
        return response


@extend_schema(
    summary="Một đơn vị hành chính: các trạng thái, sự kiện thay đổi, đơn vị tiền thân và kế thừa",
    parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Mã định danh.")],
    responses={200: UnitDetailSerializer, 404: ProblemSerializer},
)
class UnitDetail(VietnameseErrorsMixin, generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = UnitDetailSerializer
    queryset = Unit.objects.all()

    def retrieve(self, request, *args, **kwargs):
        raw = str(kwargs["pk"])
        unit = (
            Unit.objects.filter(pk=int(raw)).first()
            if raw.isascii() and raw.isdecimal() and len(raw) < 19
            else None
        )
        if unit is None:
            raise NotFound(_("Không có đơn vị hành chính mang mã định danh '%(id)s'.") % {"id": raw})
        history = selectors.unit_history(unit)
        serializer = self.get_serializer(unit, context={**self.get_serializer_context(), "history": history})
        return Response(serializer.data)


@extend_schema(
    summary="Ranh giới các đơn vị vào một ngày (GeoJSON FeatureCollection) cho bản đồ",
    parameters=[
        AS_OF,
        LEVEL,
    ],
    responses={200: OpenApiTypes.OBJECT, 400: ProblemSerializer},
)
class UnitBoundaries(VietnameseErrorsMixin, generics.GenericAPIView):
    """Boundaries valid on `as_of` as a GeoJSON FeatureCollection (properties: id, code, name, kind, level),
    with the attribution the boundary licences require."""

    permission_classes = [AllowAny]
    pagination_class = None
    filter_backends: list = []

    def get(self, request, *args, **kwargs):
        day = parse_as_of(request.query_params.get("as_of"))
        level = UnitList._choice(self, "level", UnitLevel)
        features, attributions = [], []
        for boundary, version in selectors.boundaries_on(day, level=level):
            features.append(
                {
                    "type": "Feature",
                    "id": version.unit_id,
                    "geometry": boundary.geometry,
                    "properties": {
                        "id": version.unit_id,
                        "code": version.code,
                        "name": version.name,
                        "kind": version.kind,
                        "level": version.level,
                    },
                }
            )
            if boundary.source and boundary.source not in attributions:
                attributions.append(boundary.source)
        return Response(
            {
                "type": "FeatureCollection",
                "as_of": day.isoformat(),
                "attribution": attributions,
                "features": features,
            }
        )


urlpatterns = [
    path("units/", UnitList.as_view(), name="unit-list"),
    path("units/boundaries/", UnitBoundaries.as_view(), name="unit-boundaries"),
    # any text, so that a malformed id answers the API's JSON 404 rather than the site's HTML page
    path("units/<str:pk>/", UnitDetail.as_view(), name="unit-detail"),
]
