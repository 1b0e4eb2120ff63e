from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AssessmentCreateForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Đơn vị"))
    year = forms.IntegerField(label=_("Năm"), min_value=2016, max_value=2035)
    framework = forms.ModelChoiceField(queryset=None, label=_("Bộ tiêu chí"))

    def __init__(self, *args, units=None, frameworks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["framework"].queryset = frameworks


class EvidenceForm(forms.Form):
    indicator_code = forms.CharField(required=False, max_length=20, label=_("Chỉ tiêu"))
    # an empty file reaches core.files, whose message names it ("Tệp «x» rỗng (0 byte).")
    file = forms.FileField(label=_("Tệp minh chứng"), allow_empty_file=True)
    description = forms.CharField(required=False, max_length=300, label=_("Mô tả"))


class TransitionForm(forms.Form):
    transition = forms.SlugField()
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Lý do"))
    case_version = forms.IntegerField(required=False)
    override = forms.BooleanField(required=False)
    override_reason = forms.CharField(required=False, max_length=2000)
    confirm_missing = forms.BooleanField(required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        error_messages={
            "required": _("Hãy chọn tệp Excel (.xlsx) để tải lên."),
            "empty": _("Tệp tải lên rỗng (0 byte): hãy chọn tệp Excel đã điền số liệu."),
            "invalid": _("Không nhận được tệp: hãy chọn lại tệp Excel (.xlsx)."),
            "missing": _("Không nhận được tệp: hãy chọn lại tệp Excel (.xlsx)."),
        },
    )
