"""REST API of assessments (scoped through accounts.selectors; out of scope = 404).

- `GET /api/v1/assessments/[?year=&unit=]` — the assessments the user may see, with the latest result.
- `GET /api/v1/assessments/{id}/` — one assessment: values (with comments), latest evaluation, state,
  available transitions, `version` (send it back with changes).
- `PATCH /api/v1/assessments/{id}/values/` — `{"version": n, "values": {"3.1": 85, "1.1": true},
  "comments": {...}}`: saved through the same service as the page; 409 when `version` is stale,
  400 naming each bad indicator; answers the new evaluation.
- `GET|POST /api/v1/assessments/{id}/evidence/` — list, or upload (multipart `file`, `indicator_code`).
- `POST /api/v1/assessments/{id}/transitions/` — `{"transition": "submit", "reason": "", "case_version": n}`.
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
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from chungsuc.assessments import frameworks, selectors, services
from chungsuc.assessments.evaluation import evaluate_one
from chungsuc.assessments.models import Assessment, Evidence, RecognitionRecord, unpack
from chungsuc.core import workflow as wf
from chungsuc.core.concurrency import ConflictError

ROOT_LINKS = {"assessments": "api:assessment-list", "recognitions": "api:recognition-list"}


def _errors(exc: ValidationError):
    return exc.message_dict if hasattr(exc, "message_dict") else {"detail": exc.messages}


class AssessmentSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    framework = serializers.CharField(source="framework.code")
    framework_version = serializers.IntegerField(source="framework.version")
    state = serializers.CharField(source="state_code", default=None)
    criteria_met = serializers.IntegerField(source="latest_met", default=None)
    criteria_total = serializers.IntegerField(source="latest_total", default=None)
    standard_met = serializers.BooleanField(source="latest_standard", default=None)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "unit_code",
            "unit_name",
            "year",
            "framework",
            "framework_version",
            "version",
            "filled",
            "state",
            "criteria_met",
            "criteria_total",
            "standard_met",
            "is_demo",
            "updated_at",
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = [
            "id",
            "indicator_code",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_at",
        ]


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


class AssessmentList(ListAPIView):
    serializer_class = AssessmentSerializer

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("unit", str, description="Mã đơn vị")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        year = self.request.query_params.get("year")
        qs = selectors.assessments_for(self.request.user, year=int(year) if year and year.isdigit() else None)
        unit = self.request.query_params.get("unit")
        return qs.filter(unit__code=unit) if unit else qs


def _detail(request, a: Assessment) -> dict:
    efw = frameworks.engine_framework(a.framework)
    values = unpack(a.packed, frameworks.layout(efw)) if a.packed else {}
    comments = dict(a.values.exclude(comment="").values_list("indicator_code", "comment"))
    case = wf.case_for(a)
    evaluation = evaluate_one(a)
    return {
        "id": a.pk,
        "unit": {"id": a.unit_id, "code": a.unit.code, "name": a.unit.name},
        "year": a.year,
        "framework": {"code": a.framework.code, "version": a.framework.version},
        "version": a.version,
        "values_hash": a.values_hash,
        "values": {k: frameworks.display_value(v, efw.value_types[k][0]) for k, v in values.items()},
        "comments": comments,
        "state": case.state.code if case else None,
        "case_version": case.version if case else None,
        "transitions": [t.code for t in wf.available_transitions(request.user, case)] if case else [],
        # for district/province frameworks: the child units behind the derived indicators (None otherwise)
        "evaluation": {**evaluation.to_dict(), "children": getattr(evaluation, "children_snapshot", None)},
    }


DETAIL_SCHEMA = inline_serializer(
    "AssessmentDetail",
    {
        "id": serializers.IntegerField(),
        "version": serializers.IntegerField(),
        "values": serializers.DictField(),
        "comments": serializers.DictField(),
        "state": serializers.CharField(),
        "case_version": serializers.IntegerField(),
        "transitions": serializers.ListField(child=serializers.CharField()),
        "evaluation": serializers.DictField(),
    },
)


class AssessmentDetail(APIView):
    @extend_schema(responses=DETAIL_SCHEMA)
    def get(self, request, pk):
        return Response(_detail(request, selectors.assessment_or_404(request.user, pk)))


class AssessmentValues(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=inline_serializer(
            "ValuesPatch",
            {
                "version": serializers.IntegerField(),
                "values": serializers.DictField(),
                "comments": serializers.DictField(required=False),
            },
        ),
        responses={200: DETAIL_SCHEMA},
    )
    def patch(self, request, pk):
        a = selectors.assessment_or_404(request.user, pk)
        body = request.data if isinstance(request.data, dict) else {}
        raw = body.get("values") or {}
        if not isinstance(raw, dict):
            return Response({"values": ["Cần một bảng mã chỉ tiêu → giá trị."]}, status=400)
        try:
            services.assessment_values_save(
                actor=request.user,
                assessment=a,
                values=raw,
                comments=body.get("comments") or {},
                expected_version=body.get("version"),
            )
        except ConflictError as exc:
            return Response({"detail": exc.messages}, status=status.HTTP_409_CONFLICT)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=403)
        except ValidationError as exc:
            return Response(_errors(exc), status=400)
        a.refresh_from_db()
        return Response(_detail(request, a))


class EvidenceList(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=EvidenceSerializer(many=True))
    def get(self, request, pk):
        a = selectors.assessment_or_404(request.user, pk)
        return Response(EvidenceSerializer(a.evidence.all(), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "EvidenceUpload",
                {
                    "file": serializers.FileField(),
                    "indicator_code": serializers.CharField(required=False),
                    "description": serializers.CharField(required=False),
                },
            )
        },
        responses={201: EvidenceSerializer},
    )
    def post(self, request, pk):
        a = selectors.assessment_or_404(request.user, pk)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Thiếu tệp."]}, status=400)
        try:
            ev = services.evidence_add(
                actor=request.user,
                assessment=a,
                upload=upload,
                indicator_code=request.data.get("indicator_code", ""),
                description=request.data.get("description", ""),
            )
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=403)
        except ValidationError as exc:
            return Response(_errors(exc), status=400)
        return Response(EvidenceSerializer(ev).data, status=201)


class Transitions(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=inline_serializer(
            "TransitionRequest",
            {
                "transition": serializers.CharField(),
                "reason": serializers.CharField(required=False),
                "case_version": serializers.IntegerField(required=False),
            },
        ),
        responses={200: DETAIL_SCHEMA},
    )
    def post(self, request, pk):
        a = selectors.assessment_or_404(request.user, pk)
        body = request.data if isinstance(request.data, dict) else {}
        try:
            services.assessment_transition(
                actor=request.user,
                assessment=a,
                transition_code=str(body.get("transition") or ""),
                reason=str(body.get("reason") or ""),
                expected_version=body.get("case_version"),
            )
        except ConflictError as exc:
            return Response({"detail": exc.messages}, status=409)
        except wf.WorkflowPermissionError as exc:
            return Response({"detail": exc.messages}, status=403)
        except ValidationError as exc:
            return Response(_errors(exc), status=400)
        return Response(_detail(request, a))


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
        from chungsuc.assessments import recognitions

        body = request.data if isinstance(request.data, dict) else {}
        rows = body.get("rows")
        dry_run = body.get("dry_run", False)
        if not isinstance(dry_run, bool):
            return Response({"dry_run": ["Cần true hoặc false."]}, status=400)
        if not isinstance(rows, list) or not rows:
            return Response({"rows": ["Cần một danh sách các dòng (ít nhất một dòng)."]}, status=400)
        try:
            plan = recognitions.check_rows(actor=request.user, rows=rows, first_row=1)
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
    path("assessments/", AssessmentList.as_view(), name="assessment-list"),
    path("assessments/<int:pk>/", AssessmentDetail.as_view(), name="assessment-detail"),
    path("assessments/<int:pk>/values/", AssessmentValues.as_view(), name="assessment-values"),
    path("assessments/<int:pk>/evidence/", EvidenceList.as_view(), name="assessment-evidence"),
    path("assessments/<int:pk>/transitions/", Transitions.as_view(), name="assessment-transitions"),
    path("recognitions/", RecognitionList.as_view(), name="recognition-list"),
    path("recognitions/import/", RecognitionImport.as_view(), name="recognition-import"),
]

# the workbook import (dry run and commit) keeps its own module
from chungsuc.assessments.api_import import urlpatterns as _import_urlpatterns  # noqa: E402

urlpatterns += _import_urlpatterns
