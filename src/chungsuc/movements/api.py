"""REST API of the movements (scoped like the pages: a movement the user cannot see answers 404).

- `GET /api/v1/movements/` — the movements the user may see;
- `GET /api/v1/movements/{id}/progress/?on=YYYY-MM-DD` — targets by year against the register, the
  reported counts and the register's coverage;
- `GET /api/v1/movements/{id}/forecast/?on=YYYY-MM-DD` — the remaining years' forecast;
- `GET /api/v1/movements/{id}/obligations/?year=` — obligations with timeliness and completeness;
- `GET /api/v1/movements/{id}/consolidation/?year=` — a year's reports merged (Sở Nội vụ, council);
- `GET .../{id}/pilots/`, `roadmaps/`, `versions/` (with amendments), `clusters/?year=`, `models/`,
  `inspections/` — the same data as the pages;
- `GET /api/v1/movements/public-models/` — published exemplary models (public);
- `POST /api/v1/movements/reports/{id}/transitions/` — submit / accept / return (reason) a report.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from chungsuc.core import api_params
from chungsuc.core.api_errors import VietnameseErrorsMixin
from chungsuc.core.concurrency import ConflictError
from chungsuc.movements import access, selectors, services

ROOT_LINKS = {"movements": "api:movement-list"}


def _on(request) -> dt.date:
    return api_params.date(request, "on") or timezone.localdate()


def _year(request, movement, *, required=False) -> int | None:
    year = api_params.year(request, required=required)
    if year is not None and not (movement.period_start <= year <= movement.period_end):
        raise ValidationError(
            {
                "year": [
                    _("Năm '%(v)s' không hợp lệ: cần một năm từ %(a)s đến %(b)s.")
                    % {"v": year, "a": movement.period_start, "b": movement.period_end}
                ]
            }
        )
    return year


ON = api_params.date_parameter("on")
YEAR = api_params.year_parameter()
YEAR_REQUIRED = api_params.year_parameter(required=True)
LIST_OF_OBJECTS = {"type": "array", "items": {"type": "object"}}


def _movement(request, pk):
    try:
        return selectors.movement_or_404(request.user, pk)
    except Http404:
        raise NotFound(_("Không tìm thấy phong trào.")) from None


class MovementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    province_code = serializers.CharField(source="province.code")
    act_reference = serializers.CharField()
    act_date = serializers.DateField()
    issuing_body = serializers.CharField()
    period_start = serializers.IntegerField()
    period_end = serializers.IntegerField()
    status = serializers.CharField()
    is_demo = serializers.BooleanField()


class MovementList(VietnameseErrorsMixin, APIView):
    @extend_schema(responses=MovementSerializer(many=True))
    def get(self, request):
        return Response(MovementSerializer(selectors.movements_for(request.user), many=True).data)


class Progress(VietnameseErrorsMixin, APIView):
    @extend_schema(parameters=[ON], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        movement = _movement(request, pk)
        return Response(selectors.progress_data(movement, on=_on(request)))


class Forecast(VietnameseErrorsMixin, APIView):
    @extend_schema(parameters=[ON], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        movement = _movement(request, pk)
        return Response(selectors.forecast_data(movement, on=_on(request)))


class Obligations(VietnameseErrorsMixin, APIView):
    @extend_schema(parameters=[YEAR], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        movement = _movement(request, pk)
        return Response(
            selectors.obligations_data(movement, year=_year(request, movement), user=request.user)
        )


class Consolidation(VietnameseErrorsMixin, APIView):
    @extend_schema(parameters=[YEAR_REQUIRED], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        movement = _movement(request, pk)
        if not access.can_consolidate(request.user, movement):
            raise NotFound(_("Không tìm thấy phong trào."))
        return Response(selectors.consolidation(movement, year=_year(request, movement, required=True)))


class TransitionSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=["submit", "accept", "return", "reopen"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    case_version = serializers.IntegerField(
        help_text="Phiên bản quy trình của báo cáo đã đọc (bắt buộc: không có thì không ghi)."
    )


class ReportTransitions(VietnameseErrorsMixin, APIView):
    @extend_schema(request=TransitionSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk):
        try:
            report = selectors.report_or_404(request.user, pk)
        except Http404:
            raise NotFound(_("Không tìm thấy báo cáo.")) from None
        s = TransitionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            services.report_transition(
                actor=request.user,
                report=report,
                transition=s.validated_data["transition"],
                reason=s.validated_data["reason"],
                expected_version=s.validated_data["case_version"],
            )
        except ConflictError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=409)
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from None
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from None
        from chungsuc.core import workflow as wf

        case = wf.case_for(report, services.WORKFLOW_CODE)
        return Response({"id": report.pk, "state": case.state.code, "case_version": case.version})


class Pilots(VietnameseErrorsMixin, APIView):
    @extend_schema(parameters=[ON], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        movement = _movement(request, pk)
        return Response(selectors.pilots_data(movement, on=_on(request)))


class Roadmaps(VietnameseErrorsMixin, APIView):
    @extend_schema(parameters=[ON], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        movement = _movement(request, pk)
        return Response(selectors.roadmap_data(movement, on=_on(request)))


class Versions(VietnameseErrorsMixin, APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        movement = _movement(request, pk)
        data = selectors.versions_compared(movement)
        data["amendments"] = [
            {
                "id": a.pk,
                "state": a.state,
                "reason": a.reason,
                "changes": a.changes,
                "proposed_by": str(a.proposed_by) if a.proposed_by else None,
                "decision": a.decision.reference if a.decision else None,
                "version": a.version.number if a.version else None,
                "created_at": a.created_at,
            }
            for a in selectors.amendments_for(request.user, movement)
        ]
        return Response(data)


class Clusters(VietnameseErrorsMixin, APIView):
    @extend_schema(parameters=[YEAR_REQUIRED], responses={200: LIST_OF_OBJECTS})
    def get(self, request, pk):
        movement = _movement(request, pk)
        year = _year(request, movement, required=True)
        return Response(
            [
                {"id": c.pk, "name": c.name, "kind": c.kind, **selectors.cluster_data(c, year=year)}
                for c in movement.clusters.all()
            ]
        )


class Models(VietnameseErrorsMixin, APIView):
    @extend_schema(responses={200: LIST_OF_OBJECTS})
    def get(self, request, pk):
        movement = _movement(request, pk)
        return Response(
            [
                {
                    "id": m.pk,
                    "title": m.title,
                    "kind": m.kind,
                    "who": m.who,
                    "unit": m.unit.name,
                    "state": m.state,
                    "links": m.links,
                    "replicated_in": [{"unit": r.unit.name, "year": r.year} for r in m.replications.all()],
                }
                for m in selectors.models_for(request.user, movement)
            ]
        )


class Inspections(VietnameseErrorsMixin, APIView):
    @extend_schema(responses={200: LIST_OF_OBJECTS})
    def get(self, request, pk):
        movement = _movement(request, pk)
        today = timezone.localdate()
        return Response(
            [
                {
                    "id": i.pk,
                    "year": i.year,
                    "team": i.team_name,
                    "team_id": i.team_id,
                    "unit": i.unit.name,
                    "state": i.state,
                    "conclusion": i.conclusion.reference if i.conclusion else None,
                    "findings": {f.item.code: f.result for f in i.findings.select_related("item")},
                    "recommendations": [
                        {
                            "text": r.text,
                            "due_date": r.due_date,
                            "status": r.status(today),
                            "done_on": r.done_on,
                        }
                        for r in i.recommendations.all()
                    ],
                }
                for i in movement.inspections.select_related("unit", "conclusion")
            ]
        )


class InspectionTeams(VietnameseErrorsMixin, APIView):
    """The movement's inspection teams: the decision that set each up, its members, its inspections."""

    @extend_schema(responses={200: LIST_OF_OBJECTS})
    def get(self, request, pk):
        movement = _movement(request, pk)
        teams = movement.inspection_teams.select_related("decision").prefetch_related(
            "members__organisation", "inspections"
        )
        return Response(
            [
                {
                    "id": t.pk,
                    "year": t.year,
                    "name": t.name,
                    "decision": (
                        {"reference": t.decision.reference, "issued_on": t.decision.issued_on}
                        if t.decision_id
                        else None
                    ),
                    "members": [
                        {
                            "full_name": m.full_name,
                            "role": m.role,
                            "position": m.position,
                            "organisation": m.organisation.name if m.organisation_id else None,
                        }
                        for m in t.members.all()
                    ],
                    "inspections": [i.pk for i in t.inspections.all()],
                }
                for t in teams
            ]
        )


class Groups(VietnameseErrorsMixin, APIView):
    """The movement's communes on its reference date with their group (QĐ 51/2025), null when none."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        movement = _movement(request, pk)
        on, units = selectors.groups_data(movement)
        return Response(
            {
                "on": on,
                "units": [{"unit": u["unit_id"], "name": u["name"], "group": u["group"]} for u in units],
            }
        )


class PublishedModels(VietnameseErrorsMixin, APIView):
    """Public: the exemplary models Sở Nội vụ has published (no login)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: LIST_OF_OBJECTS})
    def get(self, request):
        return Response(selectors.published_models())


urlpatterns = [
    path("movements/", MovementList.as_view(), name="movement-list"),
    path("movements/<int:pk>/progress/", Progress.as_view(), name="movement-progress"),
    path("movements/<int:pk>/forecast/", Forecast.as_view(), name="movement-forecast"),
    path("movements/<int:pk>/obligations/", Obligations.as_view(), name="movement-obligations"),
    path("movements/<int:pk>/consolidation/", Consolidation.as_view(), name="movement-consolidation"),
    path("movements/<int:pk>/pilots/", Pilots.as_view(), name="movement-pilots"),
    path("movements/<int:pk>/roadmaps/", Roadmaps.as_view(), name="movement-roadmaps"),
    path("movements/<int:pk>/versions/", Versions.as_view(), name="movement-versions"),
    path("movements/<int:pk>/clusters/", Clusters.as_view(), name="movement-clusters"),
    path("movements/<int:pk>/models/", Models.as_view(), name="movement-models"),
    path("movements/<int:pk>/inspections/", Inspections.as_view(), name="movement-inspections"),
    path("movements/<int:pk>/inspection-teams/", InspectionTeams.as_view(), name="movement-inspection-teams"),
    path("movements/<int:pk>/groups/", Groups.as_view(), name="movement-groups"),
    path("movements/public-models/", PublishedModels.as_view(), name="movement-public-models"),
    path(
        "movements/reports/<int:pk>/transitions/",
        ReportTransitions.as_view(),
        name="movement-report-transitions",
    ),
]
