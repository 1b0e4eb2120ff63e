"""Login, throttling, logout, password change, language switch, the me endpoint."""

import pytest
from django.urls import reverse

from chungsuc.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_login_with_demo_user_then_dashboard(client, demo):
    response = client.post(
        reverse("accounts:login"), {"username": "demo.tinh", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get(reverse("dashboard:home"))
    assert home.status_code == 200
    assert "Sở Nội vụ" in home.content.decode()


def test_wrong_password_gets_a_vietnamese_message(client, demo):
    response = client.post(reverse("accounts:login"), {"username": "demo.tinh", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "demo.tinh", "password": "sai"})
    locked = client.post(reverse("accounts:login"), {"username": "demo.tinh", "password": demo.DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "tạm thời bị khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_dashboard_requires_login(client):
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_logout_is_a_post(client, demo):
    client.login(username="demo.tinh", password=demo.DEMO_PASSWORD)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_password_change_is_audited(client, demo):
    client.login(username="demo.vinhchanh", password=demo.DEMO_PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": demo.DEMO_PASSWORD,
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    assert (
        AuditEntry.objects.filter(action="user.password_change", actor__username="demo.vinhchanh").count()
        == 1
    )
    client.logout()
    assert client.login(username="demo.vinhchanh", password="Mat-khau-moi-2026")


def test_language_switch_to_english_and_back(client, demo):
    client.login(username="demo.tinh", password=demo.DEMO_PASSWORD)
    vi = client.get(reverse("dashboard:home")).content.decode()
    assert "Tổ chức của bạn" in vi
    client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})
    en = client.get(reverse("dashboard:home")).content.decode()
    assert "Your organisations" in en
    assert 'lang="en"' in en
    client.post("/i18n/setlang/", {"language": "vi", "next": "/dashboard/"})
    assert "Tổ chức của bạn" in client.get(reverse("dashboard:home")).content.decode()


def test_api_me_with_token(client, demo):
    token = client.post("/api/v1/auth/token/", {"username": "demo.thoaison", "password": demo.DEMO_PASSWORD})
    assert token.status_code == 200
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "demo.thoaison"
    assert body["memberships"][0]["role"] == "district_officer"
    assert body["unit_count"] == 18
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_vietnamese_is_the_default_even_for_an_english_browser(client, demo):
    client.login(username="demo.tinh", password=demo.DEMO_PASSWORD)
    page = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in page
    assert "Tổ chức của bạn" in page


def test_password_change_keeps_the_session_and_a_bad_form_changes_nothing(client, demo):
    client.login(username="demo.vinhchanh", password=demo.DEMO_PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "sai", "new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"},
    )
    assert response.status_code == 200 and response.context["form"].errors["old_password"]
    assert not AuditEntry.objects.filter(action="user.password_change").exists()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": demo.DEMO_PASSWORD,
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert client.get(reverse("accounts:profile")).status_code == 200  # still logged in


def test_account_services_check_permission_and_audit(demo):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError

    from chungsuc.accounts import services
    from chungsuc.accounts.models import Membership, Organisation, Role

    User = get_user_model()
    officer = User.objects.get(username="demo.vinhchanh")
    admin = User.objects.get(username="demo.tinh")  # province administrator
    org = Organisation.objects.get(code="ubnd-894")
    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=officer, user=officer, organisation=org, role=Role.DISTRICT_OFFICER)
    assert not Membership.objects.filter(user=officer, organisation=org).exists()
    with pytest.raises(ValidationError, match="Vai trò không hợp lệ: «vua»"):
        services.membership_grant(actor=admin, user=officer, organisation=org, role="vua")
    membership = services.membership_grant(
        actor=admin, user=officer, organisation=org, role=Role.DISTRICT_OFFICER
    )
    entry = AuditEntry.objects.get(action="membership.grant", actor=admin)
    assert entry.changes == {
        "user": [None, "demo.vinhchanh"],
        "organisation": [None, "ubnd-894"],
        "role": [None, "district_officer"],
    }
    services.membership_revoke(actor=admin, membership=membership, reason="chuyển công tác")
    membership.refresh_from_db()
    assert membership.active is False
    assert AuditEntry.objects.get(action="membership.revoke").reason == "chuyển công tác"


def test_lockout_page_leads_back_to_login(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "demo.tinh", "password": "sai"})
    locked = client.post(reverse("accounts:login"), {"username": "demo.tinh", "password": "sai"})
    assert 'data-testid="back-to-login"' in locked.content.decode()


def test_password_done_is_the_profile_not_the_django_admin_page(client, demo):
    client.force_login(_user("demo.so"))
    response = client.get("/accounts/password/done/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")


def test_profile_shows_jurisdiction_and_links(client, demo):
    client.force_login(_user("demo.vinhchanh"))
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="jurisdictions"' in page and "Vĩnh Chánh" in page
    assert 'data-testid="profile-units-link"' in page and 'data-testid="profile-password-link"' in page


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
