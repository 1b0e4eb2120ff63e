"""REST API of assessments (scoped through accounts.selectors; out of scope = 404).

- `GET /api/v1/assessments/[?year=&unit=]` — the assessments the user may see, with the latest result.
- `GET /api/v1/assessments/{id}/` — one assessment: values (with comments), latest evaluation, state,
  available transitions, `version` (send it back with changes).
- `PATCH /api/v1/assessments/{id}/values/` — `{"version": n, "values": {"3.1": 85, "1.1": true},
  "comments": {...}}`: saved through the same service as the page; 409 when `version` is stale,
  400 naming each bad indicator; answers the new evaluation.
- `GET|POST /api/v1/assessments/{id}/evidence/` — list, or upload (multipart `file`, `indicator_code`).
- `POST /api/v1/assessments/{id}/transitions/` — `{"transition": "submit", "reason": "", "case_version": n}`.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from chungsuc.assessments import frameworks, selectors, services
from chungsuc.assessments.evaluation import evaluate_one
from chungsuc.assessments.models import Assessment, Evidence, unpack
from chungsuc.core import api_params
from chungsuc.core import workflow as wf
from chungsuc.core.concurrency import VersionRequired, require_version
from chungsuc.core.http import SERVICE_ERRORS, api_error_response

ROOT_LINKS = {"assessments": "api:assessment-list"}


class AssessmentSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    framework = serializers.CharField(source="framework.code")
    framework_version = serializers.IntegerField(source="framework.version")
    # null until the dossier has a workflow case / a stored evaluation
    state = serializers.CharField(source="state_code", default=None, allow_null=True)
    criteria_met = serializers.IntegerField(source="latest_met", default=None, allow_null=True)
    criteria_total = serializers.IntegerField(source="latest_total", default=None, allow_null=True)
    standard_met = serializers.BooleanField(source="latest_standard", default=None, allow_null=True)

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


class AssessmentList(ListAPIView):
    serializer_class = AssessmentSerializer

    @extend_schema(
        parameters=[
            api_params.year_parameter(description="Năm đánh giá"),
            api_params.text_parameter("unit", description="Mã đơn vị"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, maybe no database
            return Assessment.objects.none()
        # a year that cannot be read is a 400 naming it, never ignored (issue 9)
        qs = selectors.assessments_for(self.request.user, year=api_params.year(self.request))
        unit = api_params.text(self.request, "unit")
        return qs.filter(unit__code=unit) if unit is not None else qs


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
        "state": serializers.CharField(allow_null=True),
        "case_version": serializers.IntegerField(allow_null=True),
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
                "values": serializers.DictField(required=False),
                "comments": serializers.DictField(
                    child=serializers.CharField(allow_blank=True), required=False
                ),
            },
        ),
        responses={200: DETAIL_SCHEMA},
    )
    def patch(self, request, pk):
        a = selectors.assessment_or_404(request.user, pk)
        if not isinstance(request.data, dict):
            return Response({"detail": "Cần một đối tượng JSON {version, values, comments}."}, status=400)
        body = request.data
        errors = {}
        raw = body.get("values", {})
        if not isinstance(raw, dict):
            errors["values"] = ["Cần một bảng mã chỉ tiêu → giá trị."]
        comments = body.get("comments", {})
        if comments is None:
            comments = {}
        if not isinstance(comments, dict):
            errors["comments"] = ["Cần một bảng mã chỉ tiêu → ghi chú (văn bản)."]
        version = body.get("version")
        if version is None:
            errors["version"] = [
                "Thiếu phiên bản hồ sơ (version) đã đọc; gửi lại đúng số phiên bản để không ghi đè "
                "thay đổi của người khác."
            ]
        elif isinstance(version, bool) or not isinstance(version, int):
            errors["version"] = ["Phiên bản hồ sơ (version) cần là số nguyên."]
        if errors:
            return Response(errors, status=400)
        try:
            services.assessment_values_save(
                actor=request.user,
                assessment=a,
                values=raw,
                comments=comments,
                expected_version=version,
            )
        except SERVICE_ERRORS as exc:
            return api_error_response(exc)
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
        except SERVICE_ERRORS as exc:
            return api_error_response(exc)
        return Response(EvidenceSerializer(ev).data, status=201)


class Transitions(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        request=inline_serializer(
            "TransitionRequest",
            {
                "transition": serializers.CharField(),
                "reason": serializers.CharField(required=False),
                "case_version": serializers.IntegerField(
                    help_text="Phiên bản quy trình của hồ sơ đã đọc (bắt buộc: không có thì không ghi)."
                ),
            },
        ),
        responses={200: DETAIL_SCHEMA},
    )
    def post(self, request, pk):
        a = selectors.assessment_or_404(request.user, pk)
        body = request.data if isinstance(request.data, dict) else {}
        try:
            expected_version = require_version(body.get("case_version"), field="case_version")
        except VersionRequired as exc:
            return Response({exc.field: exc.messages}, status=400)
        try:
            services.assessment_transition(
                actor=request.user,
                assessment=a,
                transition_code=str(body.get("transition") or ""),
                reason=str(body.get("reason") or ""),
                expected_version=expected_version,
            )
        except SERVICE_ERRORS as exc:
            return api_error_response(exc)
        return Response(_detail(request, a))


urlpatterns = [
    path("assessments/", AssessmentList.as_view(), name="assessment-list"),
    path("assessments/<int:pk>/", AssessmentDetail.as_view(), name="assessment-detail"),
    path("assessments/<int:pk>/values/", AssessmentValues.as_view(), name="assessment-values"),
    path("assessments/<int:pk>/evidence/", EvidenceList.as_view(), name="assessment-evidence"),
    path("assessments/<int:pk>/transitions/", Transitions.as_view(), name="assessment-transitions"),
]

# the workbook import (dry run and commit) keeps its own module
from chungsuc.assessments.api_import import urlpatterns as _import_urlpatterns  # noqa: E402

urlpatterns += _import_urlpatterns
