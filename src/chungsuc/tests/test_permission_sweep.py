"""The permission sweep (issue 9): every URL pattern of the URL conf and every operation of the OpenAPI
schema, for every demo role, anonymous and a user without membership, on an object in scope, an object
out of scope and an id that names nothing, with the status the conventions give:

- anonymous: a page that is not public answers 302 to the login page; an API operation 401 or 403;
- "not yours" and "does not exist" answer the same: 404 (for every method);
- a user in scope reading a page or an API resource is not told 404 (200, 403 where the role may see the
  unit but not this page, 302 or 400 as the page says);
- a write (POST/PUT/PATCH/DELETE, sent with an empty body) that is refused changes nothing: the row
  counts of the audit log, values, history, evidence, workflow cases and events, notifications, legal
  acts, recognition, movement and report tables, every version counter and the media files are
  compared before and after; an empty write that is a real action on its own is listed below;
- never a 5xx.

New endpoints join by themselves: a URL pattern or a schema path with a parameter but no rule in
`ROUTES`/`API_ROUTES` fails `test_every_pattern_has_a_parameter_rule`. Rows that break a convention and
are not fixed here are listed in `KNOWN`, with their reason, and printed (never silently passed).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ANON = "anonymous"
NOBODY = "nguoi.ngoai"  # logged in, no membership: sees nothing that is scoped
DEMO = [
    "demo.tinh",
    "demo.nnptnt",
    "demo.thoaison",
    "demo.vinhchanh",
    "demo.phuhoa",
    "demo.chomoi",
    "demo.so",
    "demo.hoidong",
    "demo.kiemtra",
    "demo.admin",
]
USERS = [ANON, NOBODY, *DEMO]
# An id naming nothing: asked by a province, a district and a commune officer and by a user without
# membership (every role's answer is the same 404; four keep the sweep within CI's time).
UNKNOWN_USERS = [NOBODY, "demo.tinh", "demo.chomoi", "demo.vinhchanh"]
PROVINCE = {"demo.tinh", "demo.nnptnt"}
THOAI_SON = {"demo.thoaison", "demo.vinhchanh"}  # Xã Vĩnh Chánh is in Huyện Thoại Sơn
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Pages anyone may open without logging in (everything else sends anonymous visitors to the login page).
PUBLIC_PREFIXES = ("public/", "assessments/public/", "healthz", "i18n/", "accounts/login/")
PUBLIC_EXACT = {""}
# Pages outside this sweep, with the reason (the old recognition addresses of chungsuc.urls.MOVED answer
# 308 to their new address, which the sweep covers).
SKIPPED = {
    "admin/": "Django's admin (is_staff only, its own login); checked by its own row below",
    "accounts/logout/": "logging out ends the sweep's session",
    "api/v1/": "the API is swept operation by operation from the OpenAPI schema",
}
# API addresses that are not operations of the schema (the schema itself and its viewers).
API_NOT_IN_SCHEMA = {"api/v1/", "api/v1/schema/", "api/v1/docs/", "api/v1/redoc/"}
# API operations anyone may call (besides those the schema marks with an empty security requirement).
API_PUBLIC = {"/api/v1/auth/token/"}
# Anonymous visitors are sent on to a page that asks them to log in.
ANON_REDIRECTS = {"accounts/password/done/": "/accounts/profile/"}

# An empty write that is a real action on its own (it may change rows when allowed).
EMPTY_BODY_ACTIONS = {
    "audit/notifications/read-all/": "marks the user's own notifications read",
    "audit/notifications/<int:pk>/read/": "marks the user's own notification read",
    "assessments/<int:pk>/refresh/": "re-evaluates the dossier and stores the result (a POST on purpose)",
    "i18n/setlang/": "changes the language cookie only",
    "accounts/login/": "an empty login form writes nothing but is not a scoped write",
    "recognitions/dossiers/<int:pk>/consultation/close/": "closing needs no field",
    "assessments/evidence/<int:pk>/remove/": "removing needs no field",
    "recognitions/dossiers/<int:pk>/survey/attest/": "attesting the recorded survey needs no field",
    "/api/v1/recognitions/dossiers/{id}/survey/attest/": "attesting the recorded survey needs no field",
}

# Rows that break a convention, each with the reason; printed by the sweep, fixed by the line owning them.
# key: (route, user, variant, method) -> reason. An entry the sweep no longer meets fails the sweep (a
# fixed row must leave the list). Empty: the last one, an empty POST saving a movement report without
# its version, is fixed (issue 9 #3).
KNOWN: dict[tuple[str, str, str, str], str] = {}


@dataclass
class Subject:
    """What a route's parameters name: the values for an object in scope, for nothing at all, and who
    must (insiders: not 404 on a read) or must not (outsiders: 404 on everything) see it."""

    params: dict
    unknown: dict | None = None
    insiders: frozenset = frozenset()
    outsiders: frozenset = frozenset()


# URL pattern (as the resolver writes it) -> the subject its parameters name.
ROUTES = {
    "audit/notifications/<int:pk>/read/": "notification",
    "units/<int:pk>/": "unit",
    "criteria/rules/<int:pk>/edit/": "rule",
    "criteria/rules/<int:pk>/verify/": "rule",
    "criteria/<slug:code>/": "framework",
    "criteria/<slug:code>/worklist/": "framework",
    "criteria/<slug:code>/compare/": "framework",
    "criteria/<slug:code>/export.xlsx": "framework",
    "criteria/<slug:code>/evaluate/": "framework",
    "assessments/<int:pk>/consultation/open/": "dossier",
    "assessments/<int:pk>/consultation/close/": "dossier",
    "assessments/<int:pk>/condition/": "dossier",
    "assessments/<int:pk>/decision/": "dossier",
    "assessments/decisions/<int:pk>.pdf": "decision",
    "assessments/register/import/<str:token>/commit/": "token",
    "assessments/register/<int:pk>/revoke/": "record",
    "assessments/units/<int:unit_pk>/standards/": "unit_standards",
    "assessments/public/consultations/<int:pk>/": "public_consultation",
    "assessments/<int:pk>/": "dossier",
    "assessments/<int:pk>/values/": "dossier",
    "assessments/<int:pk>/refresh/": "dossier",
    "assessments/<int:pk>/history/<str:key>/": "value_history",
    "assessments/<int:pk>/evidence/": "dossier",
    "assessments/<int:pk>/framework/move/": "dossier",
    "assessments/<int:pk>/transition/": "dossier",
    "assessments/<int:pk>/export.xlsx": "dossier",
    "assessments/evidence/<int:pk>/": "evidence",
    "assessments/evidence/<int:pk>/remove/": "evidence",
    "assessments/import/<str:token>/commit/": "token",
    "movements/<int:pk>/": "movement",
    "movements/<int:pk>/progress/": "movement",
    "movements/<int:pk>/progress.xlsx": "movement",
    "movements/<int:pk>/forecast/": "movement",
    "movements/<int:pk>/obligations/": "movement",
    "movements/<int:pk>/consolidation/": "movement",
    "movements/<int:pk>/groups/": "movement",
    "movements/<int:pk>/roadmaps/": "movement",
    "movements/<int:pk>/pilots/": "movement",
    "movements/<int:pk>/amendments/": "movement",
    "movements/<int:pk>/clusters/": "movement",
    "movements/<int:pk>/models/": "movement",
    "movements/<int:pk>/inspections/": "movement",
    "movements/inspections/<int:pk>/": "inspection",
    "movements/models/<int:pk>/": "model",
    "movements/models/attachments/<int:pk>/": "model_attachment",
    "movements/clusters/<int:pk>/": "cluster",
    "movements/obligations/<int:pk>/report/": "obligation",
    "movements/reports/<int:pk>/": "report",
    "movements/reports/<int:pk>/transition/": "report",
    "movements/reports/<int:pk>/attach/": "report",
    "movements/attachments/<int:pk>/": "report_attachment",
    "recognitions/dossiers/<int:pk>/consultation/open/": "dossier",
    "recognitions/dossiers/<int:pk>/consultation/close/": "dossier",
    "recognitions/dossiers/<int:pk>/condition/": "dossier",
    "recognitions/dossiers/<int:pk>/decision/": "dossier",
    "recognitions/dossiers/<int:pk>/survey/": "dossier",
    "recognitions/dossiers/<int:pk>/survey/attest/": "dossier",
    "recognitions/dossiers/<int:pk>/survey/minutes/": "dossier",
    "recognitions/comments/<int:pk>/hide/": "comment",
    "recognitions/decisions/<int:pk>.pdf": "decision",
    "recognitions/register/import/<str:token>/commit/": "token",
    "recognitions/register/<int:pk>/revoke/": "record",
    "recognitions/units/<int:unit_pk>/standards/": "unit_standards",
    "dashboard/charts/export/<str:table>.<str:fmt>": "chart_table",
    "dashboard/map/export.<str:fmt>": "map_export",
    "movements/<int:pk>/inspection-teams/": "movement",
    "movements/inspection-teams/<int:pk>/": "inspection_team",
    "movements/inspection-teams/<int:pk>/decision/": "inspection_team",
    "reports/<int:pk>/": "document",
    "reports/<int:pk>/download/": "document",
    "public/units/<int:pk>/": "public_unit",
    "public/progress/<int:pk>/": "public_movement",
    "public/open-data/<str:key>.<str:fmt>": "open_data",
    "public/consultations/<int:pk>/": "public_consultation",
}

# OpenAPI path -> the subject its parameters name (the schema's parameter names).
API_ROUTES = {
    "/api/v1/units/{id}/": "api_unit",
    "/api/v1/frameworks/{code}/": "api_framework",
    "/api/v1/assessments/{id}/": "api_dossier",
    "/api/v1/assessments/{id}/values/": "api_dossier",
    "/api/v1/assessments/{id}/evidence/": "api_dossier",
    "/api/v1/assessments/{id}/transitions/": "api_dossier",
    "/api/v1/recognitions/dossiers/{id}/survey/": "api_dossier",
    "/api/v1/recognitions/dossiers/{id}/survey/attest/": "api_dossier",
    "/api/v1/recognitions/consultations/{id}/": "api_public_consultation",
    "/api/v1/recognitions/comments/{id}/hide/": "api_comment",
    "/api/v1/movements/{id}/progress/": "api_movement",
    "/api/v1/movements/{id}/forecast/": "api_movement",
    "/api/v1/movements/{id}/obligations/": "api_movement",
    "/api/v1/movements/{id}/consolidation/": "api_movement",
    "/api/v1/movements/{id}/pilots/": "api_movement",
    "/api/v1/movements/{id}/inspection-teams/": "api_movement",
    "/api/v1/movements/{id}/groups/": "api_movement",
    "/api/v1/movements/{id}/roadmaps/": "api_movement",
    "/api/v1/movements/{id}/versions/": "api_movement",
    "/api/v1/movements/{id}/clusters/": "api_movement",
    "/api/v1/movements/{id}/models/": "api_movement",
    "/api/v1/movements/{id}/inspections/": "api_movement",
    "/api/v1/movements/reports/{id}/transitions/": "api_report",
}

UNKNOWN_PK = 987654321
UNKNOWN_TOKEN = "0" * 32


# --- the world --------------------------------------------------------------------------------------


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def build_world() -> dict[str, Subject]:
    """Objects on Xã Vĩnh Chánh (Huyện Thoại Sơn, old province) and on Plan 861; out of scope for
    Huyện Chợ Mới's officer and for a user without membership."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chungsuc.assessments import services as assessment_services
    from chungsuc.assessments.models import Assessment
    from chungsuc.core.models import Notification
    from chungsuc.criteria.models import Framework, Status, ThresholdRule
    from chungsuc.geo.selectors import unit_by_code
    from chungsuc.movements import services as movement_services
    from chungsuc.movements.models import (
        ExemplaryModel,
        ModelAttachment,
        Movement,
        Obligation,
        ReportAttachment,
    )
    from chungsuc.recognitions.models import (
        Consultation,
        ConsultationComment,
        Decision,
        RecognitionRecord,
        SatisfactionSurvey,
    )
    from chungsuc.reports.models import DocumentFormat, DocumentKind, DocumentStatus, GeneratedDocument

    get_user_model().objects.get_or_create(username=NOBODY)
    tinh, vinhchanh = _user("demo.tinh"), _user("demo.vinhchanh")
    vc = unit_by_code("30703", dt.date(2024, 6, 30))
    fw = Framework.objects.filter(code="xa-ntm-2021-ag", status=Status.IN_FORCE).order_by("-version").first()
    from chungsuc.accounts.permissions import acting_as_of

    # Vĩnh Chánh's officer made the 2024 dossier before the 1/7/2025 merger (writes are as of today)
    with acting_as_of(dt.date(2024, 12, 31)):
        dossier = Assessment.objects.filter(
            unit=vc, year=2024
        ).first() or assessment_services.assessment_create(actor=vinhchanh, unit=vc, year=2024, framework=fw)
        evidence = assessment_services.evidence_add(
            actor=vinhchanh,
            assessment=dossier,
            upload=SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf"),
            indicator_code="",
        )
    today = dt.date.today()
    consultation = Consultation.objects.create(
        assessment=dossier, opens_on=today, closes_on=today + dt.timedelta(days=15), opened_by=tinh
    )
    comment = ConsultationComment.objects.create(consultation=consultation, name="Người dân", text="Đồng ý")
    decision = Decision.objects.create(
        kind=Decision.Kind.RECOGNITION,
        assessment=dossier,
        unit=vc,
        standard="ntm",
        number="1/QĐ-UBND",
        date=today,
        signer="Người ký",
        recorded_by=tinh,
    )
    decision.signed_pdf.save("qd.pdf", ContentFile(PDF), save=True)
    survey = SatisfactionSurvey(
        assessment=dossier,
        surveyed=100,
        satisfied=95,
        method="Phiếu khảo sát",
        conducted_on=today,
        minutes_name="bien-ban-khao-sat.pdf",
        minutes_size=len(PDF),
        recorded_by=vinhchanh,
    )
    survey.minutes.save("bien-ban-khao-sat.pdf", ContentFile(PDF), save=False)
    survey.save()
    record = RecognitionRecord.objects.create(unit=vc, standard="ntm", year=2023, since=dt.date(2023, 3, 15))
    notification = Notification.objects.create(recipient=vinhchanh, title="Thông báo thử")
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.EVALUATION_SHEET,
        fmt=DocumentFormat.DOCX,
        status=DocumentStatus.DONE,
        unit=vc,
        requested_by=vinhchanh,
        original_name="bieu.docx",
    )
    document.file.save("bieu.docx", ContentFile(b"PK\x03\x04 not really a docx"), save=True)

    plan = Movement.objects.get(code="kh-861-2022")
    obligation = Obligation.objects.filter(
        participant__movement=plan, participant__organisation__code="so-tttt"
    ).first()
    report = movement_services.report_save(actor=_user("demo.so"), obligation=obligation, data={})
    attachment = ReportAttachment(
        report=report, uploaded_by=_user("demo.so"), original_name="bao-cao.pdf", size=len(PDF)
    )
    attachment.file.save("bao-cao.pdf", ContentFile(PDF), save=False)
    attachment.save()
    cluster = movement_services.cluster_create(actor=tinh, movement=plan, name="Cụm thi đua thử")
    model = ExemplaryModel.objects.create(
        movement=plan,
        title="Mô hình thử",
        who="Hợp tác xã thử",
        unit=vc,
        description="Mô tả",
        created_by=tinh,
    )
    model_attachment = ModelAttachment(model=model, uploaded_by=tinh, original_name="anh.pdf", size=len(PDF))
    model_attachment.file.save("anh.pdf", ContentFile(PDF), save=False)
    model_attachment.save()
    inspection = movement_services.inspection_plan(
        actor=tinh, movement=plan, year=2024, team_name="Đoàn thử", leader="Trưởng đoàn", unit=vc
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    team = movement_services.inspection_team_create(
        actor=tinh,
        movement=plan,
        year=2024,
        name="Đoàn thử có quyết định",
        decision_reference="12/QĐ-SNV",
        decision_date=dt.date(2024, 10, 1),
        decision_signer="Người ký thử",
        signed_file=SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf"),
    )
    rule = ThresholdRule.objects.filter(indicator__criterion__framework=fw).first()

    nobody_and_chomoi = frozenset({NOBODY, "demo.chomoi"})
    on_vinh_chanh = {
        "insiders": frozenset(PROVINCE | THOAI_SON),
        "outsiders": nobody_and_chomoi,
    }
    on_plan = {"insiders": frozenset({"demo.tinh"}), "outsiders": frozenset({NOBODY})}
    unknown = {"pk": UNKNOWN_PK}
    world = {
        "none": Subject({}),
        "notification": Subject(
            {"pk": notification.pk},
            unknown,
            frozenset({"demo.vinhchanh"}),
            frozenset(set(DEMO) - {"demo.vinhchanh"} | {NOBODY}),
        ),
        "unit": Subject({"pk": vc.pk}, unknown, **on_vinh_chanh),
        "rule": Subject({"pk": rule.pk}, unknown, frozenset({"demo.nnptnt"})),
        "framework": Subject({"code": fw.code}, {"code": "khong-co-bo-nay"}, frozenset(PROVINCE | THOAI_SON)),
        "dossier": Subject({"pk": dossier.pk}, unknown, **on_vinh_chanh),
        "decision": Subject({"pk": decision.pk}, unknown, **on_vinh_chanh),
        "token": Subject({"token": UNKNOWN_TOKEN}, None),
        "record": Subject({"pk": record.pk}, unknown, frozenset(PROVINCE), nobody_and_chomoi),
        "unit_standards": Subject({"unit_pk": vc.pk}, {"unit_pk": UNKNOWN_PK}, **on_vinh_chanh),
        "public_consultation": Subject({"pk": consultation.pk}, unknown),
        "value_history": Subject(
            {"pk": dossier.pk, "key": "3.1"}, {"pk": UNKNOWN_PK, "key": "3.1"}, **on_vinh_chanh
        ),
        "evidence": Subject({"pk": evidence.pk}, unknown, **on_vinh_chanh),
        "movement": Subject({"pk": plan.pk}, unknown, **on_plan),
        "inspection": Subject({"pk": inspection.pk}, unknown, **on_plan),
        "model": Subject({"pk": model.pk}, unknown, **on_plan),
        "model_attachment": Subject({"pk": model_attachment.pk}, unknown, **on_plan),
        "cluster": Subject({"pk": cluster.pk}, unknown, **on_plan),
        "obligation": Subject(
            {"pk": obligation.pk}, unknown, frozenset({"demo.so", "demo.tinh"}), frozenset({NOBODY})
        ),
        "report": Subject(
            {"pk": report.pk}, unknown, frozenset({"demo.so", "demo.tinh"}), frozenset({NOBODY})
        ),
        "report_attachment": Subject(
            {"pk": attachment.pk}, unknown, frozenset({"demo.so", "demo.tinh"}), frozenset({NOBODY})
        ),
        "comment": Subject({"pk": comment.pk}, unknown, frozenset(PROVINCE), nobody_and_chomoi),
        "chart_table": Subject({"table": "recognitions", "fmt": "csv"}, {"table": "khong-co", "fmt": "csv"}),
        "map_export": Subject({"fmt": "csv"}, {"fmt": "khong-co"}),
        "inspection_team": Subject({"pk": team.pk}, unknown, **on_plan),
        "document": Subject(
            {"pk": document.pk}, unknown, frozenset({"demo.vinhchanh", "demo.thoaison"}), nobody_and_chomoi
        ),
        "public_unit": Subject({"pk": vc.pk}, unknown),
        "public_movement": Subject({"pk": plan.pk}, unknown),
        "open_data": Subject({"key": "register", "fmt": "csv"}, {"key": "khong-co", "fmt": "csv"}),
        # the API (parameter names as the schema writes them)
        "api_unit": Subject({"id": vc.pk}, {"id": UNKNOWN_PK}),
        "api_framework": Subject({"code": fw.code}, {"code": "khong-co-bo-nay"}),
        "api_dossier": Subject({"id": dossier.pk}, {"id": UNKNOWN_PK}, **on_vinh_chanh),
        "api_public_consultation": Subject({"id": consultation.pk}, {"id": UNKNOWN_PK}),
        "api_comment": Subject(
            {"id": comment.pk}, {"id": UNKNOWN_PK}, frozenset(PROVINCE), nobody_and_chomoi
        ),
        "api_movement": Subject({"id": plan.pk}, {"id": UNKNOWN_PK}, **on_plan),
        "api_report": Subject(
            {"id": report.pk}, {"id": UNKNOWN_PK}, frozenset({"demo.so", "demo.tinh"}), frozenset({NOBODY})
        ),
    }
    return world


# --- what is compared before and after a write ------------------------------------------------------

WATCHED_APPS = ("core", "assessments", "recognitions", "movements", "reports", "criteria", "geo", "accounts")


def _state_query() -> str:
    from django.apps import apps

    parts = []
    for model in apps.get_models():
        if model._meta.app_label not in WATCHED_APPS or model._meta.proxy:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        for f in model._meta.concrete_fields:
            if f.name == "version" and f.get_internal_type().endswith("IntegerField"):
                parts.append(f"(SELECT COALESCE(SUM({connection.ops.quote_name(f.column)}), 0) FROM {table})")
    return "SELECT " + ", ".join(parts)


def _media_files(root) -> int:
    return sum(len(files) for _dir, _sub, files in os.walk(root))


def snapshot(sql, media_root):
    with connection.cursor() as cur:
        cur.execute(sql)
        row = tuple(cur.fetchone())
    return row, _media_files(media_root)


# --- the rows ---------------------------------------------------------------------------------------


def _walk(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def url_patterns() -> list[str]:
    return [route for route, _p in _walk(get_resolver())]


def page_routes() -> list[str]:
    from chungsuc.urls import MOVED

    moved = {str(p.pattern) for p in MOVED}
    out = []
    for route in url_patterns():
        if any(route.startswith(s) for s in SKIPPED) or route in moved:
            continue
        out.append(route)
    return out


def fill(route: str, params: dict) -> str:
    def sub(m):
        return str(params[m.group(2)])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


def api_operations() -> list[tuple[str, str, bool]]:
    """(method, path, public) of every operation of the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    ops = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            security = op.get("security", schema.get("security", []))
            public = any(s == {} for s in security)
            ops.append((method.upper(), path, public))
    return ops


def is_public_page(route: str) -> bool:
    return route in PUBLIC_EXACT or route.startswith(PUBLIC_PREFIXES)


@dataclass
class Sweep:
    rows: int = 0
    failures: list = field(default_factory=list)
    known_seen: set = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)
    routes: set = field(default_factory=set)


def _login_redirect(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def check_row(sweep, *, route, user, variant, method, response, changed, subject, api, public, seen):
    status = response.status_code
    sweep.rows += 1
    sweep.statuses[status] += 1
    sweep.routes.add(route)
    problems = []
    if status >= 500:
        problems.append("5xx")
    if user == ANON and not public:
        if api:
            if status not in (401, 403):
                problems.append("anonymous API must be 401/403")
        elif route in ANON_REDIRECTS:
            if ANON_REDIRECTS[route] not in response.get("Location", ""):
                problems.append(f"anonymous must be sent on to {ANON_REDIRECTS[route]}")
        elif not _login_redirect(response):
            problems.append("anonymous page must redirect to the login page")
    elif variant == "unknown" and user != ANON:
        # The same answer as for an object that exists: 404, or the refusal the role gets either way.
        if status not in (404, 405) and not (status == 403 and seen.get((route, user, method)) == 403):
            problems.append("an id naming nothing must be 404")
    elif variant == "in" and user in subject.outsiders:
        if status not in (404, 405):
            problems.append("out of scope must be 404, like an unknown id")
    elif variant == "in" and method == "GET" and user in subject.insiders:
        if status == 404:
            problems.append("in scope, yet 404")
        if _login_redirect(response):
            problems.append("logged in, yet sent to the login page")
    if variant == "in":
        seen[(route, user, method)] = status
    if changed and method in WRITE_METHODS:
        refused = status >= 400 or _login_redirect(response)
        if refused or route not in EMPTY_BODY_ACTIONS:
            problems.append(f"an empty or refused write changed rows ({changed})")
    key = (route, user, variant, method)
    if problems:
        if key in KNOWN:
            sweep.known_seen.add(key)
        else:
            sweep.failures.append(f"{method} {route} as {user} ({variant}): {status} — {'; '.join(problems)}")


def _clients(users):
    from django.test import Client

    out = {}
    for username in users:
        c = Client(raise_request_exception=False)
        if username != ANON:
            c.force_login(_user(username))
        out[username] = c
    return out


def _diff(before, after):
    (rows_b, files_b), (rows_a, files_a) = before, after
    changed = [i for i, (x, y) in enumerate(zip(rows_b, rows_a, strict=True)) if x != y]
    out = []
    if changed:
        out.append(f"{len(changed)} counters")
    if files_a != files_b:
        out.append(f"media files {files_b}→{files_a}")
    return ", ".join(out)


class _Rollback(Exception):
    pass


def _request(client, method, url, *, api, sql, media_root):
    """One request; a write runs in a savepoint rolled back afterwards, so that an allowed action (an
    empty write that is a real action) does not change what the next rows see."""
    from django.db import transaction

    def send():
        if api:
            return client.generic(
                method, url, "{}", content_type="application/json", HTTP_ACCEPT="application/json"
            )
        return client.get(url) if method == "GET" else client.post(url, {})

    if method == "GET":
        return send(), ""
    before = snapshot(sql, media_root)
    result = {}
    try:
        with transaction.atomic():
            result["response"] = send()
            result["changed"] = _diff(before, snapshot(sql, media_root))
            raise _Rollback
    except _Rollback:
        pass
    return result["response"], result["changed"]


def _variants(subject):
    yield "in", subject.params, USERS
    if subject.unknown is not None:
        yield "unknown", subject.unknown, UNKNOWN_USERS


def run_pages(routes, world, media_root, sweep):
    sql = _state_query()
    clients = _clients(USERS)
    seen: dict = {}
    for route in routes:
        subject = world[ROUTES.get(route, "none")]
        public = is_public_page(route)
        for variant, params, users in _variants(subject):
            url = fill(route, params)
            for method in ("GET", "POST"):  # every read of the route before any write
                for user in users:
                    response, changed = _request(
                        clients[user], method, url, api=False, sql=sql, media_root=media_root
                    )
                    check_row(
                        sweep,
                        route=route,
                        user=user,
                        variant=variant,
                        method=method,
                        response=response,
                        changed=changed,
                        subject=subject,
                        api=False,
                        public=public,
                        seen=seen,
                    )


def run_api(operations, world, media_root, sweep):
    sql = _state_query()
    clients = _clients(USERS)
    seen: dict = {}
    # reads first, then writes
    for method, path, public in sorted(operations, key=lambda op: op[0] != "GET"):
        subject = world[API_ROUTES.get(path, "none")]
        public = public or path in API_PUBLIC
        for variant, params, users in _variants(subject):
            url = re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), path)  # noqa: B023
            for user in users:
                response, changed = _request(
                    clients[user], method, url, api=True, sql=sql, media_root=media_root
                )
                check_row(
                    sweep,
                    route=path,
                    user=user,
                    variant=variant,
                    method=method,
                    response=response,
                    changed=changed,
                    subject=subject,
                    api=True,
                    public=public,
                    seen=seen,
                )


class SweepFigures(UserWarning):
    """Not a problem: the sweep's matrix size, shown in the warnings summary of every run (also under
    pytest-xdist, which does not pass a passing test's output on)."""


def report(sweep, label):
    line = f"permission sweep [{label}]: {sweep.rows} rows; statuses {dict(sorted(sweep.statuses.items()))}"
    print("\n" + line)
    warnings.warn(line, SweepFigures, stacklevel=2)
    for key in sorted(sweep.known_seen):
        print(f"  KNOWN {key}: {KNOWN[key]}")
    stale = [key for key in KNOWN if key[0] in sweep.routes and key not in sweep.known_seen]
    assert not stale, f"KNOWN rows that now keep the conventions (remove them): {stale}"
    assert not sweep.failures, f"{len(sweep.failures)} rows break the conventions:\n" + "\n".join(
        sweep.failures
    )


# --- the tests --------------------------------------------------------------------------------------


def test_every_pattern_has_a_parameter_rule():
    """A new URL pattern or API path with a parameter must say what its parameters name."""
    missing = [r for r in page_routes() if re.search(r"<[^>]+>", r) and r not in ROUTES]
    assert not missing, f"URL patterns without a rule in ROUTES: {missing}"
    api_missing = [p for _m, p, _pub in api_operations() if "{" in p and p not in API_ROUTES]
    assert not api_missing, f"API paths without a rule in API_ROUTES: {sorted(set(api_missing))}"
    stale = [r for r in ROUTES if r not in set(url_patterns())] + [
        p for p in API_ROUTES if p not in {p for _m, p, _pub in api_operations()}
    ]
    assert not stale, f"rules for patterns that no longer exist: {stale}"
    # every API address is an operation of the schema (or the schema and its viewers)
    schema_paths = [
        re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", p) + "$") for _m, p, _pub in api_operations()
    ]
    for route in url_patterns():
        if not route.startswith("api/v1/") or route in API_NOT_IN_SCHEMA:
            continue
        sample = fill(route, dict.fromkeys(re.findall(r"<(?:\w+:)?(\w+)>", route), "1"))
        assert any(rx.match(sample) for rx in schema_paths), f"{route} is not in the OpenAPI schema"


def _groups():
    routes = page_routes()
    groups: dict[str, list[str]] = {}
    for route in routes:
        head = route.split("/", 1)[0] or "portal"
        groups.setdefault(head, []).append(route)
    return groups


PAGE_GROUPS = sorted(_groups())


@pytest.fixture
def world(demo, settings, tmp_path, acting_in_2024):
    # the world is the 2021–2025 history (a 2024 dossier of Vĩnh Chánh, Thoại Sơn's district): writes
    # are decided as of 31/12/2024, while those committees still held their jurisdiction
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CHUNGSUC_AXES_ENABLED = False
    return build_world(), tmp_path / "media"


@pytest.mark.parametrize("group", PAGE_GROUPS)
def test_page_sweep(group, world):
    subjects, media_root = world
    sweep = Sweep()
    run_pages(_groups()[group], subjects, media_root, sweep)
    report(sweep, f"pages {group}")


@pytest.mark.parametrize("half", [0, 1])
def test_api_sweep(half, world):
    subjects, media_root = world
    ops = api_operations()
    sweep = Sweep()
    run_api(ops[half::2], subjects, media_root, sweep)
    report(sweep, f"api {half + 1}/2 of {len(ops)} operations")


def test_admin_is_for_staff_only(demo, client):
    assert _login_redirect_to(client.get("/admin/"), "/admin/login/")
    client.force_login(_user("demo.tinh"))
    assert _login_redirect_to(client.get("/admin/"), "/admin/login/")


def _login_redirect_to(response, path):
    return response.status_code == 302 and path in response["Location"]


# --- may see, may not do ----------------------------------------------------------------------------
# The write addresses of the subjects that some roles read without changing (a dossier and what hangs
# on it; Plan 861 and its province-level management), each with the matrix action that decides it
# (None: the dossier workflow's transitions decide) and a body that is a real write. Who must be refused
# is derived, not listed: every demo user who may take the subject's read action (accounts.permissions
# over the matrix and the demo memberships: the inspector, the council member and Sở TTTT's officer on
# the dossier; the communes' officers, the council and the inspector on the province's actions) but
# not its write action (for the workflow: no transition available). Each row sends the body as that
# user and as the superuser (the control, which must write rows: the body is a real write), in a
# savepoint rolled back: the user must be refused (API 403; a page 403, or its redirect back with the
# refusal) and nothing written.


@dataclass(frozen=True)
class Write:
    subject: str  # a key of the world
    read: str  # the matrix action that lets a user see the subject
    action: str | None  # the matrix action of the write (None: the dossier workflow decides)
    body: str  # a key of `_bodies`
    api: bool = False
    method: str = "POST"
    multipart: bool = False


READ_ONLY_WRITES = {
    "assessments/<int:pk>/values/": Write("dossier", "assessment.view", "assessment.values.edit", "values"),
    "assessments/<int:pk>/refresh/": Write("dossier", "assessment.view", "assessment.evaluate", "empty"),
    "assessments/<int:pk>/evidence/": Write(
        "dossier", "assessment.view", "assessment.evidence.edit", "evidence", multipart=True
    ),
    "assessments/<int:pk>/framework/move/": Write(
        "dossier", "assessment.view", "assessment.framework.move", "reason"
    ),
    "assessments/<int:pk>/transition/": Write("dossier", "assessment.view", None, "transition"),
    "assessments/evidence/<int:pk>/remove/": Write(
        "evidence", "assessment.view", "assessment.evidence.edit", "empty"
    ),
    "recognitions/dossiers/<int:pk>/consultation/open/": Write(
        "dossier", "recognition.view", "recognition.consultation.open", "consultation"
    ),
    "recognitions/dossiers/<int:pk>/consultation/close/": Write(
        "dossier", "recognition.view", "recognition.consultation.close", "case_version"
    ),
    "recognitions/dossiers/<int:pk>/condition/": Write(
        "dossier", "recognition.view", "recognition.condition.attest", "condition"
    ),
    "recognitions/dossiers/<int:pk>/decision/": Write(
        "dossier", "recognition.view", "recognition.decide", "decision", multipart=True
    ),
    "recognitions/dossiers/<int:pk>/survey/": Write(
        "dossier", "recognition.view", "recognition.survey.record", "survey", multipart=True
    ),
    "recognitions/dossiers/<int:pk>/survey/attest/": Write(
        "dossier", "recognition.view", "recognition.survey.attest", "empty"
    ),
    "recognitions/comments/<int:pk>/hide/": Write(
        "comment", "recognition.view", "recognition.comment.hide", "reason"
    ),
    "recognitions/register/<int:pk>/revoke/": Write(
        "record", "recognition.view", "recognition.revoke", "revocation", multipart=True
    ),
    "movements/<int:pk>/groups/": Write("movement", "movement.view", "movement.manage", "group"),
    "movements/<int:pk>/pilots/": Write("movement", "movement.view", "movement.pilot.edit", "pilot"),
    "movements/<int:pk>/clusters/": Write("movement", "movement.view", "movement.cluster.manage", "cluster"),
    "movements/<int:pk>/inspections/": Write(
        "movement", "movement.view", "movement.inspection.plan", "inspection"
    ),
    "movements/<int:pk>/inspection-teams/": Write(
        "movement", "movement.view", "movement.inspection.plan", "team"
    ),
    "/api/v1/assessments/{id}/values/": Write(
        "api_dossier", "assessment.view", "assessment.values.edit", "api_values", api=True, method="PATCH"
    ),
    "/api/v1/assessments/{id}/evidence/": Write(
        "api_dossier", "assessment.view", "assessment.evidence.edit", "evidence", api=True, multipart=True
    ),
    "/api/v1/assessments/{id}/transitions/": Write(
        "api_dossier", "assessment.view", None, "transition", api=True
    ),
    "/api/v1/recognitions/dossiers/{id}/survey/": Write(
        "api_dossier", "recognition.view", "recognition.survey.record", "survey", api=True, multipart=True
    ),
    "/api/v1/recognitions/dossiers/{id}/survey/attest/": Write(
        "api_dossier", "recognition.view", "recognition.survey.attest", "empty", api=True
    ),
    "/api/v1/recognitions/comments/{id}/hide/": Write(
        "api_comment", "recognition.view", "recognition.comment.hide", "reason", api=True
    ),
}
# Write addresses of those subjects left out, with the reason (see the classification test below).
READ_ONLY_WRITES_LEFT_OUT = {
    "movements/<int:pk>/amendments/": "its decision needs a proposed amendment (movements tests)",
    "movements/<int:pk>/models/": "proposing is a participant's write, deciding happens on the model's page",
    "movements/<int:pk>/roadmaps/": "a unit-scope write its own communes may take (movement.roadmap.set)",
}
# The subjects' addresses that take no write (reads and downloads).
READ_ONLY_READS = {
    "assessments/<int:pk>/",
    "assessments/<int:pk>/export.xlsx",
    "assessments/evidence/<int:pk>/",
    "recognitions/dossiers/<int:pk>/survey/minutes/",
    "movements/<int:pk>/",
    "movements/<int:pk>/progress/",
    "movements/<int:pk>/progress.xlsx",
    "movements/<int:pk>/forecast/",
    "movements/<int:pk>/obligations/",
    "movements/<int:pk>/consolidation/",
    "/api/v1/assessments/{id}/",
}
# Addresses whose control cannot write in this world, with the reason (the refusal of their rows rests
# on the status and on nothing written); every other control must write, so a body that stops being a
# real write fails the sweep, and so does an entry here whose control writes.
_LATER_STEP = "a later step of the dossier's workflow than the world's draft"
NO_CONTROL = {
    "assessments/<int:pk>/refresh/": "a commune dossier has no child units to refresh from",
    "assessments/<int:pk>/framework/move/": "the dossier already follows the version in force",
    "recognitions/dossiers/<int:pk>/consultation/open/": _LATER_STEP,
    "recognitions/dossiers/<int:pk>/consultation/close/": _LATER_STEP,
    "recognitions/dossiers/<int:pk>/condition/": _LATER_STEP,
    "recognitions/dossiers/<int:pk>/decision/": _LATER_STEP,
}
# The control sends the same body as a user who may: the superuser, or for the workflow's transitions
# (decided by the roles the workflow names, not by being a superuser) the dossier's commune officer.
CONTROL = "demo.admin"
WORKFLOW_CONTROL = "demo.vinhchanh"
READ_ONLY_SUBJECTS = {"dossier", "evidence", "comment", "record", "movement", "api_dossier", "api_comment"}


def _bodies(objects) -> dict[str, dict]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chungsuc.core import workflow as wf

    dossier, case = objects["dossier"], objects["case"]
    codes = [t.code for t in wf.available_transitions(_user(WORKFLOW_CONTROL), case)] if case else []
    today = dt.date(2024, 12, 31).strftime("%d/%m/%Y")

    def pdf(name):
        return SimpleUploadedFile(name, PDF, "application/pdf")

    return {
        "empty": {},
        "reason": {"reason": "Kiểm tra quyền"},
        "case_version": {"case_version": case.version},
        "values": {"version": dossier.version, "v:3.1": "85"},
        "api_values": {"version": dossier.version, "values": {"3.1": 85}},
        "evidence": {"file": pdf("minh-chung.pdf"), "indicator_code": "", "description": "Kiểm tra"},
        "transition": {
            "confirm_missing": "on",
            "transition": codes[0] if codes else "submit",
            "reason": "Kiểm tra",
            "case_version": case.version,
        },
        "consultation": {"days": "15", "summary": "Công khai", "case_version": case.version},
        "condition": {"condition": "1", "met": "1", "note": "Kiểm tra", "case_version": case.version},
        "decision": {
            "recognised": "1",
            "number": "9/QĐ-UBND",
            "date": today,
            "signer": "Người ký",
            "signed_pdf": pdf("qd.pdf"),
            "case_version": case.version,
        },
        "survey": {
            "surveyed": "100",
            "satisfied": "96",
            "method": "Phiếu khảo sát",
            "conducted_on": today,
            "minutes": pdf("bien-ban.pdf"),
        },
        "revocation": {
            "number": "10/QĐ-UBND",
            "date": today,
            "signer": "Người ký",
            "reason": "Kiểm tra",
            "signed_pdf": pdf("thu-hoi.pdf"),
        },
        "group": {"unit": objects["unit"].pk, "group": "2", "basis": "Kiểm tra"},
        "pilot": {
            "pilot": objects["pilot"].pk if objects["pilot"] else 0,
            "year": "2024",
            "verified": "1",
            "active": "1",
            "note": "Kiểm tra quyền",
        },
        "cluster": {"name": "Cụm kiểm tra quyền", "kind": "cluster"},
        "inspection": {
            "unit": objects["unit"].pk,
            "year": "2024",
            "team_name": "Đoàn kiểm tra quyền",
            "leader": "Trưởng đoàn",
        },
        "team": {"year": "2024", "name": "Đoàn kiểm tra quyền (đoàn)"},
    }


def _objects(world):
    from chungsuc.assessments.models import Assessment, Evidence
    from chungsuc.core import workflow as wf
    from chungsuc.movements.models import Movement, PilotUnit
    from chungsuc.recognitions.models import ConsultationComment, RecognitionRecord

    dossier = Assessment.objects.get(pk=world["dossier"].params["pk"])
    movement = Movement.objects.get(pk=world["movement"].params["pk"])
    return {
        "dossier": dossier,
        "case": wf.case_for(dossier),
        "evidence": Evidence.objects.get(pk=world["evidence"].params["pk"]),
        "comment": ConsultationComment.objects.get(pk=world["comment"].params["pk"]),
        "record": RecognitionRecord.objects.get(pk=world["record"].params["pk"]),
        "movement": movement,
        "unit": dossier.unit,
        "pilot": PilotUnit.objects.filter(movement=movement).first(),
    }


def _permission_subject(write: Write, objects):
    """The object the matrix decides on for this write (the dossier for what hangs on it)."""
    kind = write.subject.removeprefix("api_")
    if kind in ("dossier", "evidence", "comment"):
        return objects["dossier"]
    return objects[kind]


def may_read(user, write: Write, objects) -> bool:
    from chungsuc.accounts import permissions

    return permissions.can(user, write.read, _permission_subject(write, objects))


def may_write(user, write: Write, objects) -> bool:
    from chungsuc.accounts import matrix, permissions
    from chungsuc.core import workflow as wf

    if write.action is None:
        return bool(objects["case"] and wf.available_transitions(user, objects["case"]))
    subject = _permission_subject(write, objects)
    if matrix.action(write.action).scope == "province":
        return permissions.can(user, write.action, subject.province_id)
    return permissions.can(user, write.action, subject)


def read_only_rows(world):
    """(route, write, [users who may read but not write]) for every classified write."""
    objects = _objects(world)
    users = [_user(u) for u in DEMO if u != "demo.admin"]
    rows = []
    for route, write in READ_ONLY_WRITES.items():
        refused = [
            u.username for u in users if may_read(u, write, objects) and not may_write(u, write, objects)
        ]
        rows.append((route, write, refused))
    return rows, objects


def _send(client, write, url, body):
    if write.api:
        if write.multipart:
            return client.generic(
                write.method, url, _multipart(body), content_type=_MULTIPART, HTTP_ACCEPT="application/json"
            )
        import json

        return client.generic(
            write.method,
            url,
            json.dumps(body),
            content_type="application/json",
            HTTP_ACCEPT="application/json",
        )
    return client.post(url, body)


_MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


def _multipart(body) -> bytes:
    from django.test.client import encode_multipart

    return encode_multipart("BoUnDaRy", body)


def _rewind(body):
    for value in body.values():
        if hasattr(value, "seek"):
            value.seek(0)
    return body


def _in_savepoint(send, sql, media_root):
    from django.db import transaction

    before = snapshot(sql, media_root)
    result = {}
    try:
        with transaction.atomic():
            result["response"] = send()
            result["changed"] = _diff(before, snapshot(sql, media_root))
            raise _Rollback
    except _Rollback:
        pass
    return result["response"], result["changed"]


def test_every_write_of_a_read_only_subject_is_classified():
    """A new address of a dossier or of Plan 861's subjects must say whether it writes (and which action
    decides it), or why the read-only sweep leaves it out."""
    swept = set(page_routes())
    routes = [r for r, subject in ROUTES.items() if subject in READ_ONLY_SUBJECTS and r in swept]
    routes += [p for p, subject in API_ROUTES.items() if subject in READ_ONLY_SUBJECTS]
    known = set(READ_ONLY_WRITES) | set(READ_ONLY_WRITES_LEFT_OUT) | READ_ONLY_READS
    assert not [r for r in routes if r not in known], "unclassified: " + ", ".join(
        r for r in routes if r not in known
    )
    assert not [r for r in known if r not in set(routes)], "classified but gone"


def test_who_may_see_but_not_do_is_refused_every_write(world):
    subjects, media_root = world
    rows, objects = read_only_rows(subjects)
    sql = _state_query()
    clients = _clients(sorted({CONTROL, WORKFLOW_CONTROL} | {u for _r, _w, users in rows for u in users}))
    failures, uncontrolled, statuses, per_user = [], [], Counter(), Counter()
    size = 0
    for route, write, refused in rows:
        params = subjects[write.subject].params
        if write.api:
            url = re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), route)  # noqa: B023
        else:
            url = fill(route, params)

        def send(client, write=write, url=url):
            return _send(client, write, url, _bodies(objects)[write.body])

        controller = clients[WORKFLOW_CONTROL if write.action is None else CONTROL]
        control, changed = _in_savepoint(lambda: send(controller), sql, media_root)  # noqa: B023
        if not changed:
            uncontrolled.append(route)
        for username in refused:
            response, changed = _in_savepoint(lambda: send(clients[username]), sql, media_root)  # noqa: B023
            size += 1
            status = response.status_code
            statuses[status] += 1
            per_user[username] += 1
            if write.api:
                refused_ok = status == 403
            else:
                refused_ok = status == 403 or (status == 302 and not _login_redirect(response))
            if changed or not refused_ok:
                failures.append(
                    f"{write.method} {route} as {username}: {status}, changed: {changed or 'nothing'}"
                )
    line = (
        f"may see, may not do: {size} rows over {len(rows)} write addresses "
        f"({len(rows) - len(uncontrolled)} with a control that writes); "
        f"refused users {dict(sorted(per_user.items()))}; "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    print("\n" + line)
    for route, write, refused in rows:
        print(f"  {write.method} {route} ({write.action or 'workflow'}): {', '.join(refused)}")
    for route in uncontrolled:
        print(f"  no write by the control: {route} ({NO_CONTROL.get(route, 'not expected')})")
    warnings.warn(line, SweepFigures, stacklevel=1)
    # derived from the matrix: the roles the brief names are among the refused
    refused_dossier = {u for r, w, users in rows if w.subject == "dossier" for u in users}
    assert {"demo.kiemtra", "demo.hoidong", "demo.so"} <= refused_dossier, refused_dossier
    refused_province = {u for r, w, users in rows if w.subject == "movement" for u in users}
    assert {"demo.vinhchanh", "demo.phuhoa"} & refused_province, refused_province
    assert not failures, f"{len(failures)} writes by users who may only read:\n" + "\n".join(failures)
    assert set(uncontrolled) == set(NO_CONTROL), f"controls that do not write: {sorted(uncontrolled)}"
