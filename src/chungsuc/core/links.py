"""Links to other sites: http(s) only, on every path.

A stored `javascript:` or `data:` "link" would run in the browser of every official who clicks it, so an
address is accepted only when it is an absolute http:// or https:// URL with a host (Django's
`URLValidator` with those two schemes, no credentials in it). `validate_http_url` is the one validator
every path uses (forms, the criteria and register imports, API serializers, the built-in data loaders,
the exemplary models' media links); the template filter `|http_url` (`{% load chungsuc_links %}`)
renders a link only for such an address and anything else as plain text, so an old stored value is
never a link either.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

HTTP_SCHEMES = ("http", "https")
MAX_LENGTH = 500
_validator = URLValidator(schemes=list(HTTP_SCHEMES))


def is_http_url(value) -> bool:
    """True for an absolute http(s) URL with a host and no user:password part."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or len(text) > 2048 or any(ch.isspace() or ord(ch) < 32 for ch in text):
        return False
    try:
        _validator(text)
    except ValidationError:
        return False
    parts = urlsplit(text)
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname) and "@" not in parts.netloc


def validate_http_url(value, *, label: str | None = None, max_length: int = MAX_LENGTH) -> str:
    """The address, stripped ('' stays ''), or ValidationError naming the field and the reason."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(
            _("%(field)s phải là một đường dẫn (chuỗi ký tự).") % {"field": label or _("Đường dẫn")},
            code="url_type",
        )
    text = value.strip()
    if not text:
        return ""
    if len(text) > max_length:
        raise ValidationError(
            _("%(field)s dài quá %(max)d ký tự.") % {"field": label or _("Đường dẫn"), "max": max_length},
            code="url_length",
        )
    if not is_http_url(text):
        shown = text if len(text) <= 80 else text[:77] + "…"
        raise ValidationError(
            _("%(field)s «%(value)s» không hợp lệ: chỉ nhận địa chỉ web bắt đầu bằng http:// hoặc https://.")
            % {"field": label or _("Đường dẫn"), "value": shown},
            code="url_scheme",
        )
    return text


_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.\-]*:(?=\S)")


def looks_like_address(text) -> bool:
    """Free text that starts like an address with a scheme (`javascript:…`, `data:…`, `https://…`)."""
    return isinstance(text, str) and bool(_SCHEME.match(text))


def validate_source_text(value, *, label: str | None = None) -> str:
    """A free-text source (a document, an address or an agency): an address in it must be http(s)."""
    text = (value or "").strip() if isinstance(value, str) else value
    if isinstance(text, str) and looks_like_address(text) and not is_http_url(text.split()[0]):
        validate_http_url(text.split()[0], label=label)
    return text


def http_url_validator(value) -> None:
    """Django-style validator (forms, serializers): raises ValidationError, returns nothing."""
    validate_http_url(value)
