"""Every action of the permission matrix, performed for real (issue 8, "Done means").

`registry()` maps each action of `data/permissions/*.yaml` to the way the product performs it — the
service that does it, called with the user, or the page when that is where the check lives — with a
subject built from the built-in and demo data, an allowed user and a refused one (a role the matrix
does not name, or the right role out of scope). The test is generated from the matrix, not from this
list: a new action without an entry fails `test_the_registry_covers_every_action_of_the_matrix` and its
own row, naming what to add.

For each action:
- a write: the refused user gets `can(...) == False`, the call raises PermissionDenied (403) or Http404
  (not even visible: the same answer as a missing record), and nothing was written — the row count of
  every model of the project's apps, every version counter and the media files are the same before and
  after, and so is the action's own effect on the subject; then the allowed user gets `can(...) == True`
  and the call changes the subject (its effect) and writes rows (the audit entry at least);
- a read: the allowed user reads the subject (the selector or the page returns it), the refused one does
  not, and neither writes anything.

Documents (`report.*.generate`) are decided like reads (over the jurisdiction's whole period, see
reports.yaml) but asking for one writes the request, so they are checked as writes here.

The world is the 2021–2025 history (Xã Vĩnh Chánh of Huyện Thoại Sơn, Plan 861): writes are decided as
of 31/12/2024 (`acting_in_2024`), while those committees held their jurisdiction.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404

from chungsuc.accounts import matrix, permissions

pytestmark = pytest.mark.usefixtures("acting_in_2024")

ACTIONS = sorted(matrix.load())
SYSTEM = None  # the scheduled job acts without a person
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GOOD = {"1.1": "Đạt", "3.1": "90", "3.2": "Đạt", "10.1": "70", "10.2": "3"}
D2024 = dt.date(2024, 6, 30)


def _unit(code, on=D2024):
    from chungsuc.geo.selectors import unit_by_code

    return unit_by_code(code, on)


def _pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _stranger(role="inspector"):
    """A user holding `role` in an organisation without any jurisdiction (and in no movement): the right
    role, in scope of nothing."""
    from django.contrib.auth import get_user_model

    from chungsuc.accounts.models import Membership, Organisation

    user = get_user_model().objects.create_user(username=f"u-out-{role}", password="x-Chung-Suc-1")
    org = Organisation.objects.create(code=f"org-out-{role}", name=f"Tổ chức ngoài {role}", kind="department")
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


# --- the world: built lazily, each test builds only what its action needs ---------------------------------


class World:
    @cached_property
    def vc(self):
        from chungsuc.geo.selectors import unit_by_code

        return unit_by_code("30703", D2024)  # Xã Vĩnh Chánh (Huyện Thoại Sơn)

    @cached_property
    def cho_moi(self):
        from chungsuc.geo.selectors import unit_by_code

        return unit_by_code("893", D2024)  # Huyện Chợ Mới

    @cached_property
    def fw(self):
        from chungsuc.assessments.tests.conftest import make_framework

        return make_framework("xa-thu-ma-tran")

    @cached_property
    def plan(self):
        from chungsuc.movements.models import Movement

        return Movement.objects.get(code="kh-861-2022")

    def participant(self, org_code):
        return self.plan.participants.get(organisation__code=org_code)

    @cached_property
    def dossier(self):
        """A 2024 draft of Vĩnh Chánh with every value filled (the standard met)."""
        from chungsuc.assessments import services

        commune = _user("demo.vinhchanh")
        a = services.assessment_create(actor=commune, unit=self.vc, year=2024, framework=self.fw)
        services.assessment_values_save(actor=commune, assessment=a, values=GOOD)
        a.refresh_from_db()
        return a

    @cached_property
    def appraised(self):
        """The dossier through the district and the province: `province_approved`."""
        from chungsuc.assessments.services import assessment_transition as move

        a = self.dossier
        move(actor=_user("demo.vinhchanh"), assessment=a, transition_code="submit")
        move(actor=_user("demo.thoaison"), assessment=a, transition_code="approve")
        move(actor=_user("demo.thoaison"), assessment=a, transition_code="submit")
        move(actor=_user("demo.nnptnt"), assessment=a, transition_code="approve")
        return a

    @cached_property
    def consulting(self):
        """The appraised dossier published for the residents' consultation."""
        from chungsuc.recognitions import services

        a = self.appraised
        services.consultation_open(actor=_user("demo.nnptnt"), assessment=a, days=15)
        a.refresh_from_db()
        return a

    @cached_property
    def closed(self):
        from chungsuc.recognitions import services

        a = self.consulting
        services.consultation_close(actor=_user("demo.nnptnt"), assessment=a)
        a.refresh_from_db()
        return a

    def record(self, year):
        from chungsuc.recognitions.models import RecognitionRecord

        return RecognitionRecord.objects.create(
            unit=self.vc, standard="ntm", year=year, since=dt.date(year, 12, 1), source="thử", origin="import"
        )

    @cached_property
    def report(self):
        """Sở Thông tin và Truyền thông's report on an obligation of Plan 861 (a draft)."""
        from chungsuc.movements import services
        from chungsuc.movements.models import Obligation

        ob = Obligation.objects.filter(participant=self.participant("so-tttt")).order_by("due_date").first()
        return services.report_save(actor=_user("demo.so"), obligation=ob, data={"articles": "2"})

    @cached_property
    def inspection(self):
        from chungsuc.movements import services

        return services.inspection_plan(
            actor=_user("demo.tinh"),
            movement=self.plan,
            year=2024,
            team_name="Đoàn kiểm tra ma trận",
            leader="Trưởng đoàn thử",
            unit=self.cho_moi,
            members=[_user("demo.kiemtra")],
        )

    @cached_property
    def inspected(self):
        from chungsuc.movements import services

        insp = self.inspection
        services.findings_save(actor=_user("demo.kiemtra"), inspection=insp, results={"K1": ("met", "")})
        insp.refresh_from_db()
        return insp

    @cached_property
    def recommendation(self):
        from chungsuc.movements import services

        return services.recommendation_add(
            actor=_user("demo.kiemtra"),
            inspection=self.inspection,
            text="Nộp báo cáo đúng hạn",
            due_date=dt.date(2024, 12, 31),
        )

    @cached_property
    def cluster(self):
        """A cluster of Plan 861 with a scoring table and three district members in 2024."""
        from chungsuc.movements import services

        admin = _user("demo.tinh")
        services.scoring_table_set(
            actor=admin,
            movement=self.plan,
            rows=[{"code": "1", "name": "Tổ chức phong trào", "max_points": 30}],
        )
        cluster = services.cluster_create(actor=admin, movement=self.plan, name="Cụm ma trận")
        members = [self.participant(c) for c in ("ubnd-893", "ubnd-894", "ubnd-889")]
        services.cluster_members_set(actor=admin, cluster=cluster, year=2024, participants=members)
        return cluster


# --- what is compared before and after ----------------------------------------------------------------------


def _state_sql() -> str:
    """One statement: the row count of every model of the project's apps (and the users and groups),
    and the sum of every `version` counter (an update that adds no row moves one)."""
    from django.apps import apps

    parts = []
    for model in apps.get_models():
        label = model._meta.app_config.name
        if not (label.startswith("chungsuc") or label == "django.contrib.auth") or model._meta.proxy:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        for f in model._meta.concrete_fields:
            if f.name == "version" and f.get_internal_type().endswith("IntegerField"):
                parts.append(f"(SELECT COALESCE(SUM({connection.ops.quote_name(f.column)}), 0) FROM {table})")
    return "SELECT " + ", ".join(parts)


def snapshot(media_root) -> tuple:
    with connection.cursor() as cur:
        cur.execute(_state_sql())
        rows = tuple(cur.fetchone())
    files = sum(len(names) for _d, _s, names in os.walk(media_root)) if os.path.isdir(media_root) else 0
    return rows, files


# --- the registry ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """How to take one action for real.

    setup(world) → the subject (a dict); on(subject) → what `can` is asked about (None: whether the user
    holds the action at all, as the service asks); perform(user, subject) → for a write, take the action
    (raises when refused); for a read, True when the user reads the subject; probe(subject) → the
    action's effect on the subject (it must move for the allowed user, stay for the refused one)."""

    allowed: str | None
    refused: str | Callable
    setup: Callable
    on: Callable
    perform: Callable
    probe: Callable = lambda s: None
    read: bool = False


def _client(user):
    from django.test import Client

    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _found(fn) -> bool:
    try:
        return fn() is not None
    except Http404:
        return False


def _state(a):
    from chungsuc.core.workflow import case_for

    return case_for(a).state.code


def _count(model, **filters):
    return model.objects.filter(**filters).count()


def _m(name):
    from django.apps import apps

    app, model = name.split(".")
    return apps.get_model(app, model)


# assessments ------------------------------------------------------------------------------------------------


def _import_plan(w):
    """The commune officer's own dry run of its dossier's workbook with 3.1 changed to 95."""
    import io

    import openpyxl

    from chungsuc.assessments import excel

    a = w.dossier
    data = excel.build_workbook(
        framework=a.framework, year=a.year, units=[a.unit], assessments={a.unit_id: a}
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[excel.DATA_SHEET]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "3.1")
    ws.cell(excel.FIRST_ROW, col).value = 95
    buf = io.BytesIO()
    wb.save(buf)
    plan = excel.dry_run(
        actor=_user("demo.vinhchanh"), upload=SimpleUploadedFile("so-lieu.xlsx", buf.getvalue())
    )
    assert plan.rows and not plan.errors, plan.errors
    return {"a": a, "plan": plan}


def _value(a, key):
    row = _m("assessments.AssessmentValue").objects.filter(assessment=a, indicator_code=key).first()
    return row.value if row else None


def _newer_version(w):
    from chungsuc.criteria.models import ThresholdRule
    from chungsuc.criteria.services import threshold_update

    a = w.dossier
    rule = ThresholdRule.objects.get(framework=w.fw, key="3.1")
    threshold_update(actor=_user("demo.nnptnt"), rule=rule, value="70", reason="Sửa theo văn bản")
    return {"a": a}


def _framework_of(s):
    s["a"].refresh_from_db()
    return s["a"].framework_id


def _assessments():
    from chungsuc.assessments import excel, selectors, services

    return {
        "assessment.view": Case(
            allowed="demo.vinhchanh",
            refused="demo.chomoi",  # the right role (a district's officer), another district
            setup=lambda w: {"a": w.dossier},
            on=lambda s: s["a"],
            perform=lambda u, s: selectors.assessments_for(u).filter(pk=s["a"].pk).exists()
            and _found(lambda: selectors.assessment_or_404(u, s["a"].pk)),
            read=True,
        ),
        "assessment.create": Case(
            allowed="demo.vinhchanh",
            refused="demo.kiemtra",  # an inspector reads dossiers, never makes one
            setup=lambda w: {"unit": w.vc, "fw": w.fw},
            on=lambda s: s["unit"],
            perform=lambda u, s: services.assessment_create(
                actor=u, unit=s["unit"], year=2024, framework=s["fw"]
            ),
            probe=lambda s: _count(_m("assessments.Assessment"), unit=s["unit"], framework=s["fw"]),
        ),
        "assessment.values.edit": Case(
            allowed="demo.vinhchanh",
            refused="demo.hoidong",
            setup=lambda w: {"a": w.dossier},
            on=lambda s: s["a"],
            perform=lambda u, s: services.assessment_values_save(
                actor=u, assessment=s["a"], values={"3.1": "85"}, expected_version=s["a"].version
            ),
            probe=lambda s: _value(s["a"], "3.1"),
        ),
        "assessment.evidence.edit": Case(
            allowed="demo.vinhchanh",
            refused="demo.so",
            setup=lambda w: {"a": w.dossier},
            on=lambda s: s["a"],
            perform=lambda u, s: services.evidence_add(
                actor=u, assessment=s["a"], upload=_pdf(), indicator_code="3.1"
            ),
            probe=lambda s: _count(_m("assessments.Evidence"), assessment=s["a"]),
        ),
        "assessment.evaluate": Case(
            allowed="demo.thoaison",
            refused="demo.kiemtra",
            setup=lambda w: {"a": w.dossier},
            on=lambda s: s["a"],
            perform=lambda u, s: services.assessment_reevaluate(actor=u, assessment=s["a"]),
            probe=lambda s: _count(_m("assessments.EvaluationResult"), assessment=s["a"]),
        ),
        "assessment.import": Case(
            allowed="demo.vinhchanh",
            refused="demo.hoidong",  # commits the plan the commune's officer checked
            setup=_import_plan,
            on=lambda s: s["a"].unit_id,
            perform=lambda u, s: excel.commit(actor=u, plan=s["plan"]),
            probe=lambda s: _value(s["a"], "3.1"),
        ),
        "assessment.export": Case(
            allowed="demo.thoaison",
            refused="demo.chomoi",
            setup=lambda w: {"district": _unit("894")},  # Huyện Thoại Sơn's workbook
            on=lambda s: s["district"],
            perform=lambda u, s: selectors.workbook_areas(u).filter(pk=s["district"].pk).exists(),
            read=True,
        ),
        "assessment.framework.move": Case(
            allowed="demo.vinhchanh",
            refused="demo.so",
            setup=_newer_version,
            on=lambda s: s["a"],
            perform=lambda u, s: services.assessment_framework_move(
                actor=u, assessment=s["a"], reason="Ngưỡng 3.1 đã sửa"
            ),
            probe=_framework_of,
        ),
        "assessment.framework.move_all": Case(
            allowed="demo.nnptnt",
            refused="demo.thoaison",  # a district's officer moves one dossier, never all
            setup=_newer_version,
            on=lambda s: None,
            perform=lambda u, s: services.assessments_framework_move_all(
                actor=u, framework_code=s["a"].framework.code, reason="Ngưỡng 3.1 đã sửa"
            ),
            probe=_framework_of,
        ),
    }


# core, geo, accounts, criteria ---------------------------------------------------------------------------


def _audit_entry(w):
    a = w.dossier
    return {
        "entry": _m("core.AuditEntry").objects.filter(action="assessment.create", target_id=str(a.pk)).get()
    }


def _core():
    from chungsuc.accounts import services as account_services
    from chungsuc.core import scope
    from chungsuc.core.selectors import audit_entries_visible_to
    from chungsuc.criteria import services as criteria_services
    from chungsuc.geo import services as geo_services

    def rule(w):
        return {"rule": _m("criteria.ThresholdRule").objects.get(framework=w.fw, key="3.2")}  # unverified

    def rule_verified(s):
        s["rule"].refresh_from_db()
        return s["rule"].verified

    def group_of(s):
        s["unit"].refresh_from_db()
        return s["unit"].commune_group

    return {
        "audit.view": Case(
            allowed="demo.thoaison",  # the district's officer reads its communes' history
            refused="demo.chomoi",
            setup=_audit_entry,
            on=lambda s: s["entry"],
            perform=lambda u, s: audit_entries_visible_to(u).filter(pk=s["entry"].pk).exists(),
            read=True,
        ),
        "unit.view": Case(
            allowed="demo.thoaison",
            refused=lambda: _stranger("district_officer"),
            setup=lambda w: {"unit": w.vc},
            on=lambda s: s["unit"],
            perform=lambda u, s: permissions.restrict(
                _m("geo.Unit").objects.filter(pk=s["unit"].pk), u, "unit.view"
            ).exists()
            and _found(lambda: scope.unit_or_404(u, s["unit"].pk)),
            read=True,
        ),
        "unit.commune_group.set": Case(
            allowed="demo.nnptnt",
            refused="demo.vinhchanh",  # a commune does not classify itself
            setup=lambda w: {"unit": w.vc},
            on=lambda s: s["unit"],
            perform=lambda u, s: geo_services.unit_commune_group_set(
                actor=u, unit=s["unit"], group=2 if s["unit"].commune_group != 2 else 3, reason="QĐ 51/2025"
            ),
            probe=group_of,
        ),
        "organisation.manage": Case(
            allowed="demo.tinh",
            refused="demo.nnptnt",
            setup=lambda w: {},
            on=lambda s: None,
            perform=lambda u, s: account_services.organisation_upsert(
                actor=u, code="to-chuc-ma-tran", name="Tổ chức thử ma trận", kind="department"
            ),
            probe=lambda s: _count(_m("accounts.Organisation"), code="to-chuc-ma-tran"),
        ),
        "criteria.edit": Case(
            allowed="demo.nnptnt",
            refused="demo.vinhchanh",
            setup=rule,
            on=lambda s: None,
            perform=lambda u, s: criteria_services.threshold_verify(
                actor=u, rule=s["rule"], source="QĐ 318/QĐ-TTg Phụ lục I"
            ),
            probe=rule_verified,
        ),
    }


# movements ------------------------------------------------------------------------------------------------


def _report_state(s):
    from chungsuc.core.workflow import case_for

    return case_for(s["report"]).state.code


def _movements():
    from chungsuc.accounts.models import Organisation
    from chungsuc.movements import access, selectors
    from chungsuc.movements import services as ms
    from chungsuc.movements.models import (
        Amendment,
        ClusterScore,
        ExemplaryModel,
        Finding,
        Inspection,
        Movement,
        Participant,
        Report,
        Roadmap,
    )

    def pilot_of(s):
        s["pilot"].refresh_from_db()
        return (s["pilot"].year, s["pilot"].verified, s["pilot"].active, s["pilot"].note)

    def pilot(w):
        p = w.plan.pilots.order_by("pk").first()
        return {"plan": w.plan, "pilot": p}

    def amendment(w):
        a = ms.amendment_propose(
            actor=_user("demo.tinh"), movement=w.plan, reason="Điều chỉnh thử", changes={"2.1": {"2025": 4}}
        )
        return {"plan": w.plan, "amendment": a}

    def amendment_state(s):
        s["amendment"].refresh_from_db()
        return s["amendment"].state

    def model(w):
        m = ms.model_propose(
            actor=_user("demo.tinh"),
            movement=w.plan,
            title="Mô hình ma trận",
            who="Hợp tác xã thử",
            unit=w.vc,
            description="Mô tả",
        )
        return {"plan": w.plan, "model": m}

    def model_state(s):
        s["model"].refresh_from_db()
        return s["model"].state

    def rec_done(s):
        s["rec"].refresh_from_db()
        return s["rec"].done_on

    def insp_state(s):
        s["inspection"].refresh_from_db()
        return s["inspection"].state

    def submitted(w):
        report = w.report
        ms.report_transition(actor=_user("demo.so"), report=report, transition="submit")
        return {"plan": w.plan, "report": report}

    def participant_setup(w):
        org = Organisation.objects.create(code="so-ma-tran", name="Sở thử ma trận", kind="department")
        return {"plan": w.plan, "org": org}

    return {
        "movement.view": Case(
            allowed="demo.so",  # a participant
            refused=lambda: _stranger("inspector"),
            setup=lambda w: {"plan": w.plan},
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: s["plan"] in selectors.movements_for(u)
            and _found(lambda: selectors.movement_or_404(u, s["plan"].pk)),
            read=True,
        ),
        "movement.create": Case(
            allowed="demo.tinh",
            refused="demo.nnptnt",
            setup=lambda w: {"province": w.plan.province},
            on=lambda s: s["province"].pk,
            perform=lambda u, s: ms.movement_create(
                actor=u,
                name="Phong trào thử ma trận",
                province=s["province"],
                issuing_body="UBND tỉnh An Giang",
                period_start=2024,
                period_end=2025,
                targets=[
                    {
                        "code": "1",
                        "name": "Xã NTM",
                        "level": "commune",
                        "standards": ["ntm"],
                        "by_year": {2025: 2},
                    }
                ],
            ),
            probe=lambda s: _count(Movement, name="Phong trào thử ma trận"),
        ),
        "movement.manage": Case(
            allowed="demo.tinh",
            refused="demo.hoidong",
            setup=participant_setup,
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: ms.participant_add(
                actor=u, movement=s["plan"], organisation=s["org"], kind="department"
            ),
            probe=lambda s: _count(Participant, movement=s["plan"], organisation=s["org"]),
        ),
        "movement.report.edit": Case(
            allowed="demo.so",
            refused="demo.chomoi",  # a reporting role, of another participant
            setup=lambda w: {
                "plan": w.plan,
                "p": w.participant("so-tttt"),
                "ob": w.participant("so-tttt").obligations.order_by("due_date").first(),
            },
            on=lambda s: s["p"],
            perform=lambda u, s: ms.report_save(actor=u, obligation=s["ob"], data={"articles": "4"}),
            probe=lambda s: _count(Report, obligation=s["ob"]),
        ),
        "movement.report.submit": Case(
            allowed="demo.so",
            refused="demo.chomoi",
            setup=lambda w: {"plan": w.plan, "p": w.participant("so-tttt"), "report": w.report},
            on=lambda s: s["p"],
            perform=lambda u, s: ms.report_transition(actor=u, report=s["report"], transition="submit"),
            probe=_report_state,
        ),
        "movement.report.review": Case(
            allowed="demo.tinh",
            refused="demo.so",  # the participant does not accept its own report
            setup=submitted,
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: ms.report_transition(actor=u, report=s["report"], transition="accept"),
            probe=_report_state,
        ),
        "movement.consolidate": Case(
            allowed="demo.hoidong",
            refused="demo.so",
            setup=lambda w: {"plan": w.plan},
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: access.can_consolidate(u, s["plan"])
            and _client(u).get(f"/movements/{s['plan'].pk}/consolidation/").status_code == 200,
            read=True,
        ),
        "movement.reminders.run": Case(
            allowed=SYSTEM,
            refused="demo.tinh",  # even the province's administrator: only the scheduled job
            setup=lambda w: {"plan": w.plan},
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: ms.reminders_run(actor=u, today=dt.date(2024, 12, 31)),
            probe=lambda s: _count(_m("core.Notification")),
        ),
        "movement.pilot.edit": Case(
            allowed="demo.tinh",
            refused="demo.thoaison",
            setup=pilot,
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: ms.pilot_update(
                actor=u,
                pilot=s["pilot"],
                year=s["pilot"].year,
                verified=True,
                active=not s["pilot"].active,
                note="Theo QĐ thử",
            ),
            probe=pilot_of,
        ),
        "movement.roadmap.set": Case(
            allowed="demo.vinhchanh",
            refused="demo.chomoi",
            setup=lambda w: {"plan": w.plan, "unit": w.vc},
            on=lambda s: s["unit"].pk,
            perform=lambda u, s: ms.roadmap_set(
                actor=u, movement=s["plan"], unit=s["unit"], standard="ntm", year=2025
            ),
            probe=lambda s: _count(Roadmap, movement=s["plan"], unit=s["unit"]),
        ),
        "movement.amendment.propose": Case(
            allowed="demo.so",
            refused="demo.chomoi",
            setup=lambda w: {"plan": w.plan, "p": w.participant("so-tttt")},
            on=lambda s: s["p"],
            perform=lambda u, s: ms.amendment_propose(
                actor=u,
                movement=s["plan"],
                reason="Đề nghị thử",
                changes={"2.1": {"2025": 4}},
                participant=s["p"],
            ),
            probe=lambda s: _count(Amendment, movement=s["plan"]),
        ),
        "movement.amendment.decide": Case(
            allowed="demo.tinh",
            refused="demo.nnptnt",
            setup=amendment,
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: ms.amendment_decide(
                actor=u, amendment=s["amendment"], approve=False, note="Không cần"
            ),
            probe=amendment_state,
        ),
        "movement.cluster.manage": Case(
            allowed="demo.tinh",
            refused="demo.chomoi",
            setup=lambda w: {"plan": w.plan},
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: ms.cluster_create(actor=u, movement=s["plan"], name="Cụm thử ma trận"),
            probe=lambda s: _count(_m("movements.Cluster"), movement=s["plan"]),
        ),
        "movement.cluster.score": Case(
            allowed="demo.chomoi",
            refused="demo.thoaison",  # a member, scoring on another member's behalf
            setup=lambda w: {
                "cluster": w.cluster,
                "p": w.participant("ubnd-893"),
                "other": w.participant("ubnd-894"),
            },
            on=lambda s: s["p"],
            perform=lambda u, s: ms.cluster_scores_save(
                actor=u, cluster=s["cluster"], year=2024, scorer=s["p"], scored=s["other"], points={"1": "25"}
            ),
            probe=lambda s: _count(ClusterScore),
        ),
        "movement.model.propose": Case(
            allowed="demo.so",
            refused="demo.chomoi",
            setup=lambda w: {"plan": w.plan, "p": w.participant("so-tttt"), "unit": w.vc},
            on=lambda s: s["p"],
            perform=lambda u, s: ms.model_propose(
                actor=u,
                movement=s["plan"],
                title="Mô hình đề xuất",
                who="Tổ hợp tác",
                unit=s["unit"],
                description="Mô tả",
                participant=s["p"],
            ),
            probe=lambda s: _count(ExemplaryModel, movement=s["plan"]),
        ),
        "movement.model.decide": Case(
            allowed="demo.tinh",
            refused="demo.hoidong",
            setup=model,
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: ms.model_decide(actor=u, model=s["model"], action="endorse"),
            probe=model_state,
        ),
        "movement.inspection.plan": Case(
            allowed="demo.tinh",
            refused="demo.kiemtra",  # an inspector is in a team, never plans one
            setup=lambda w: {"plan": w.plan, "unit": w.cho_moi},
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: ms.inspection_plan(
                actor=u,
                movement=s["plan"],
                year=2024,
                team_name="Đoàn thử",
                leader="Trưởng đoàn",
                unit=s["unit"],
            ),
            probe=lambda s: _count(Inspection, movement=s["plan"]),
        ),
        "movement.inspection.record": Case(
            allowed="demo.kiemtra",  # the team's member
            refused="demo.hoidong",
            setup=lambda w: {"inspection": w.inspection},
            on=lambda s: s["inspection"].unit_id,
            perform=lambda u, s: ms.findings_save(
                actor=u, inspection=s["inspection"], results={"K1": ("met", "")}
            ),
            probe=lambda s: _count(Finding, inspection=s["inspection"]),
        ),
        "movement.inspection.follow_up": Case(
            allowed="demo.chomoi",  # the inspected district's officer
            refused="demo.thoaison",  # the right role, another district
            setup=lambda w: {"rec": w.recommendation, "unit": w.cho_moi},
            on=lambda s: s["unit"].pk,
            perform=lambda u, s: ms.recommendation_follow_up(
                actor=u, recommendation=s["rec"], done_on=dt.date(2024, 12, 10), follow_up="Đã nộp báo cáo"
            ),
            probe=rec_done,
        ),
        "movement.inspection.conclude": Case(
            allowed="demo.tinh",
            refused="demo.kiemtra",
            setup=lambda w: {"inspection": w.inspected, "plan": w.plan},
            on=lambda s: s["plan"].province_id,
            perform=lambda u, s: ms.inspection_conclude(
                actor=u,
                inspection=s["inspection"],
                number="7",
                symbol="KL-HĐTĐKT",
                issued_on=dt.date(2024, 12, 20),
                signer_name="Người ký thử",
            ),
            probe=insp_state,
        ),
    }


# recognitions ----------------------------------------------------------------------------------------------


def _recognitions():
    from chungsuc.recognitions import services as rs
    from chungsuc.recognitions.models import (
        ConditionCheck,
        Consultation,
        ConsultationComment,
        Decision,
        RecognitionCondition,
        RecognitionRecord,
        SatisfactionSurvey,
    )
    from chungsuc.reports import selectors as report_selectors

    def comment(w):
        a = w.consulting
        c = ConsultationComment.objects.create(
            consultation=a.consultation, name="Người dân", text="Góp ý thử"
        )
        return {"a": a, "comment": c}

    def hidden(s):
        s["comment"].refresh_from_db()
        return s["comment"].hidden_at

    def survey(w):
        a = w.dossier
        sv = rs.survey_record(
            actor=_user("demo.vinhchanh"),
            assessment=a,
            surveyed=200,
            satisfied=186,
            method="Phát phiếu",
            conducted_on=dt.date(2024, 12, 1),
            minutes=_pdf(),
        )
        return {"a": a, "survey": sv}

    def attested(s):
        s["survey"].refresh_from_db()
        return s["survey"].attested_at

    def record(year):
        def setup(w):
            return {"record": w.record(year)}

        return setup

    def until(s):
        s["record"].refresh_from_db()
        return s["record"].until

    condition = RecognitionCondition.objects.filter(kind=RecognitionCondition.Kind.ATTESTATION).order_by("pk")
    rows = [{"unit_code": "30703", "standard": "ntm", "year": 2019, "since": "2019-12-20", "source": "thử"}]

    return {
        "recognition.view": Case(
            allowed="demo.thoaison",
            refused="demo.chomoi",
            setup=record(2018),
            on=lambda s: s["record"],
            perform=lambda u, s: s["record"] in report_selectors.recognised_records(u, on=D2024)[0],
            read=True,
        ),
        "recognition.consultation.open": Case(
            allowed="demo.nnptnt",
            refused="demo.thoaison",
            setup=lambda w: {"a": w.appraised},
            on=lambda s: s["a"],
            perform=lambda u, s: rs.consultation_open(actor=u, assessment=s["a"], days=15),
            probe=lambda s: (_count(Consultation, assessment=s["a"]), _state(s["a"])),
        ),
        "recognition.consultation.close": Case(
            allowed="demo.nnptnt",
            refused="demo.vinhchanh",
            setup=lambda w: {"a": w.consulting},
            on=lambda s: s["a"],
            perform=lambda u, s: rs.consultation_close(actor=u, assessment=s["a"]),
            probe=lambda s: _state(s["a"]),
        ),
        "recognition.comment.hide": Case(
            allowed="demo.thoaison",
            refused="demo.vinhchanh",  # the commune does not moderate its own consultation
            setup=comment,
            on=lambda s: s["comment"],
            perform=lambda u, s: rs.consultation_comment_hide(
                actor=u, comment=s["comment"], reason="Lời lẽ không phù hợp"
            ),
            probe=hidden,
        ),
        "recognition.survey.record": Case(
            allowed="demo.vinhchanh",
            refused="demo.kiemtra",
            setup=lambda w: {"a": w.dossier},
            on=lambda s: s["a"],
            perform=lambda u, s: rs.survey_record(
                actor=u,
                assessment=s["a"],
                surveyed=200,
                satisfied=186,
                method="Phát phiếu",
                conducted_on=dt.date(2024, 12, 1),
                minutes=_pdf(),
            ),
            probe=lambda s: _count(SatisfactionSurvey, assessment=s["a"]),
        ),
        "recognition.survey.attest": Case(
            allowed="demo.thoaison",
            refused="demo.chomoi",
            setup=survey,
            on=lambda s: s["a"],
            perform=lambda u, s: rs.survey_attest(actor=u, survey=s["survey"], note="Khớp biên bản"),
            probe=attested,
        ),
        "recognition.condition.attest": Case(
            allowed="demo.thoaison",
            refused="demo.vinhchanh",
            setup=lambda w: {"a": w.dossier, "condition": condition.first()},
            on=lambda s: s["a"],
            perform=lambda u, s: rs.condition_check_set(
                actor=u, assessment=s["a"], condition=s["condition"], met=True, note="Công an tỉnh xác nhận"
            ),
            probe=lambda s: _count(ConditionCheck, assessment=s["a"]),
        ),
        "recognition.decide": Case(
            allowed="demo.nnptnt",
            refused="demo.thoaison",
            setup=lambda w: {"a": w.closed},
            on=lambda s: s["a"],
            perform=lambda u, s: rs.decision_record(
                actor=u,
                assessment=s["a"],
                recognised=False,
                number="12/QĐ-UBND",
                date=dt.date(2024, 12, 20),
                signer="Chủ tịch UBND tỉnh",
                reason="Chưa đạt sự hài lòng của người dân",
            ),
            probe=lambda s: (_count(Decision, assessment=s["a"]), _state(s["a"])),
        ),
        "recognition.revoke": Case(
            allowed="demo.nnptnt",
            refused="demo.vinhchanh",
            setup=record(2020),
            on=lambda s: s["record"],
            perform=lambda u, s: rs.revocation_record(
                actor=u,
                record=s["record"],
                number="9/QĐ-UBND",
                date=dt.date(2024, 5, 1),
                signer="Chủ tịch UBND tỉnh",
                reason="Tiêu chí không còn đạt",
            ),
            probe=until,
        ),
        "recognition.register.import": Case(
            allowed="demo.tinh",
            refused="demo.vinhchanh",
            setup=lambda w: {"unit": w.vc},
            on=lambda s: None,
            perform=lambda u, s: rs.recognition_import(actor=u, rows=[dict(r) for r in rows]),
            probe=lambda s: _count(RecognitionRecord, unit=s["unit"], year=2019),
        ),
    }


# reports ---------------------------------------------------------------------------------------------------


def _reports():
    from chungsuc.reports import selectors as report_selectors
    from chungsuc.reports import services as report_services
    from chungsuc.reports.models import DocumentFormat, DocumentKind, DocumentStatus, GeneratedDocument

    def request(kind, params, unit):
        def perform(u, s):
            return report_services.document_request(
                actor=u, kind=kind, fmt=DocumentFormat.DOCX, params=params(s), unit=unit(s)
            )

        return perform

    def docs(s):
        return _count(GeneratedDocument)

    def document(w):
        doc = GeneratedDocument.objects.create(
            kind=DocumentKind.EVALUATION_SHEET,
            fmt=DocumentFormat.DOCX,
            status=DocumentStatus.DONE,
            unit=w.vc,
            requested_by=_user("demo.vinhchanh"),
            original_name="bieu.docx",
        )
        doc.file.save("bieu.docx", ContentFile(b"PK\x03\x04 thu"), save=True)
        return {"doc": doc}

    return {
        "report.evaluation_sheet.generate": Case(
            allowed="demo.vinhchanh",
            refused="demo.hoidong",
            setup=lambda w: {"a": w.dossier},
            on=lambda s: s["a"].unit_id,
            perform=request(
                DocumentKind.EVALUATION_SHEET, lambda s: {"assessment": s["a"].pk}, lambda s: s["a"].unit
            ),
            probe=docs,
        ),
        "report.recognised_list.generate": Case(
            allowed="demo.thoaison",
            refused="demo.kiemtra",
            setup=lambda w: {},
            on=lambda s: None,
            perform=request(
                DocumentKind.RECOGNISED_LIST, lambda s: {"on": D2024.isoformat()}, lambda s: None
            ),
            probe=docs,
        ),
        "report.annual_report.generate": Case(
            allowed="demo.tinh",
            refused="demo.thoaison",
            setup=lambda w: {"plan": w.plan},
            on=lambda s: s["plan"].province_id,
            perform=request(
                DocumentKind.ANNUAL_REPORT,
                lambda s: {"movement": s["plan"].pk, "year": 2024},
                lambda s: s["plan"].province,
            ),
            probe=docs,
        ),
        "report.inspection_conclusion.generate": Case(
            allowed="demo.kiemtra",
            refused="demo.hoidong",
            setup=lambda w: {"inspection": w.inspection},
            on=lambda s: s["inspection"].unit_id,
            perform=request(
                DocumentKind.INSPECTION_CONCLUSION,
                lambda s: {"inspection": s["inspection"].pk},
                lambda s: s["inspection"].unit,
            ),
            probe=docs,
        ),
        "report.export": Case(
            allowed="demo.thoaison",
            refused=lambda: _stranger_without_role(),
            setup=lambda w: {},
            on=lambda s: None,
            perform=lambda u, s: _export_status(u) == 200,
            read=True,
        ),
        "report.view": Case(
            allowed="demo.thoaison",  # a document about a unit in scope
            refused="demo.chomoi",
            setup=document,
            on=lambda s: s["doc"],
            perform=lambda u, s: _found(lambda: report_selectors.document_or_404(u, s["doc"].pk)),
            read=True,
        ),
    }


def _export_status(user):
    return (
        _client(user).get("/dashboard/charts/export/recognitions.csv", {"on": D2024.isoformat()}).status_code
    )


def _stranger_without_role():
    """Logged in, a member of nothing: holds no role of the matrix."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username="u-no-role", password="x-Chung-Suc-1")


def registry() -> dict[str, Case]:
    return {**_assessments(), **_core(), **_movements(), **_recognitions(), **_reports()}


# --- the tests ----------------------------------------------------------------------------------------------


def test_the_registry_covers_every_action_of_the_matrix(db):
    reg = registry()
    missing = [a for a in ACTIONS if a not in reg]
    assert not missing, (
        f"actions of data/permissions/*.yaml without an entry in registry() of {__name__}: {missing} — "
        "add how to take each for real, an allowed and a refused user"
    )
    stale = sorted(set(reg) - set(ACTIONS))
    assert not stale, f"entries for actions the matrix no longer defines: {stale}"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CHUNGSUC_AXES_ENABLED = False
    return tmp_path / "media"


def _resolve(who):
    if who is None or who is SYSTEM:
        return None
    return who() if callable(who) else _user(who)


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_is_taken_by_the_allowed_user_and_refused_without_a_write(name, an_giang, media):
    reg = registry()
    if name not in reg:
        pytest.fail(f"«{name}» has no entry in the registry of {__name__}: say how to take it for real")
    case = reg[name]
    s = case.setup(World())
    obj = case.on(s)
    allowed, refused = _resolve(case.allowed), _resolve(case.refused)
    for u in (allowed, refused):
        if u is not None:
            permissions.forget(u)

    assert not permissions.can(refused, name, obj), f"{name}: the layer lets the refused user through"
    if allowed is None:
        assert permissions.can(None, name), f"{name}: the system may not take it"
    else:
        assert permissions.can(allowed, name, obj), f"{name}: the layer refuses the allowed user"

    if case.read:
        before = snapshot(media)
        assert case.perform(allowed, s) is True, f"{name}: the allowed user cannot read the subject"
        assert case.perform(refused, s) is False, f"{name}: the refused user reads the subject"
        assert snapshot(media) == before, f"{name}: a read wrote something"
        return

    before, effect = snapshot(media), case.probe(s)
    with pytest.raises((PermissionDenied, Http404)) as exc:
        case.perform(refused, s)
    if isinstance(exc.value, PermissionDenied):
        assert str(exc.value), f"{name}: a refusal without its reason"
    assert snapshot(media) == before, f"{name}: the refused call wrote something"
    assert case.probe(s) == effect, f"{name}: the refused call changed the subject"

    audited = _count(_m("core.AuditEntry"))
    case.perform(allowed, s)
    assert case.probe(s) != effect, f"{name}: the allowed call did not take effect"
    assert snapshot(media) != before, f"{name}: the allowed call wrote nothing"
    assert _count(_m("core.AuditEntry")) > audited, f"{name}: the allowed call left no audit entry"


# The writes a person takes (the scheduled job's reminders are the system's alone).
WRITES = [
    a
    for a, case in sorted(registry().items())
    if a in ACTIONS and not case.read and not matrix.load()[a].roles <= {matrix.SYSTEM_ROLE}
]


@pytest.mark.parametrize("name", WRITES)
def test_each_action_follows_its_own_line_of_the_matrix(name, an_giang, media, monkeypatch):
    """Take the allowed user's roles out of the action's line in the matrix: the same call is refused.
    So the service asks this action, not another action's roles nor roles of its own."""
    import dataclasses

    reg = registry()
    if name not in reg:
        pytest.fail(f"«{name}» has no entry in the registry of {__name__}: say how to take it for real")
    case = reg[name]
    s = case.setup(World())
    allowed = _resolve(case.allowed)
    held = {g.role for g in permissions.grants(allowed)}
    actions = dict(matrix.load())
    actions[name] = dataclasses.replace(actions[name], roles=actions[name].roles - held)
    monkeypatch.setattr(matrix, "load", lambda: actions)
    permissions.forget(allowed)
    assert not permissions.can(allowed, name, case.on(s))
    before = snapshot(media)
    with pytest.raises((PermissionDenied, Http404)):
        case.perform(allowed, s)
    assert snapshot(media) == before


# Reads that do not follow their line yet, with the reason (strict: the row fails once it does, so the
# entry goes when the cause is fixed).
# Reads known not to follow their own line of the matrix (a strict xfail each, with the reason): none.
READS_NOT_FOLLOWING: dict[str, str] = {}
READS = [
    pytest.param(a, marks=pytest.mark.xfail(reason=READS_NOT_FOLLOWING[a], strict=True))
    if a in READS_NOT_FOLLOWING
    else a
    for a, case in sorted(registry().items())
    if a in ACTIONS and case.read
]


@pytest.mark.parametrize("name", READS)
def test_each_read_follows_its_own_line_of_the_matrix(name, an_giang, media, monkeypatch):
    """Take the allowed user's roles out of the read's line in the matrix: they no longer read it."""
    import dataclasses

    case = registry()[name]
    s = case.setup(World())
    allowed = _resolve(case.allowed)
    held = {g.role for g in permissions.grants(allowed)}
    actions = dict(matrix.load())
    actions[name] = dataclasses.replace(actions[name], roles=actions[name].roles - held)
    monkeypatch.setattr(matrix, "load", lambda: actions)
    permissions.forget(allowed)
    assert not permissions.can(allowed, name, case.on(s))
    assert case.perform(allowed, s) is False
