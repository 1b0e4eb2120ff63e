"""Shared fixtures: the built-in An Giang data, demo users and a Playwright browser on Debian's Chromium."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHUNGSUC_CHROMIUM", "/usr/bin/chromium")


def _ensure_builtin() -> None:
    from chungsuc.accounts.models import Organisation
    from chungsuc.geo.models import Unit

    loaded = Unit.objects.filter(code="89").exists() and Organisation.objects.filter(code="ubnd-894").exists()
    if not loaded:
        call_command("load_builtin", stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the built-in data once into the test database; each test's transaction is rolled back
    over it. (Transactional tests flush it; `an_giang` reloads it when missing.)"""
    with django_db_blocker.unblock():
        _ensure_builtin()
        from chungsuc.accounts import demo as account_demo

        account_demo.load()


@pytest.fixture(autouse=True)
def _vietnamese_first():
    """Each test starts in the product's first language. The locale middleware activates the chosen
    language for the thread and leaves it there after the response (each real request chooses again),
    so a test that asked for English must not leave the next test on the same worker in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def an_giang(db):
    """Old and merged An Giang: units, change events, organisations (built-in data)."""
    _ensure_builtin()


@pytest.fixture
def demo(an_giang):
    """The demo users (password accounts.demo.DEMO_PASSWORD)."""
    from chungsuc.accounts import demo as account_demo

    account_demo.load()
    return account_demo


@pytest.fixture
def transactional_demo(transactional_db):
    _ensure_builtin()
    from chungsuc.accounts import demo as account_demo

    account_demo.load()
    return account_demo


# The day the tests of the 2021–2025 history act on: before the 1/7/2025 merger, while Thoại Sơn's and
# Vĩnh Chánh's committees still had their jurisdiction (writes are decided as of today otherwise).
HISTORY_DAY = dt.date(2024, 12, 31)


@pytest.fixture
def acting_in_2024(settings):
    """Writes decided as of 31/12/2024 (accounts.permissions.today), in the test and in the live
    server's thread. Modules about the three-tier history use it: `pytestmark =
    pytest.mark.usefixtures("acting_in_2024")`."""
    settings.CHUNGSUC_ACTING_AS_OF = HISTORY_DAY
    return HISTORY_DAY


@pytest.fixture
def geo_demo(geo_units, fast_passwords):
    """geo's units with the built-in organisations and the demo users, without the other apps' data
    (for geo's pages; here, above accounts, so geo's tests import nothing from accounts)."""
    from chungsuc.accounts import builtin as accounts_builtin
    from chungsuc.accounts import demo

    accounts_builtin.load()
    demo.load()
    return demo


@pytest.fixture
def user_factory(db):
    from django.contrib.auth import get_user_model

    def make(username: str = "user", password: str = "pw-Chung-Suc-1", **extra):
        return get_user_model().objects.create_user(username=username, password=password, **extra)

    return make


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"Debian Chromium not found at {CHROMIUM}; `make test` installs it with apt as root")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test body's ORM calls are still
    # synchronous, so allow them (the live server runs in its own thread).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield _CspBypassingBrowser(b)
        b.close()


class _CspBypassingBrowser:
    """The browser for tests: contexts bypass the pages' Content-Security-Policy by default, because
    Playwright's own `wait_for_function` evaluates strings, which the policy (rightly) forbids. The
    policy itself is checked in a browser by tests/test_browser_csp.py, with `bypass_csp=False`."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        kwargs.setdefault("bypass_csp", True)
        return self._browser.new_context(**kwargs)

    def new_page(self, **kwargs):
        kwargs.setdefault("bypass_csp", True)
        return self._browser.new_page(**kwargs)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def login(live_server):
    """Log a Playwright page in through the real login form."""

    def do(page, username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return do


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()
