"""Login throttling (issue 9, finding 7): by username at the real client address and by the address
alone; 429 with a Vietnamese message on the form and the token endpoint; X-Forwarded-For only from a
trusted proxy."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from chungsuc.core.clientip import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"
TOKEN = "/api/v1/auth/token/"


def _fail(client, username, **extra):
    return client.post(reverse(LOGIN), {"username": username, "password": "sai"}, **extra)


def test_token_endpoint_answers_429_in_vietnamese_after_the_form_locked_the_pair(client, demo, settings):
    answers = [_fail(client, "demo.tinh").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the fifth failure locks
    form = client.post(reverse(LOGIN), {"username": "demo.tinh", "password": demo.DEMO_PASSWORD})
    assert form.status_code == 429
    assert "tạm thời bị khóa" in form.content.decode()
    token = client.post(TOKEN, {"username": "demo.tinh", "password": demo.DEMO_PASSWORD})
    assert token.status_code == 429
    assert token["Content-Type"].startswith("application/json")
    assert "tạm thời bị khóa" in token.json()["detail"]
    assert "token" not in token.json()
    assert int(token["Retry-After"]) > 0


def test_token_endpoint_locks_by_itself(client, demo, settings):
    answers = [
        client.post(TOKEN, {"username": "demo.tinh", "password": "sai"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post(TOKEN, {"username": "demo.tinh", "password": demo.DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "tạm thời bị khóa" in locked.json()["detail"]


def test_another_address_is_not_locked_out_by_someone_elses_failures(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _fail(client, "demo.tinh", REMOTE_ADDR="198.51.100.9")
    ok = client.post(
        reverse(LOGIN), {"username": "demo.tinh", "password": demo.DEMO_PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    assert ok.status_code == 302


def test_spraying_thirty_usernames_from_one_address_is_slowed(client, demo, settings):
    limit = settings.CHUNGSUC_LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit < 30
    answers = [_fail(client, f"nguoi.la.{i}", REMOTE_ADDR="198.51.100.20").status_code for i in range(30)]
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert set(answers[limit - 1 :]) == {429}
    # even the right password of a real user is refused from that address for now …
    blocked = client.post(
        reverse(LOGIN), {"username": "demo.tinh", "password": demo.DEMO_PASSWORD}, REMOTE_ADDR="198.51.100.20"
    )
    assert blocked.status_code == 429 and "_auth_user_id" not in client.session
    # … while the same user from elsewhere logs in
    ok = client.post(
        reverse(LOGIN), {"username": "demo.tinh", "password": demo.DEMO_PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    assert ok.status_code == 302


def test_behind_a_trusted_proxy_each_client_has_its_own_counter(client, demo, settings):
    settings.CHUNGSUC_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _fail(client, "demo.tinh", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert _fail(client, "demo.tinh", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 429
    ok = client.post(
        reverse(LOGIN),
        {"username": "demo.tinh", "password": demo.DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.44",
        **proxy,
    )
    assert ok.status_code == 302


def test_a_forged_forwarded_header_from_an_untrusted_peer_changes_nothing(client, demo, settings):
    settings.CHUNGSUC_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for i in range(settings.AXES_FAILURE_LIMIT + 1):
        _fail(client, "demo.tinh", REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    locked = client.post(
        reverse(LOGIN),
        {"username": "demo.tinh", "password": demo.DEMO_PASSWORD},
        REMOTE_ADDR="198.51.100.8",
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert locked.status_code == 429


@pytest.mark.parametrize(
    ("trusted", "peer", "header", "expected"),
    [
        ([], "198.51.100.1", "203.0.113.9", "198.51.100.1"),
        (["10.0.0.1"], "198.51.100.1", "203.0.113.9", "198.51.100.1"),
        (["10.0.0.1"], "10.0.0.1", "203.0.113.9", "203.0.113.9"),
        (["10.0.0.1"], "10.0.0.1", "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (["10.0.0.0/8"], "10.0.0.1", "203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
        (["10.0.0.1"], "10.0.0.1", "rác, 203.0.113.9", "203.0.113.9"),
        (["10.0.0.1"], "10.0.0.1", "203.0.113.9, rác", "10.0.0.1"),
        (["10.0.0.1"], "10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
        (["10.0.0.1"], "10.0.0.1", "203.0.113.9:5050", "203.0.113.9"),
    ],
)
def test_client_ip(settings, trusted, peer, header, expected):
    settings.CHUNGSUC_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected
