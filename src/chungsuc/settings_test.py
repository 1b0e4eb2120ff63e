"""Settings for the test suite: the real settings with a fast password hasher and in-memory e-mail."""

from chungsuc.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
