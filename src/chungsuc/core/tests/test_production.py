"""The README's production path, the key parts in the suite (issue 9, finding 6; the whole path with
gunicorn is `.ci/production-check`, run by `make prod-check` and CI): `check --deploy` is clean with the
production environment, and with DEBUG off the static build writes its manifest and the login page,
the portal and /healthz render with the hashed names."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

SRC = Path(__file__).resolve().parents[3]

PRODUCTION_ENV = {
    "CHUNGSUC_DEBUG": "0",
    "CHUNGSUC_ALLOWED_HOSTS": "chungsuc.example.gov.vn",
    "CHUNGSUC_CSRF_TRUSTED_ORIGINS": "https://chungsuc.example.gov.vn",
    "CHUNGSUC_TRUSTED_PROXIES": "127.0.0.1",
    "CHUNGSUC_SSL_REDIRECT": "1",
    "CHUNGSUC_HSTS_SECONDS": "31536000",
    "CHUNGSUC_HSTS_PRELOAD": "1",
}


def _manage(args, env_extra, tmp_path):
    # a production process's environment: none of the test run's settings (nor the browser fixture's
    # DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly refuses)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHUNGSUC_", "DJANGO_SETTINGS", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update(PRODUCTION_ENV)
    env.update(
        {
            "CHUNGSUC_SECRET_KEY": secrets.token_urlsafe(64),
            "CHUNGSUC_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "PYTHONPATH": os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
            **env_extra,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "chungsuc.manage", *args], env=env, capture_output=True, text=True, timeout=600
    )


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    done = _manage(["check", "--deploy", "--fail-level", "WARNING"], {}, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_fails_without_the_https_settings(tmp_path):
    done = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {"CHUNGSUC_SSL_REDIRECT": "0", "CHUNGSUC_HSTS_SECONDS": "0"},
        tmp_path,
    )
    out = done.stdout + done.stderr
    assert done.returncode != 0 and "security.W008" in out and "security.W004" in out


@pytest.mark.django_db
def test_static_build_with_debug_off_then_pages_render_with_hashed_names(settings, tmp_path, client):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    # Django's manifest storage is what failed on the vendored stylesheet's missing source map; the
    # production storage adds only compression on top of it (slow, so left to .ci/production-check).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["core/chungsuc.css"]
    assert hashed_css != "core/chungsuc.css" and (tmp_path / "static" / hashed_css).is_file()
    login = client.get("/accounts/login/")
    assert login.status_code == 200 and f"/static/{hashed_css}" in login.content.decode()
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200
