"""Forms of the reports app: the clerk's options for an official document."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from chungsuc.reports.models import DocumentFormat

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class VnDateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        )
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2024.")},
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime("%d/%m/%Y")
        return value


class DocumentOptionsForm(forms.Form):
    fmt = forms.ChoiceField(
        label=_("Định dạng"),
        choices=DocumentFormat.choices,
        initial=DocumentFormat.DOCX,
        widget=forms.RadioSelect,
    )
    number = forms.CharField(
        label=_("Số văn bản"),
        required=False,
        max_length=10,
        help_text=_("Để trống nếu văn thư sẽ cấp số khi đăng ký văn bản."),
    )
    date = VnDateField(label=_("Ngày ban hành"), required=False, help_text=_("Để trống: hôm nay."))
    signer_title = forms.CharField(label=_("Chức vụ người ký"), required=False, max_length=100)
    signer_name = forms.CharField(label=_("Họ tên người ký"), required=False, max_length=120)
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean_number(self):
        value = self.cleaned_data["number"].strip()
        if value and not re.fullmatch(r"\d{1,6}", value):
            raise forms.ValidationError(_("Số văn bản chỉ gồm chữ số (ví dụ 15); ký hiệu do hệ thống ghi."))
        return value

    def clean_recipients(self):
        return [line.strip() for line in self.cleaned_data["recipients"].splitlines() if line.strip()][:20]

    def options(self) -> dict:
        d = self.cleaned_data
        return {
            "number": d["number"],
            "date": d["date"].isoformat() if d.get("date") else "",
            "signer_title": d["signer_title"].strip(),
            "signer_name": d["signer_name"].strip(),
            "recipients": d["recipients"],
        }


class EvaluationSheetForm(DocumentOptionsForm):
    assessment = forms.TypedChoiceField(label=_("Hồ sơ đánh giá"), coerce=int)

    field_order = ["assessment", "fmt"]

    def __init__(self, *args, assessments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].choices = [
            (a.pk, f"{a.unit.name} — {a.year} — {a.framework.name}") for a in assessments
        ]
        self.fields["assessment"].error_messages["invalid_choice"] = _(
            "Hồ sơ đã chọn không có trong danh sách hồ sơ bạn được xem."
        )


class AnnualReportForm(DocumentOptionsForm):
    movement = forms.TypedChoiceField(label=_("Phong trào"), coerce=int)
    scope = forms.ChoiceField(
        label=_("Loại báo cáo"),
        choices=[
            ("year", _("Báo cáo năm")),
            ("midterm", _("Báo cáo sơ kết giữa giai đoạn (ba năm đầu)")),
            ("final", _("Báo cáo tổng kết cả giai đoạn")),
        ],
        initial="year",
    )
    year = forms.IntegerField(label=_("Năm báo cáo"), required=False, min_value=2000, max_value=2100)

    field_order = ["movement", "scope", "year", "fmt"]

    def __init__(self, *args, movements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.movements = {m.pk: m for m in movements}
        self.fields["movement"].choices = [(m.pk, str(m)) for m in movements]
        self.fields["movement"].error_messages["invalid_choice"] = _(
            "Phong trào đã chọn không có trong danh sách bạn được xem."
        )
        self.fields["year"].error_messages["invalid"] = _("Năm báo cáo phải là một số, ví dụ 2024.")

    def clean(self):
        data = super().clean()
        movement = self.movements.get(data.get("movement"))
        if movement is not None and data.get("scope") == "year":
            year = data.get("year")
            if not year:
                self.add_error("year", _("Nhập năm báo cáo."))
            elif not movement.period_start <= year <= movement.period_end:
                self.add_error(
                    "year",
                    _("Năm %(y)s nằm ngoài giai đoạn %(a)s–%(b)s của phong trào.")
                    % {"y": year, "a": movement.period_start, "b": movement.period_end},
                )
        return data


class InspectionConclusionForm(DocumentOptionsForm):
    inspection = forms.TypedChoiceField(label=_("Cuộc kiểm tra"), coerce=int)

    field_order = ["inspection", "fmt"]

    def __init__(self, *args, inspections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.inspections = {i.pk: i for i in inspections}
        self.fields["inspection"].choices = [(i.pk, str(i)) for i in inspections]
        self.fields["inspection"].error_messages["invalid_choice"] = _(
            "Cuộc kiểm tra đã chọn không có trong danh sách bạn được xem."
        )
        self.fields["number"].help_text = _(
            "Để trống: lấy số của kết luận đã ghi ở cuộc kiểm tra (nếu có), hoặc để văn thư cấp số."
        )


class RecognisedListForm(DocumentOptionsForm):
    on = VnDateField(label=_("Tính đến ngày"), required=True)
    standard = forms.ChoiceField(label=_("Mức đạt chuẩn"), required=False)
    level = forms.ChoiceField(label=_("Cấp đơn vị"), required=False)

    field_order = ["on", "standard", "level", "fmt"]

    def __init__(self, *args, **kwargs):
        from chungsuc.assessments.models import Standard
        from chungsuc.geo.models import UnitLevel

        super().__init__(*args, **kwargs)
        self.fields["standard"].choices = [("", _("Mọi mức"))] + list(Standard.choices)
        self.fields["level"].choices = [
            ("", _("Mọi cấp")),
            (UnitLevel.COMMUNE, _("Cấp xã")),
            (UnitLevel.DISTRICT, _("Cấp huyện")),
        ]
        self.fields["on"].error_messages["required"] = _("Nhập ngày tính đến (dd/mm/yyyy).")
