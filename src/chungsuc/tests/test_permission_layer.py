"""The one permission layer: the matrix as data, one test per action generated from it, restrict in the
database at a constant number of queries, writes as of today, and admin changes audited."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from chungsuc.accounts import matrix, permissions
from chungsuc.accounts.models import Jurisdiction, Membership, Organisation, Role
from chungsuc.core.models import AuditEntry
from chungsuc.geo.models import Unit

ACTIONS = sorted(matrix.load())
ALL_ROLES = set(Role.values)


def _unit(code, on):
    from chungsuc.geo.selectors import unit_by_code

    return unit_by_code(code, on)


def _official(username, role, unit, *, valid_from=None, valid_to=None):
    """A user holding `role` in a fresh organisation whose jurisdiction is `unit`'s subtree."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, password="x-Chung-Suc-1")
    org = Organisation.objects.create(code=f"org-{username}", name=f"Tổ chức {username}", kind="department")
    Jurisdiction.objects.create(organisation=org, unit=unit, valid_from=valid_from, valid_to=valid_to)
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


def _written():
    return AuditEntry.objects.count(), Membership.objects.count(), Jurisdiction.objects.count()


# --- the matrix as data --------------------------------------------------------------------------------


def test_the_matrix_names_only_known_roles_and_every_app_has_its_file():
    actions = matrix.load()
    assert {a.source for a in actions.values()} >= {
        "assessments.yaml",
        "recognitions.yaml",
        "movements.yaml",
        "reports.yaml",
        "core.yaml",
    }
    for a in actions.values():
        assert a.roles <= ALL_ROLES | {matrix.SYSTEM_ROLE}, a.name


@pytest.mark.parametrize(
    "text, words",
    [
        ("actions:\n  x.y:\n    roles: [commune_oficer]\n", "vai trò không tồn tại"),
        ("actions:\n  x.y:\n    roles: [commune_officer]\n    mode: sometimes\n", "mode"),
        ("actions:\n  x.y:\n    roles: [commune_officer]\n    level: galaxy\n", "level"),
        ("actions:\n  x.y:\n    roles: [commune_officer]\n    colour: red\n", "khóa không hợp lệ"),
        ("actions:\n  Xy:\n    roles: [commune_officer]\n", "tên thao tác"),
        ("actions:\n  x.y:\n    roles: []\n", "cần danh sách vai trò"),
    ],
)
def test_a_typo_in_the_matrix_is_refused_naming_file_and_action(text, words):
    with pytest.raises(matrix.MatrixError) as exc:
        matrix.parse({"thu.yaml": text})
    assert "thu.yaml" in str(exc.value) and words in str(exc.value)


def test_an_action_defined_twice_is_refused():
    text = "actions:\n  x.y:\n    roles: [commune_officer]\n"
    with pytest.raises(matrix.MatrixError, match="đã khai báo"):
        matrix.parse({"a.yaml": text, "b.yaml": text})


def test_the_succession_of_an_abolished_level_is_data():
    assert matrix.succession() == {
        "district_officer": ("district", frozenset({Role.PROGRAMME_OFFICE, Role.PROVINCE_ADMIN}))
    }


@pytest.mark.parametrize(
    "text, words",
    [
        ("succession:\n  district_officer:\n    level: huyen\n    to: [province_admin]\n", "level «huyen»"),
        ("succession:\n  district_oficer:\n    level: district\n    to: [province_admin]\n", "vai trò"),
        ("succession:\n  district_officer:\n    level: district\n    to: [provnce_admin]\n", "vai trò"),
        ("succession:\n  district_officer:\n    level: district\n", "to"),
        (
            "succession:\n  district_officer:\n    level: district\n"
            "    to: [province_admin]\n    when: 2025\n",
            "khóa",
        ),
    ],
)
def test_a_bad_succession_is_refused_naming_the_file_and_by_the_system_check(monkeypatch, text, words):
    with pytest.raises(matrix.MatrixError) as exc:
        matrix.parse_succession({"thu.yaml": text})
    assert "thu.yaml" in str(exc.value) and words in str(exc.value)
    files = {**matrix._files(), "thu.yaml": text}
    monkeypatch.setattr(matrix, "_files", lambda: files)
    errors = matrix.check()
    assert [e.id for e in errors] == ["accounts.E001"] and "thu.yaml" in errors[0].msg


def test_a_succession_defined_twice_is_refused():
    text = "succession:\n  district_officer:\n    level: district\n    to: [province_admin]\n"
    with pytest.raises(matrix.MatrixError, match="đã khai báo"):
        matrix.parse_succession({"a.yaml": text, "b.yaml": text})


def test_an_unknown_action_is_refused_in_code_and_by_the_system_check(monkeypatch):
    with pytest.raises(ImproperlyConfigured):
        permissions.can(None, "assessment.valeus.edit")
    monkeypatch.setattr(matrix, "used_actions", lambda: {"assessment.valeus.edit": "assessments/views.py"})
    errors = matrix.check()
    assert [e.id for e in errors] == ["accounts.E002"] and "assessment.valeus.edit" in errors[0].msg
    monkeypatch.undo()
    assert matrix.check() == []  # every action the source uses is defined


# --- one test per action, generated from the matrix -----------------------------------------------------


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_answers_an_allowed_and_a_refused_user_and_the_refusal_writes_nothing(name, an_giang):
    act = matrix.action(name)
    phu_hoa = _unit("30685", "2026-01-01")  # a commune of the merged province, today
    province = _unit("91", "2026-01-01")
    if act.roles == {matrix.SYSTEM_ROLE}:
        assert permissions.can(None, name)
        user = _official("u-refused", Role.PROVINCE_ADMIN, province)
        assert not permissions.can(user, name, phu_hoa)
        return
    role = sorted(act.roles - {matrix.SYSTEM_ROLE})[0]
    allowed = _official("u-allowed", role, province if act.level == "province" else phu_hoa)
    # refused: a role the action does not name, else the same role over another unit
    others = sorted(ALL_ROLES - act.roles)
    if others:
        refused = _official("u-refused", others[0], province)
    else:
        refused = _official("u-refused", role, _unit("30637", "2024-06-30"))  # Mỹ Hội Đông (Chợ Mới)
    assert permissions.can(allowed, name, phu_hoa)
    assert permissions.restrict(Unit.objects.filter(pk=phu_hoa.pk), allowed, name).count() == 1
    before = _written()
    assert not permissions.can(refused, name, phu_hoa)
    assert not permissions.restrict(Unit.objects.filter(pk=phu_hoa.pk), refused, name).exists()
    with pytest.raises((PermissionDenied, Http404)) as exc:
        permissions.require(refused, name, phu_hoa)
    if isinstance(exc.value, PermissionDenied):
        assert str(exc.value).startswith("Bạn không có quyền")
    assert _written() == before  # a refusal writes nothing


# --- as of today, and the successor -----------------------------------------------------------------


def test_writes_are_decided_as_of_today_reads_over_the_whole_period(an_giang):
    vinh_chanh = _unit("30703", "2024-06-30")
    thoai_son = _unit("894", "2024-06-30")
    officer = _official("u-ts", Role.DISTRICT_OFFICER, thoai_son, valid_to=dt.date(2025, 6, 30))
    assert permissions.can(officer, "assessment.view", vinh_chanh)
    assert not permissions.can(officer, "assessment.values.edit", vinh_chanh)
    assert not permissions.can(officer, "assessment.create")  # no button for them today
    with permissions.acting_as_of(dt.date(2025, 6, 30)):
        assert permissions.can(officer, "assessment.values.edit", vinh_chanh)
    with pytest.raises(PermissionDenied, match="nhập số liệu"):
        permissions.require(officer, "assessment.values.edit", vinh_chanh)


def test_an_ended_units_business_passes_to_its_successor_or_its_parent(an_giang):
    vinh_chanh = _unit("30703", "2024-06-30")
    thoai_son = _unit("894", "2024-06-30")
    phu_hoa = _unit("30685", "2026-01-01")
    province = _unit("91", "2026-01-01")
    commune = _official("u-ph", Role.COMMUNE_OFFICER, phu_hoa, valid_from=dt.date(2025, 7, 1))
    assert permissions.can(commune, "assessment.values.edit", vinh_chanh)  # successor through the lineage
    assert not permissions.can(commune, "assessment.values.edit", thoai_son)  # a district is not its
    office = _official("u-pr", Role.PROGRAMME_OFFICE, province, valid_from=dt.date(2025, 7, 1))
    # the abolished district had no successor: its business passed to its province, then the merged one
    assert permissions.can(office, "assessment.values.edit", thoai_son)


# --- restrict in the database: a constant number of queries at national scale ------------------------------


@pytest.mark.parametrize("communes", [60, 600])
def test_restrict_for_a_province_wide_user_is_two_queries_whatever_the_scale(communes, an_giang):
    """The bench's generator makes a province of `communes` communes; a province-wide official's
    assessments are one query after the one that reads their jurisdictions (no IN list of unit ids:
    the statement's length does not grow with the number of units)."""
    from chungsuc.assessments import bench
    from chungsuc.assessments.models import Assessment

    bench.generate(communes=communes, districts=max(1, communes // 14), years=1, framework_code="xa-ntm-2021")
    bench_province = Unit.objects.get(key="bench-900000")
    official = _official("u-national", Role.PROGRAMME_OFFICE, bench_province)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(permissions.restrict(Assessment.objects.all(), official, "assessment.view").values("pk"))
    assert len(rows) == communes
    assert len(ctx.captured_queries) == 2
    assert len(ctx.captured_queries[-1]["sql"]) < 1500


def test_restrict_query_count_is_constant_with_django_assert_num_queries(an_giang, django_assert_num_queries):
    from chungsuc.assessments.models import Assessment

    official = _official("u-prov", Role.PROGRAMME_OFFICE, _unit("91", "2026-01-01"))
    with django_assert_num_queries(2):
        list(permissions.restrict(Assessment.objects.all(), official, "assessment.view"))
    with django_assert_num_queries(1):  # the jurisdictions are read once per user and request
        list(permissions.restrict(Unit.objects.all(), official, "unit.view"))


# --- admin changes are audited -----------------------------------------------------------------------------


def test_an_admin_change_of_a_membership_leaves_an_audit_row(an_giang, admin_client, admin_user):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="u-admin-target", password="x-Chung-Suc-1")
    org = Organisation.objects.get(code="so-tttt")
    m = Membership.objects.create(user=user, organisation=org, role=Role.PARTICIPANT_OFFICER)
    r = admin_client.post(
        f"/admin/accounts/membership/{m.pk}/change/",
        {"user": user.pk, "organisation": org.pk, "role": Role.COUNCIL_MEMBER, "active": "on"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    m.refresh_from_db()
    assert m.role == Role.COUNCIL_MEMBER
    entry = AuditEntry.objects.get(action="membership.update", target_id=str(m.pk))
    assert entry.actor == admin_user
    assert entry.changes["role"] == [Role.PARTICIPANT_OFFICER, Role.COUNCIL_MEMBER]
    # and a deletion through the admin
    r = admin_client.post(f"/admin/accounts/membership/{m.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert AuditEntry.objects.filter(action="membership.delete", target_id=str(m.pk)).exists()


def test_an_admin_change_of_a_jurisdiction_leaves_an_audit_row(an_giang, admin_client):
    org = Organisation.objects.get(code="so-tttt")
    j = org.jurisdictions.first()
    r = admin_client.post(
        f"/admin/accounts/jurisdiction/{j.pk}/change/",
        {
            "organisation": org.pk,
            "unit": j.unit_id,
            "valid_from": j.valid_from.isoformat() if j.valid_from else "",
            "valid_to": "2030-12-31",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="jurisdiction.update", target_id=str(j.pk))
    assert entry.unit_id == j.unit_id and "valid_to" in entry.changes
