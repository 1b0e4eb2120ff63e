"""Settings for the test suite: the real settings with a fast password hasher and in-memory e-mail."""

from chungsuc.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The suite renders pages without a `collectstatic` build (the production build is checked by
# core/tests/test_static_build.py and in CI) and talks plain HTTP through the test client.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# SQLite tests use a database file, not the shared-cache in-memory database: shared-cache table locks
# ignore the busy timeout, so concurrency tests would see "table is locked" that no deployment sees.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-chungsuc.sqlite3")}  # noqa: F405
