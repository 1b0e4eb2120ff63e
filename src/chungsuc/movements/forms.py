from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from chungsuc.movements.models import REPORT_NUMBER_FIELDS, MovementStatus, Report, TargetLevel

TARGET_ROWS = 4
STANDARD_CHOICES = [
    ("ntm", _("Nông thôn mới")),
    ("advanced", _("Nông thôn mới nâng cao")),
    ("model", _("Nông thôn mới kiểu mẫu")),
    ("task_completed", _("Hoàn thành nhiệm vụ xây dựng NTM")),
]


class VNDateField(forms.Field):
    """A date typed dd/mm/yyyy (as shown everywhere in the interface); ISO accepted too."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        try:
            if m:
                return dt.date(int(m[3]), int(m[2]), int(m[1]))
            return dt.date.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(
                _("Ngày «%(v)s» không hợp lệ (nhập dd/mm/yyyy).") % {"v": text}
            ) from None

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return value


def style(form: forms.BaseForm) -> None:
    """Tabler classes on every widget."""
    for field in form.fields.values():
        label = str(field.label or "")
        field.error_messages["required"] = _("Cần nhập %(label)s.") % {"label": label[:1].lower() + label[1:]}
        if isinstance(field, forms.IntegerField):
            field.error_messages["invalid"] = _("«%(label)s» phải là số nguyên.") % {"label": label}
            field.error_messages["min_value"] = _("«%(label)s» phải từ %%(limit_value)s trở lên.") % {
                "label": label
            }
            field.error_messages["max_value"] = _("«%(label)s» phải từ %%(limit_value)s trở xuống.") % {
                "label": label
            }
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if not isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class ProvinceField(forms.ModelChoiceField):
    """A province by its name and period (the national code is not shown: it was reused in 2025)."""

    def label_from_instance(self, obj):
        if obj.valid_from:
            return _("%(name)s (từ %(d)s)") % {"name": obj.name, "d": obj.valid_from.strftime("%d/%m/%Y")}
        if obj.valid_to:
            return _("%(name)s (đến %(d)s)") % {"name": obj.name, "d": obj.valid_to.strftime("%d/%m/%Y")}
        return obj.name


class MovementCreateForm(forms.Form):
    name = forms.CharField(label=_("Tên kế hoạch"), max_length=400)
    short_name = forms.CharField(label=_("Tên ngắn"), max_length=200, required=False)
    province = ProvinceField(queryset=None, label=_("Tỉnh"), empty_label=None)
    issuing_body = forms.CharField(
        label=_("Cơ quan ban hành"), max_length=200, initial="Ủy ban nhân dân tỉnh An Giang"
    )
    act_number = forms.CharField(label=_("Số"), max_length=40, required=False)
    act_symbol = forms.CharField(label=_("Ký hiệu"), max_length=60, required=False, initial="KH-UBND")
    act_date = VNDateField(label=_("Ngày ban hành"), required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)
    period_start = forms.IntegerField(label=_("Từ năm"), min_value=2000, max_value=2100)
    period_end = forms.IntegerField(label=_("Đến năm"), min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Tình trạng"), choices=MovementStatus.choices, initial=MovementStatus.IN_FORCE
    )
    summary = forms.CharField(label=_("Tóm tắt"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    legal_bases = forms.CharField(
        label=_("Căn cứ pháp lý (mỗi dòng một văn bản)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        for i in range(1, TARGET_ROWS + 1):
            self.fields[f"t{i}_code"] = forms.CharField(label=_("Mã"), max_length=20, required=False)
            self.fields[f"t{i}_name"] = forms.CharField(label=_("Chỉ tiêu"), max_length=300, required=False)
            self.fields[f"t{i}_level"] = forms.ChoiceField(
                label=_("Cấp"), choices=TargetLevel.choices, required=False, initial=TargetLevel.COMMUNE
            )
            self.fields[f"t{i}_standard"] = forms.ChoiceField(
                label=_("Mức đạt chuẩn"), choices=STANDARD_CHOICES, required=False
            )
            self.fields[f"t{i}_counts"] = forms.CharField(
                label=_("Số đơn vị thêm mỗi năm"),
                max_length=200,
                required=False,
                help_text=_("Mỗi năm một số, theo thứ tự, cách nhau bằng dấu phẩy; ví dụ: 8, 6, 8, 5, 6"),
            )
        style(self)

    def target_rows(self):
        return [
            {
                "n": i,
                "code": self[f"t{i}_code"],
                "name": self[f"t{i}_name"],
                "level": self[f"t{i}_level"],
                "standard": self[f"t{i}_standard"],
                "counts": self[f"t{i}_counts"],
            }
            for i in range(1, TARGET_ROWS + 1)
        ]


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["activities", *REPORT_NUMBER_FIELDS, "notes"]
        widgets = {
            "activities": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        style(self)


class TransitionForm(forms.Form):
    transition = forms.SlugField()
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Lý do"))
    case_version = forms.IntegerField(required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp đính kèm (PDF, Word, Excel, ảnh)"))


class GroupForm(forms.Form):
    unit = forms.IntegerField()
    group = forms.TypedChoiceField(
        label=_("Nhóm xã"),
        choices=[("", _("Chưa phân nhóm")), ("1", "1"), ("2", "2"), ("3", "3")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    basis = forms.CharField(label=_("Căn cứ"), max_length=500, required=False)


class RoadmapForm(forms.Form):
    unit = forms.IntegerField(label=_("Đơn vị"))
    standard = forms.ChoiceField(label=_("Mức đạt chuẩn"), choices=STANDARD_CHOICES)
    year = forms.TypedChoiceField(
        label=_("Năm phấn đấu"),
        choices=[("", _("Bỏ lộ trình"))] + [(str(y), str(y)) for y in range(2016, 2036)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
