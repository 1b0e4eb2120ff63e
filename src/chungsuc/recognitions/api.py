"""REST API of recognitions.

- `GET /api/v1/recognitions/[?on=YYYY-MM-DD&standard=]` — the register as of a date (public data).
- `POST /api/v1/recognitions/import/` — `{"dry_run": true, "rows": [{"unit_code": "30703", ...}]}`:
  past recognitions into the register (province roles; 403 otherwise). All or nothing: 400 naming
  every bad row ("Dòng N" = rows[N-1]) and field; a dry run answers what would be added or changed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from chungsuc.assessments.models import Standard
from chungsuc.core import api_params
from chungsuc.core.http import SERVICE_ERRORS, api_error_response
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
        parameters=[
            api_params.date_parameter(
                "on", description="Sổ công nhận vào ngày (YYYY-MM-DD); trống là hôm nay."
            ),
            api_params.choice_parameter("standard", Standard.values, description="Mức đạt chuẩn"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RecognitionRecord.objects.none()
        # a date or a standard that cannot be read is a 400 naming it, never ignored (issue 9)
        on = api_params.date(self.request, "on")
        standard = api_params.choice(self.request, "standard", Standard.values) or ""
        return selectors.register_as_of(on, standard=standard)


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
        "before": serializers.DictField(help_text="Giá trị cũ của từng trường sẽ đổi"),
        "needs_confirmation": serializers.BooleanField(),
        "current_source": serializers.CharField(),
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
            {
                "dry_run": serializers.BooleanField(default=False),
                "confirm_overwrite": serializers.BooleanField(
                    default=False, help_text="Bắt buộc khi tệp sửa một mục đã có nguồn trong sổ"
                ),
                "rows": IMPORT_ROW.__class__(many=True),
            },
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
        except SERVICE_ERRORS as exc:
            return api_error_response(exc)
        out = {"dry_run": dry_run, **plan.to_dict(), "written": 0}
        if plan.errors:
            return Response(out, status=400)
        if dry_run:
            return Response(out)
        try:
            out["written"] = services.recognition_import(
                actor=request.user,
                rows=rows,
                first_row=1,
                confirm_overwrite=body.get("confirm_overwrite") is True,
            )
        except ValidationError as exc:  # the register changed since the check
            return Response({**out, "errors": exc.messages}, status=400)
        return Response(out, status=201)


# --- the official survey, the consultation as published, moderation -------------------------------


def _survey_dict(survey) -> dict:
    return {
        "surveyed": survey.surveyed,
        "satisfied": survey.satisfied,
        "rate": survey.rate,
        "method": survey.method,
        "conducted_on": survey.conducted_on.isoformat(),
        "minutes_name": survey.minutes_name,
        "attested": survey.attested,
        "attested_at": survey.attested_at.isoformat() if survey.attested_at else None,
    }


def _call(fn, **kwargs):
    """Run a service; map its refusals to HTTP answers (404 not yours, 403 not allowed, 400 bad input)."""
    from django.http import Http404

    try:
        return fn(**kwargs), None
    except Http404:
        return None, Response({"detail": _("Không tìm thấy.")}, status=404)
    except SERVICE_ERRORS as exc:
        return None, api_error_response(exc)


SURVEY = inline_serializer(
    "SatisfactionSurvey",
    {
        "surveyed": serializers.IntegerField(),
        "satisfied": serializers.IntegerField(),
        "rate": serializers.FloatField(),
        "method": serializers.CharField(),
        "conducted_on": serializers.DateField(),
        "minutes_name": serializers.CharField(),
        "attested": serializers.BooleanField(),
        "attested_at": serializers.DateTimeField(allow_null=True),
    },
)


class Survey(APIView):
    """The official satisfaction survey of a dossier (the only source of the satisfaction condition)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="Kết quả lấy ý kiến sự hài lòng chính thức", responses={200: SURVEY})
    def get(self, request, pk):
        from chungsuc.assessments.selectors import assessment_or_404

        survey = selectors.official_survey(assessment_or_404(request.user, pk))
        if survey is None:
            return Response({"detail": "Chưa có kết quả lấy ý kiến."}, status=404)
        return Response(_survey_dict(survey))

    @extend_schema(
        summary="Ghi kết quả lấy ý kiến (số người được hỏi, số hài lòng, cách thức, ngày, biên bản)",
        request=inline_serializer(
            "SatisfactionSurveyRecord",
            {
                "surveyed": serializers.IntegerField(),
                "satisfied": serializers.IntegerField(),
                "method": serializers.CharField(),
                "conducted_on": serializers.DateField(help_text="YYYY-MM-DD hoặc dd/mm/yyyy"),
                "minutes": serializers.FileField(),
            },
        ),
        responses={201: SURVEY},
    )
    def post(self, request, pk):
        from chungsuc.assessments.selectors import assessment_or_404

        assessment = assessment_or_404(request.user, pk)
        try:
            conducted_on = register_import._date_of(request.data.get("conducted_on", ""))
        except (ValueError, TypeError):
            conducted_on = None
        survey, error = _call(
            services.survey_record,
            actor=request.user,
            assessment=assessment,
            surveyed=request.data.get("surveyed"),
            satisfied=request.data.get("satisfied"),
            method=request.data.get("method", ""),
            conducted_on=conducted_on,
            minutes=request.FILES.get("minutes"),
        )
        return error or Response(_survey_dict(survey), status=201)


class SurveyAttest(APIView):
    @extend_schema(
        summary="Xác nhận kết quả lấy ý kiến (cán bộ khác người ghi)",
        request=inline_serializer("SurveyAttest", {"note": serializers.CharField(required=False)}),
        responses={200: SURVEY},
    )
    def post(self, request, pk):
        from chungsuc.assessments.selectors import assessment_or_404

        survey = selectors.official_survey(assessment_or_404(request.user, pk))
        if survey is None:
            return Response({"detail": "Chưa có kết quả lấy ý kiến."}, status=404)
        body = request.data if isinstance(request.data, dict) else {}
        survey, error = _call(
            services.survey_attest, actor=request.user, survey=survey, note=body.get("note", "")
        )
        return error or Response(_survey_dict(survey))


class PublicConsultation(APIView):
    """A consultation as the portal shows it (public): the result published when it opened, the
    attested official survey, and residents' feedback (never counted into the condition)."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Đợt lấy ý kiến nhân dân (công khai)",
        responses={
            200: inline_serializer(
                "PublicConsultation",
                {
                    "unit_code": serializers.CharField(),
                    "unit_name": serializers.CharField(),
                    "year": serializers.IntegerField(),
                    "opens_on": serializers.DateField(),
                    "closes_on": serializers.DateField(),
                    "published_result": serializers.DictField(
                        allow_null=True, help_text="Kết quả đánh giá lúc bắt đầu lấy ý kiến"
                    ),
                    "official_survey": SURVEY.__class__(allow_null=True),
                    "feedback": serializers.DictField(help_text="Góp ý trên cổng (tham khảo, không tính)"),
                    "comments": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def get(self, request, pk):
        consultation = selectors.public_consultation_or_404(pk)
        survey = selectors.official_survey(consultation.assessment)
        return Response(
            {
                "unit_code": consultation.assessment.unit.code,
                "unit_name": consultation.assessment.unit.name,
                "year": consultation.assessment.year,
                "opens_on": consultation.opens_on.isoformat(),
                "closes_on": consultation.closes_on.isoformat(),
                "published_result": selectors.published_result(consultation),
                "official_survey": _survey_dict(survey) if survey is not None and survey.attested else None,
                "feedback": selectors.satisfaction(consultation),
                "comments": [
                    {
                        "created_at": c.created_at.isoformat(),
                        "name": c.name,
                        "hamlet": c.hamlet,
                        "text": c.text,
                    }
                    for c in selectors.public_comments(consultation)
                ],
            }
        )


class CommentHide(APIView):
    @extend_schema(
        summary="Ẩn một góp ý (kiểm duyệt, có lý do)",
        request=inline_serializer("CommentHide", {"reason": serializers.CharField()}),
        responses={
            200: inline_serializer(
                "CommentHidden", {"id": serializers.IntegerField(), "hidden_at": serializers.DateTimeField()}
            )
        },
    )
    def post(self, request, pk):
        from chungsuc.assessments.selectors import assessment_or_404
        from chungsuc.recognitions.models import ConsultationComment

        comment = ConsultationComment.objects.select_related("consultation").filter(pk=pk).first()
        if comment is None:
            return Response({"detail": "Không tìm thấy."}, status=404)
        assessment_or_404(request.user, comment.consultation.assessment_id)
        body = request.data if isinstance(request.data, dict) else {}
        comment, error = _call(
            services.consultation_comment_hide,
            actor=request.user,
            comment=comment,
            reason=body.get("reason", ""),
        )
        return error or Response({"id": comment.pk, "hidden_at": comment.hidden_at.isoformat()})


urlpatterns = [
    path("recognitions/dossiers/<int:pk>/survey/", Survey.as_view(), name="recognition-survey"),
    path(
        "recognitions/dossiers/<int:pk>/survey/attest/",
        SurveyAttest.as_view(),
        name="recognition-survey-attest",
    ),
    path(
        "recognitions/consultations/<int:pk>/", PublicConsultation.as_view(), name="recognition-consultation"
    ),
    path("recognitions/comments/<int:pk>/hide/", CommentHide.as_view(), name="recognition-comment-hide"),
    path("recognitions/", RecognitionList.as_view(), name="recognition-list"),
    path("recognitions/import/", RecognitionImport.as_view(), name="recognition-import"),
]
