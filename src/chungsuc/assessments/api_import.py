"""`POST /api/v1/assessments/import/`: the self-assessment workbook through the API, with the same dry
run and the same commit as the import page (`assessments.excel.dry_run`,
`services.assessment_import_commit`), scoped to the caller like the page.

multipart: `file` (the workbook downloaded from the system), `dry_run` (default true), `accept`
(repeatable: "unit_code:indicator" or "unit_code" or "*" — the conflicts for which the file's value
is wanted; a value changed in the system after the download is otherwise kept).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from chungsuc.assessments import excel
from chungsuc.core.concurrency import ConflictError

CHANGE = inline_serializer(
    "AssessmentImportChange",
    {
        "row": serializers.IntegerField(help_text="dòng trong trang tính SoLieu"),
        "unit_code": serializers.CharField(),
        "unit_name": serializers.CharField(),
        "indicator": serializers.CharField(),
        "old": serializers.CharField(help_text="giá trị hiện tại, như hiển thị («» = trống)"),
        "new": serializers.CharField(help_text="giá trị trong tệp, như hiển thị"),
        "typed": serializers.CharField(help_text="ô như đã gõ, khi khác với `new` (ví dụ 79,99999999999999)"),
        "last_changed_by": serializers.CharField(),
        "last_changed_at": serializers.CharField(help_text="dd/mm/yyyy HH:MM"),
        "conflict": serializers.BooleanField(help_text="đã được sửa sau khi tệp được tải về"),
    },
)
RESULT = inline_serializer(
    "AssessmentImportResult",
    {
        "dry_run": serializers.BooleanField(),
        "file_name": serializers.CharField(),
        "framework": serializers.CharField(),
        "year": serializers.IntegerField(),
        "changes": CHANGE.__class__(many=True),
        "change_count": serializers.IntegerField(),
        "conflict_count": serializers.IntegerField(),
        "warnings": serializers.ListField(child=serializers.CharField()),
        "errors": serializers.ListField(child=serializers.CharField()),
        "written": serializers.IntegerField(),
    },
)


def _result(plan: excel.ImportPlan, *, dry_run: bool) -> dict:
    changes = []
    for r in plan.changed_rows:
        for key, c in r.conflicts.items():
            changes.append(
                {
                    "row": r.row,
                    "unit_code": r.unit_code,
                    "unit_name": r.unit_name,
                    "indicator": key,
                    "old": c["current"],
                    "new": c["file"],
                    "typed": c.get("typed", ""),
                    "last_changed_by": c["by"],
                    "last_changed_at": c["at"],
                    "conflict": True,
                }
            )
        for key, (old, new) in r.changes.items():
            by, at = r.last.get(key) or ["", ""]
            changes.append(
                {
                    "row": r.row,
                    "unit_code": r.unit_code,
                    "unit_name": r.unit_name,
                    "indicator": key,
                    "old": old,
                    "new": new,
                    "typed": r.typed.get(key, ""),
                    "last_changed_by": by,
                    "last_changed_at": at,
                    "conflict": False,
                }
            )
    return {
        "dry_run": dry_run,
        "file_name": plan.file_name,
        "framework": plan.framework_code,
        "year": plan.year,
        "changes": changes,
        "change_count": plan.change_count,
        "conflict_count": plan.conflict_count,
        "warnings": plan.warnings,
        "errors": plan.errors,
        "written": 0,
    }


def _flag(value, default: bool) -> bool | None:
    if value in (None, ""):
        return default
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    return None


class AssessmentImport(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Nhập số liệu tự đánh giá từ tệp Excel (kiểm tra thử, rồi ghi)",
        description=(
            "Tệp là mẫu tải từ hệ thống (một xã hoặc cả huyện). `dry_run` (mặc định true) chỉ kiểm tra: "
            "trả về mọi lỗi (theo trang tính, dòng, cột), mọi cảnh báo và mọi thay đổi, không ghi gì. "
            "`dry_run=false` kiểm tra như vậy rồi ghi tất cả hoặc không ghi gì (400 nếu còn lỗi, 409 nếu "
            "số liệu vừa bị người khác đổi). Giá trị đã được sửa sau khi tệp được tải về là xung đột "
            "(`conflict: true`): giữ giá trị hiện tại, trừ khi `accept` chọn giá trị trong tệp "
            "(«mã_đơn_vị:mã_chỉ_tiêu», «mã_đơn_vị» cho cả đơn vị, hoặc «*»). Chỉ các đơn vị trong địa bàn "
            "của người gọi; đơn vị ngoài địa bàn được báo như mã không tồn tại."
        ),
        request={
            "multipart/form-data": inline_serializer(
                "AssessmentImportRequest",
                {
                    "file": serializers.FileField(),
                    "dry_run": serializers.BooleanField(default=True),
                    "accept": serializers.ListField(child=serializers.CharField(), required=False),
                },
            )
        },
        responses={200: RESULT, 201: RESULT, 400: RESULT, 409: RESULT},
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Hãy gửi tệp Excel (.xlsx) trong trường «file»."]}, status=400)
        dry_run = _flag(request.data.get("dry_run"), True)
        if dry_run is None:
            return Response({"dry_run": ["Cần true hoặc false."]}, status=400)
        try:
            plan = excel.dry_run(actor=request.user, upload=upload, name=upload.name)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=403)
        except ValidationError as exc:
            return Response({"errors": exc.messages, "written": 0}, status=400)
        out = _result(plan, dry_run=dry_run)
        if plan.errors:
            return Response(out, status=400)
        if dry_run:
            return Response(out)
        accept = request.data.getlist("accept") if hasattr(request.data, "getlist") else []
        try:
            out["written"] = excel.commit(actor=request.user, plan=plan, accept=accept)
        except ConflictError as exc:
            return Response({**out, "errors": exc.messages}, status=409)
        except ValidationError as exc:
            return Response({**out, "errors": exc.messages}, status=400)
        return Response(out, status=201)


urlpatterns = [path("assessments/import/", AssessmentImport.as_view(), name="assessment-import")]
