"""Form pieces shared by every app. Dates are typed and shown dd/mm/yyyy everywhere: a native date input
shows the browser's locale (mm/dd/yyyy in an English Chrome) and writes ISO, so the same field read
differently from one machine to the next. ISO is still accepted (links, scripts)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def parse_day(raw: str | None) -> dt.date | None:
    """dd/mm/yyyy (or ISO) → date; None when empty; ValueError when not a date."""
    text = (raw or "").strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class DayInput(forms.DateInput):
    def __init__(self, attrs=None):
        base = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


class DayField(forms.DateField):
    widget = DayInput
    input_formats = DATE_FORMATS
    default_error_messages = {"invalid": _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 30/06/2025.")}
