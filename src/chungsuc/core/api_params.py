"""Query parameters of the API, read strictly (issue 9): a parameter that cannot be read is a Vietnamese
400 naming it, never ignored. Each reader has a twin that writes the same rule into the OpenAPI schema
(`*_parameter`), so the schema and the check cannot drift apart and schemathesis can hold the API to
both: a value the schema forbids is refused, a value it allows is read.

An empty value (`?year=`) is refused like any unreadable one, naming the parameter: a client leaves a
parameter out rather than sending it empty. (An empty value that meant "not given" could not be told
apart, on the wire, from a malformed one, so the schema could not state it.)
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

YEAR_MIN, YEAR_MAX = 1900, 2100


def _raw(request, name: str, required: bool) -> str | None:
    raw = request.query_params.get(name)
    if raw is None:
        if required:
            raise ValidationError({name: [_("Thiếu tham số «%(name)s».") % {"name": name}]})
        return None
    if raw == "":
        raise ValidationError({name: [empty_message(name)]})
    return raw


def empty_message(name: str) -> str:
    return _("Tham số «%(name)s» để trống: ghi giá trị, hoặc bỏ hẳn tham số.") % {"name": name}


def _shown(raw: str) -> str:
    return raw if len(raw) <= 40 else raw[:40] + "…"


def integer(request, name: str, *, minimum: int, maximum: int, required: bool = False) -> int | None:
    """The whole number in `?name=` (ASCII digits, an optional minus sign), between the bounds."""
    raw = _raw(request, name, required)
    if raw is None:
        return None
    text = raw
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdecimal() and len(digits) <= 12) or not (
        minimum <= int(text) <= maximum
    ):
        raise ValidationError(
            {
                name: [
                    _("Tham số «%(name)s» = «%(value)s» không hợp lệ: cần một số nguyên từ %(a)s đến %(b)s.")
                    % {"name": name, "value": _shown(raw), "a": minimum, "b": maximum}
                ]
            }
        )
    return int(text)


def year(request, name: str = "year", *, required: bool = False) -> int | None:
    return integer(request, name, minimum=YEAR_MIN, maximum=YEAR_MAX, required=required)


def date(request, name: str, *, required: bool = False) -> dt.date | None:
    """The date in `?name=` written YYYY-MM-DD."""
    raw = _raw(request, name, required)
    if raw is None:
        return None
    try:
        if not (len(raw) == 10 and raw.isascii() and raw[4] == raw[7] == "-"):
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            {
                name: [
                    _("Ngày «%(value)s» (tham số «%(name)s») không hợp lệ: cần dạng YYYY-MM-DD (2026-12-01).")
                    % {"value": _shown(raw), "name": name}
                ]
            }
        ) from None


def text(request, name: str) -> str | None:
    """A non-empty text in `?name=` (a code), or None when the parameter is left out."""
    return _raw(request, name, False)


def text_parameter(name: str, *, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "string", "minLength": 1}, description=description)


def choice(request, name: str, choices) -> str | None:
    """One of `choices` (the values) in `?name=`."""
    raw = _raw(request, name, False)
    if raw is None:
        return None
    if raw not in choices:
        raise ValidationError(
            {
                name: [
                    _("Tham số «%(name)s» = «%(value)s» không hợp lệ; chọn một trong: %(choices)s.")
                    % {"name": name, "value": _shown(raw), "choices": ", ".join(choices)}
                ]
            }
        )
    return raw


# --- the same rules in the schema -------------------------------------------------------------------


def integer_parameter(
    name: str, *, minimum: int, maximum: int, required: bool = False, description: str = ""
) -> OpenApiParameter:
    schema = {"type": "integer", "minimum": minimum, "maximum": maximum}
    return OpenApiParameter(name, schema, required=required, description=description)


def year_parameter(name: str = "year", *, required: bool = False, description: str = "") -> OpenApiParameter:
    return integer_parameter(
        name, minimum=YEAR_MIN, maximum=YEAR_MAX, required=required, description=description or "Năm"
    )


def date_parameter(name: str, *, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        description=description or "Ngày (YYYY-MM-DD); bỏ tham số là hôm nay.",
    )


def choice_parameter(name: str, choices, *, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "string", "enum": list(choices)}, description=description)
