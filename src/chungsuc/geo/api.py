"""REST API of administrative units (public: the administrative map is public data).

`GET /api/v1/units/?as_of=YYYY-MM-DD[&parent=CODE][&kind=...][&level=...]` lists every unit valid on that
date (default today), paginated; `GET /api/v1/units/{id}/` gives one unit with its history and lineage.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from chungsuc.geo import selectors
from chungsuc.geo.models import ChangeEvent, LineageLink, Unit, UnitKind, UnitLevel, UnitVersion

ROOT_LINKS = {"units": "api:unit-list"}


def parse_as_of(raw: str | None, *, param: str = "as_of") -> dt.date:
    """The date in `raw` (YYYY-MM-DD), today if empty; a 400 with a Vietnamese message otherwise."""
    if raw in (None, ""):
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(
            {param: [f"Ngày '{raw}' không hợp lệ: dùng định dạng YYYY-MM-DD, ví dụ 2023-06-30."]}
        )


class UnitPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class UnitVersionSerializer(serializers.ModelSerializer):
    """A unit as it was on the requested date."""

    id = serializers.IntegerField(source="unit_id", help_text="Mã định danh của đơn vị (bền qua đổi tên).")
    parent = serializers.SerializerMethodField(
        help_text="Mã đơn vị cấp trên vào ngày đó (null nếu không có)."
    )
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


AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, description="Ngày xem (YYYY-MM-DD); mặc định hôm nay.", required=False
)


@extend_schema(
    summary="Đơn vị hành chính có hiệu lực vào một ngày",
    parameters=[
        AS_OF,
        OpenApiParameter("parent", OpenApiTypes.STR, description="Mã đơn vị cấp trên (vào ngày as_of)."),
        OpenApiParameter("kind", OpenApiTypes.STR, enum=UnitKind.values, description="Loại đơn vị."),
        OpenApiParameter("level", OpenApiTypes.STR, enum=UnitLevel.values, description="Cấp đơn vị."),
        OpenApiParameter("page", OpenApiTypes.INT, description="Trang."),
        OpenApiParameter("page_size", OpenApiTypes.INT, description="Số dòng mỗi trang (tối đa 1000)."),
    ],
)
class UnitList(generics.ListAPIView):
    """Every administrative unit valid on `as_of`, with its code, name, kind, level and parent code."""

    permission_classes = [AllowAny]
    serializer_class = UnitVersionSerializer
    pagination_class = UnitPagination
    filter_backends: list = []

    def _choice(self, param: str, choices) -> str | None:
        value = self.request.query_params.get(param) or None
        if value is not None and value not in choices.values:
            raise ValidationError(
                {param: [f"Giá trị '{value}' không hợp lệ; chọn một trong: {', '.join(choices.values)}."]}
            )
        return value

    def get_queryset(self):
        params = self.request.query_params
        self.as_of = parse_as_of(params.get("as_of"))
        kind = self._choice("kind", UnitKind)
        level = self._choice("level", UnitLevel)
        parent_code = (params.get("parent") or "").strip()
        parent = None
        if parent_code:
            parent = selectors.unit_by_code(parent_code, self.as_of)
            if parent is None:
                return UnitVersion.objects.none()
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


@extend_schema(summary="Một đơn vị hành chính: các trạng thái, sự kiện thay đổi, đơn vị tiền thân và kế thừa")
class UnitDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = UnitDetailSerializer
    queryset = Unit.objects.all()

    def retrieve(self, request, *args, **kwargs):
        unit = get_object_or_404(Unit, pk=kwargs["pk"])
        history = selectors.unit_history(unit)
        serializer = self.get_serializer(unit, context={**self.get_serializer_context(), "history": history})
        return Response(serializer.data)


@extend_schema(
    summary="Ranh giới các đơn vị vào một ngày (GeoJSON FeatureCollection) cho bản đồ",
    parameters=[
        AS_OF,
        OpenApiParameter("level", OpenApiTypes.STR, enum=UnitLevel.values, description="Cấp đơn vị."),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class UnitBoundaries(generics.GenericAPIView):
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
    path("units/<int:pk>/", UnitDetail.as_view(), name="unit-detail"),
]
