"""REST API of recognitions.

- `GET /api/v1/recognitions/[?on=YYYY-MM-DD&standard=]` — the register as of a date (public data).
- `POST /api/v1/recognitions/import/` — `{"dry_run": true, "rows": [{"unit_code": "30703", ...}]}`:
  past recognitions into the register (province roles; 403 otherwise). All or nothing: 400 naming
  every bad row ("Dòng N" = rows[N-1]) and field; a dry run answers what would be added or changed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from chungsuc.assessments.api import _errors
from chungsuc.recognitions import register_import, selectors, services
from chungsuc.recognitions.models import RecognitionRecord

ROOT_LINKS = {"recognitions": "api:recognition-list"}


class RecognitionSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = RecognitionRecord
        fields = [
            "id",
            "unit_code",
            "unit_name",
            "standard",
            "year",
            "since",
            "since_precision",
            "until",
            "decision_text",
            "source",
            "verified",
            "uncertainty",
        ]


class RecognitionList(ListAPIView):
    serializer_class = RecognitionSerializer
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("on", str, description="YYYY-MM-DD"), OpenApiParameter("standard", str)]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        try:
            on = dt.date.fromisoformat(self.request.query_params.get("on", ""))
        except ValueError:
            on = None
        return selectors.register_as_of(on, standard=self.request.query_params.get("standard", ""))


IMPORT_ROW = inline_serializer(
    "RecognitionImportRow",
    {
        "unit_code": serializers.CharField(help_text="Mã đơn vị vào ngày công nhận"),
        "standard": serializers.ChoiceField(
            choices=["ntm", "advanced", "model", "task_completed"],
            help_text="Mã mức đạt chuẩn (hoặc tên tiếng Việt)",
        ),
        "year": serializers.IntegerField(),
        "since": serializers.DateField(required=False, help_text="Ngày công nhận; trống = chỉ biết năm"),
        "decision_number": serializers.CharField(required=False),
        "decision_date": serializers.DateField(required=False),
        "signer": serializers.CharField(required=False, help_text="Người ký hoặc cơ quan"),
        "source": serializers.CharField(),
        "verified": serializers.BooleanField(required=False, default=False),
        "uncertainty": serializers.CharField(required=False),
    },
)
IMPORT_ENTRY = inline_serializer(
    "RecognitionImportEntry",
    {
        "row": serializers.IntegerField(),
        "unit_code": serializers.CharField(),
        "unit_name": serializers.CharField(),
        "standard": serializers.CharField(),
        "year": serializers.IntegerField(),
        "since": serializers.DateField(),
        "since_precision": serializers.CharField(),
        "decision_text": serializers.CharField(),
        "source": serializers.CharField(),
        "verified": serializers.BooleanField(),
        "action": serializers.ChoiceField(choices=["new", "update", "same"]),
        "before": serializers.DictField(),
    },
)
IMPORT_RESULT = inline_serializer(
    "RecognitionImportResult",
    {
        "dry_run": serializers.BooleanField(),
        "new": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "written": serializers.IntegerField(),
        "entries": IMPORT_ENTRY.__class__(many=True),
        "errors": serializers.ListField(child=serializers.CharField()),
    },
)


class RecognitionImport(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Nhập sổ công nhận các năm trước",
        description=(
            "Tất cả hoặc không: còn một dòng lỗi thì không ghi gì (400, `errors` nêu từng dòng và trường; "
            "«Dòng N» là phần tử thứ N của `rows`). `dry_run: true` chỉ kiểm tra và trả về các mục sẽ "
            "thêm (`new`), sửa (`update`, kèm giá trị cũ) hoặc giữ nguyên. Chỉ cấp tỉnh (403 nếu không); "
            "đơn vị ngoài địa bàn được báo như mã không tồn tại. Mục ghi nhận bằng quyết định trên hệ "
            "thống không bị ghi đè."
        ),
        request=inline_serializer(
            "RecognitionImportRequest",
            {"dry_run": serializers.BooleanField(default=False), "rows": IMPORT_ROW.__class__(many=True)},
        ),
        responses={200: IMPORT_RESULT, 201: IMPORT_RESULT, 400: IMPORT_RESULT},
    )
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        rows = body.get("rows")
        dry_run = body.get("dry_run", False)
        if not isinstance(dry_run, bool):
            return Response({"dry_run": ["Cần true hoặc false."]}, status=400)
        if not isinstance(rows, list) or not rows:
            return Response({"rows": ["Cần một danh sách các dòng (ít nhất một dòng)."]}, status=400)
        try:
            plan = register_import.check_rows(actor=request.user, rows=rows, first_row=1)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=403)
        except ValidationError as exc:
            return Response(_errors(exc), status=400)
        out = {"dry_run": dry_run, **plan.to_dict(), "written": 0}
        if plan.errors:
            return Response(out, status=400)
        if dry_run:
            return Response(out)
        try:
            out["written"] = services.recognition_import(actor=request.user, rows=rows, first_row=1)
        except ValidationError as exc:  # the register changed since the check
            return Response({**out, "errors": exc.messages}, status=400)
        return Response(out, status=201)


urlpatterns = [
    path("recognitions/", RecognitionList.as_view(), name="recognition-list"),
    path("recognitions/import/", RecognitionImport.as_view(), name="recognition-import"),
]
