"""Pages of core: the scoped audit viewer with filters, the notification list; and the engine on the
real accounts hooks with the demo users (Vĩnh Chánh ⊂ Thoại Sơn; Chợ Mới is another district)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail

from chungsuc.core.audit import audit_record
from chungsuc.core.models import AuditEntry, Notification
from chungsuc.core.notifications import notify

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")

ON = dt.date(2024, 6, 30)


def _user(username):
    return get_user_model().objects.get(username=username)


def _unit(code):
    from chungsuc.geo.selectors import unit_by_code

    return unit_by_code(code, ON)


def _a_cho_moi_commune():
    from chungsuc.geo.models import UnitVersion
    from chungsuc.geo.selectors import valid_on

    return UnitVersion.objects.filter(valid_on(ON), parent=_unit("893")).select_related("unit").first().unit


def _login(client, demo, username):
    client.force_login(_user(username))  # the login form itself (axes) is tested in accounts


@pytest.fixture
def audit_rows(demo):
    vinh_chanh, cho_moi_commune = _unit("30703"), _a_cho_moi_commune()
    AuditEntry.objects.all().delete()  # loading the built-in data is audited too; start from a known set
    audit_record(
        actor=None,
        action="assessment.update",
        target_type="assessments.assessment",
        target_id="1",
        target_repr="Tự đánh giá Vĩnh Chánh 2024",
        unit_id=vinh_chanh.pk,
        changes={"x": [1, 2]},
    )
    audit_record(
        actor=None,
        action="workflow.transition",
        target_type="assessments.assessment",
        target_id="1",
        target_repr="Nộp hồ sơ Vĩnh Chánh",
        unit_id=vinh_chanh.pk,
        changes={"state": ["draft", "submitted"]},
    )
    audit_record(
        actor=None,
        action="assessment.update",
        target_type="assessments.assessment",
        target_id="2",
        target_repr=f"Tự đánh giá {cho_moi_commune.name} (Chợ Mới)",
        unit_id=cho_moi_commune.pk,
    )
    audit_record(
        actor=None,
        action="criteria.update",
        target_type="criteria.framework",
        target_id="9",
        target_repr="Bộ tiêu chí cấp tỉnh",
        unit_id=None,
    )
    return vinh_chanh, cho_moi_commune


def _rows(response):
    return [e.target_repr for e in response.context["page"]]


def test_a_commune_officer_sees_only_rows_of_their_unit(client, demo, audit_rows):
    _login(client, demo, "demo.vinhchanh")
    response = client.get("/audit/")
    assert response.status_code == 200
    assert sorted(_rows(response)) == ["Nộp hồ sơ Vĩnh Chánh", "Tự đánh giá Vĩnh Chánh 2024"]
    assert "Chợ Mới" not in response.content.decode()
    assert "Bộ tiêu chí cấp tỉnh" not in response.content.decode()


def test_district_and_province_see_their_jurisdiction(client, demo, audit_rows):
    _login(client, demo, "demo.thoaison")
    assert sorted(_rows(client.get("/audit/"))) == ["Nộp hồ sơ Vĩnh Chánh", "Tự đánh giá Vĩnh Chánh 2024"]
    client.logout()
    _login(client, demo, "demo.chomoi")
    assert _rows(client.get("/audit/")) == [f"Tự đánh giá {audit_rows[1].name} (Chợ Mới)"]
    client.logout()
    _login(client, demo, "demo.tinh")
    assert len(_rows(client.get("/audit/"))) == 4


def test_audit_filters_by_action_and_target_type(client, demo, audit_rows):
    _login(client, demo, "demo.tinh")
    response = client.get("/audit/", {"action": "assessment.update"})
    assert len(_rows(response)) == 2 and all("Tự đánh giá" in r for r in _rows(response))
    response = client.get("/audit/", {"target_type": "criteria.framework"})
    assert _rows(response) == ["Bộ tiêu chí cấp tỉnh"]
    response = client.get("/audit/", {"action": "assessment.update", "target_type": "criteria.framework"})
    assert _rows(response) == []
    page = client.get("/audit/").content.decode()
    assert '<option value="workflow.transition">' in page and 'value="criteria.framework"' in page
    # The filter choices come from what the user may see: the commune officer has no criteria rows.
    client.logout()
    _login(client, demo, "demo.vinhchanh")
    page = client.get("/audit/").content.decode()
    assert 'value="criteria.framework"' not in page and 'value="assessments.assessment"' in page
    assert _rows(client.get("/audit/", {"action": "assessment.update"})) == ["Tự đánh giá Vĩnh Chánh 2024"]


def test_audit_viewer_requires_login(client, db):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


# --- notifications -----------------------------------------------------------------------------


@pytest.fixture
def inbox(demo, django_capture_on_commit_callbacks):
    me, other = _user("demo.vinhchanh"), _user("demo.thoaison")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[me], title="Hồ sơ bị trả lại", body="Lý do: thiếu minh chứng", url="/assessments/")
        notify(recipients=[me], title="Nhắc hạn nộp báo cáo", url="https://evil.example/phish")
        notify(recipients=[other], title="Hồ sơ chờ thẩm định")
    return me, other


def test_notify_writes_rows_and_mails_each_recipient_once(inbox):
    me, other = inbox
    assert Notification.objects.filter(recipient=me).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "demo.thoaison@demo.invalid",
        "demo.vinhchanh@demo.invalid",
        "demo.vinhchanh@demo.invalid",
    ]
    assert any("Lý do: thiếu minh chứng" in m.body for m in mail.outbox)


def test_notification_list_shows_only_mine_and_the_unread_badge(client, demo, inbox):
    _login(client, demo, "demo.vinhchanh")
    response = client.get("/audit/notifications/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hồ sơ bị trả lại" in page and "Nhắc hạn nộp báo cáo" in page and "Hồ sơ chờ thẩm định" not in page
    assert response.context["unread_count"] == 2 and response.context["unread_total"] == 2
    assert page.count('data-unread="1"') == 2


def test_mark_one_read_then_all(client, demo, inbox):
    me, other = inbox
    _login(client, demo, "demo.vinhchanh")
    first = Notification.objects.get(recipient=me, title="Hồ sơ bị trả lại")
    response = client.post(f"/audit/notifications/{first.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/assessments/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.get("/audit/notifications/", {"unread": "1"}).context["page"].paginator.count == 1

    # An off-site link is never followed.
    phish = Notification.objects.get(recipient=me, title="Nhắc hạn nộp báo cáo")
    response = client.post(f"/audit/notifications/{phish.pk}/read/", {"open": "1"})
    assert response["Location"] == "/audit/notifications/"

    response = client.post("/audit/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_someone_elses_notification_is_404_and_stays_unread(client, demo, inbox):
    me, other = inbox
    theirs = Notification.objects.get(recipient=other)
    _login(client, demo, "demo.vinhchanh")
    assert client.post(f"/audit/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/audit/notifications/{theirs.pk}/read/").status_code == 405
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_htmx_mark_read_returns_the_item(client, demo, inbox):
    me, _ = inbox
    note = Notification.objects.filter(recipient=me).first()
    _login(client, demo, "demo.vinhchanh")
    response = client.post(f"/audit/notifications/{note.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notification-{note.pk}"' in response.content.decode()
    assert 'data-unread="1"' not in response.content.decode()


# --- the engine on the real accounts hooks -----------------------------------------------------


def test_engine_with_accounts_scoping_and_demo_users(demo, django_capture_on_commit_callbacks):
    from chungsuc.core.tests.conftest import THREE_TIER
    from chungsuc.core.workflow import (
        WorkflowPermissionError,
        available_transitions,
        case_start,
        case_transition,
        workflow_define,
    )

    workflow = workflow_define(actor=None, **THREE_TIER)
    commune, district, other = _user("demo.vinhchanh"), _user("demo.thoaison"), _user("demo.chomoi")
    dossier = Group.objects.create(name="Hồ sơ công nhận xã Vĩnh Chánh")
    case = case_start(actor=commune, workflow=workflow, subject=dossier, unit_id=_unit("30703").pk)
    with django_capture_on_commit_callbacks(execute=True):
        case = case_transition(actor=commune, case=case, transition_code="submit")
    # The Thoại Sơn officer is the next actor; Chợ Mới's is not.
    assert Notification.objects.filter(recipient=district).count() == 1
    assert not Notification.objects.filter(recipient=other).exists()
    assert [m.to for m in mail.outbox] == [["demo.thoaison@demo.invalid"]]
    assert [t.code for t in available_transitions(district, case)] == ["approve", "return"]
    assert available_transitions(other, case) == []
    with pytest.raises(WorkflowPermissionError):
        case_transition(actor=other, case=case, transition_code="approve")
    case = case_transition(actor=district, case=case, transition_code="return", reason="Bổ sung biên bản")
    entry = AuditEntry.objects.filter(action="workflow.transition", target_type="auth.group").first()
    assert (
        entry.actor == district and entry.reason == "Bổ sung biên bản" and entry.unit_id == _unit("30703").pk
    )
    assert Notification.objects.filter(recipient=commune, body__contains="Bổ sung biên bản").exists()


def test_audit_shows_vietnamese_action_labels_and_folds_long_changes(client, demo, audit_rows):
    audit_record(
        actor=None,
        action="workflow.define",
        target_type="core.workflow",
        target_repr="Quy trình thử",
        changes={f"state:{i}": [None, i] for i in range(8)},
    )
    _login(client, demo, "demo.tinh")
    page = client.get("/audit/").content.decode()
    assert "Chuyển bước quy trình" in page and "Sửa hồ sơ đánh giá" in page
    assert "<code>workflow.transition</code>" not in page
    assert '<option value="workflow.transition">Chuyển bước quy trình</option>' in page
    assert 'data-testid="audit-changes-long"' in page and "8 trường thay đổi" in page


def test_action_label_falls_back_to_the_code():
    from chungsuc.core.audit import ACTION_LABELS, action_label

    assert action_label("threshold.update") == "Sửa ngưỡng chỉ tiêu"
    assert action_label("something.new") == "something.new"
    assert all(code.count(".") == 1 for code in ACTION_LABELS)


def test_fmt_number_uses_the_vietnamese_separators():
    from django.utils import translation

    from chungsuc.core.text import fmt_number

    with translation.override("vi"):
        assert [fmt_number(v) for v in (1234.5, 85.5, 100, 0.125, 1234567)] == [
            "1.234,5",
            "85,5",
            "100",
            "0,12",
            "1.234.567",
        ]
    with translation.override("en"):
        assert fmt_number(1234.5) == "1,234.5"


def test_every_page_has_a_favicon_so_browsers_do_not_ask_for_one(client, demo):
    _login(client, demo, "demo.tinh")
    assert '<link rel="icon" href="data:image/svg+xml' in client.get("/audit/").content.decode()
