"""Optimistic concurrency for any model with an integer `version` field.

A form or API client reads the record together with its `version` and sends that version back with
the change. `save_with_version` writes with one conditional UPDATE
(`... WHERE pk = %s AND version = expected`) that also bumps the version, so of two officials who
loaded version 3 only the first save lands; the second changes no row and is refused with
`ConflictError` — never a silent overwrite. Works the same on SQLite and PostgreSQL, without locks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CONFLICT_MESSAGE = _(
    "Hồ sơ đã được người khác thay đổi trong lúc bạn đang sửa (phiên bản bạn mở là %(expected)s, "
    "hiện tại là %(current)s). Thay đổi của bạn chưa được lưu: hãy tải lại trang để xem bản mới nhất "
    "rồi sửa lại."
)
DELETED_MESSAGE = _("Hồ sơ đã bị người khác xóa trong lúc bạn đang sửa; thay đổi của bạn chưa được lưu.")


class ConflictError(ValidationError):
    """The record changed since the user loaded it (the version check failed)."""

    def __init__(self, message=None, *, expected=None, current=None):
        self.expected = expected
        self.current = current
        if message is None and current is None and expected is not None:
            super().__init__(DELETED_MESSAGE, code="conflict")
        elif message is None:
            params = {
                "expected": "?" if expected is None else expected,
                "current": "?" if current is None else current,
            }
            super().__init__(CONFLICT_MESSAGE, code="conflict", params=params)
        else:
            super().__init__(message, code="conflict")


def parse_version(value: Any) -> int | None:
    """The version a form or request sent back, or None when absent; bad values raise ValidationError."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Phiên bản hồ sơ gửi lên không hợp lệ: «%(value)s» (cần là số nguyên)."),
            code="bad_version",
            params={"value": value},
        ) from None
    if number < 0:
        raise ValidationError(
            _("Phiên bản hồ sơ gửi lên không hợp lệ: «%(value)s» (cần là số không âm)."),
            code="bad_version",
            params={"value": value},
        )
    return number


VERSION_MISSING_MESSAGE = _(
    "Thiếu phiên bản hồ sơ (trường «%(field)s») trong yêu cầu, nên chưa ghi gì: hãy tải lại trang rồi "
    "thực hiện lại, để không ghi đè thay đổi của người khác."
)


class VersionRequired(BadRequest):
    """A write to a versioned record came without the version the user loaded (or with a bad one):
    answered 400 with the message naming the field (core.errors), nothing written."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message

    @property
    def messages(self) -> list[str]:
        return [self.message]


def require_version(value: Any, *, field: str = "version") -> int:
    """The version a form or API call sent back; missing or malformed → `VersionRequired` (400).

    Every write path of a versioned record (values, dossier transitions, consultation, decision,
    reports) uses it in its view or API, so no request can skip the version check by leaving it out."""
    if isinstance(value, bool | float):  # True is not version 1, 1.5 is not version 1
        value = str(value)
    try:
        number = parse_version(value)
    except ValidationError as exc:
        raise VersionRequired(field, f"«{field}»: {exc.messages[0]}") from None
    if number is None:
        raise VersionRequired(field, str(VERSION_MISSING_MESSAGE % {"field": field}))
    return number


def check_version(obj: models.Model, expected_version: int | None) -> None:
    """Refuse early (before any work) when the caller's version is already stale. None = no check."""
    if expected_version is None:
        return
    current = type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
    if current != expected_version:
        raise ConflictError(expected=expected_version, current=current)


def _values_from(obj: models.Model, fields: Iterable[str] | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(fields, Mapping):
        values = dict(fields)
        for name, value in values.items():
            setattr(obj, obj._meta.get_field(name).name, value)
    else:
        values = {}
        for name in fields:
            field = obj._meta.get_field(name)
            values[field.attname if field.is_relation else field.name] = getattr(
                obj, field.attname if field.is_relation else field.name
            )
    if "version" in values:
        raise ValueError("save_with_version bumps `version` itself; do not pass it in `fields`")
    # Fields with auto_now (updated_at) are refreshed as a normal save() would do.
    now = None
    for field in obj._meta.concrete_fields:
        if getattr(field, "auto_now", False) and field.attname not in values:
            now = now or timezone.now()
            values[field.attname] = now
            setattr(obj, field.attname, now)
    return values


def save_with_version(
    obj: models.Model, expected_version: int | None, fields: Iterable[str] | Mapping[str, Any]
) -> int:
    """Persist `fields` of `obj` only if its stored version is still `expected_version`.

    `fields` is either a list of field names (values taken from `obj`) or a mapping of field name to
    new value (also set on `obj`). `expected_version=None` means the version `obj` was loaded with.
    Returns the new version (also set on `obj`). Raises `ConflictError` when another save came first.
    Call it inside the service's transaction.
    """
    expected = obj.version if expected_version is None else expected_version
    values = _values_from(obj, fields)
    manager = type(obj)._default_manager
    changed = manager.filter(pk=obj.pk, version=expected).update(**values, version=F("version") + 1)
    if changed == 0:
        current = manager.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise ConflictError(expected=expected, current=current)
    obj.version = expected + 1
    return obj.version


class VersionedModel(models.Model):
    """Abstract base: an integer `version`, bumped by `save_versioned`."""

    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    class Meta:
        abstract = True

    def save_versioned(self, expected_version: int | None, fields: Iterable[str] | Mapping[str, Any]) -> int:
        return save_with_version(self, expected_version, fields)
