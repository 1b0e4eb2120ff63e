from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chungsuc.assessments.forms import (
    ImportForm,  # noqa: F401  (the register import uses the same upload form)
)
from chungsuc.core.forms import DayField


class ConsultationOpenForm(forms.Form):
    days = forms.IntegerField(label=_("Số ngày công khai"), min_value=1, max_value=90, initial=15)
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Nội dung công khai")
    )
    case_version = forms.IntegerField(required=False)
    override = forms.BooleanField(required=False)
    override_reason = forms.CharField(required=False, max_length=2000)


class DecisionForm(forms.Form):
    recognised = forms.TypedChoiceField(
        label=_("Kết quả"),
        choices=[("1", _("Công nhận đạt chuẩn")), ("0", _("Không công nhận"))],
        coerce=lambda v: v == "1",
    )
    number = forms.CharField(label=_("Số quyết định"), max_length=100)
    date = DayField(label=_("Ngày ký"))
    authority = forms.CharField(label=_("Cấp quyết định"), max_length=200, required=False)
    signer = forms.CharField(label=_("Người ký"), max_length=200)
    signed_pdf = forms.FileField(label=_("Bản ký (PDF)"), required=False)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Lý do"))
    case_version = forms.IntegerField(required=False)


class RevocationForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định thu hồi"), max_length=100)
    date = DayField(label=_("Ngày ký"))
    signer = forms.CharField(label=_("Người ký"), max_length=200)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Lý do thu hồi"))
    signed_pdf = forms.FileField(label=_("Bản ký (PDF)"), required=False)


class ConditionForm(forms.Form):
    condition = forms.IntegerField()
    met = forms.TypedChoiceField(choices=[("1", _("Đạt")), ("0", _("Không đạt"))], coerce=lambda v: v == "1")
    note = forms.CharField(required=False, max_length=500)


class CommentForm(forms.Form):
    name = forms.CharField(required=False, max_length=120, label=_("Họ tên (không bắt buộc)"))
    hamlet = forms.CharField(required=False, max_length=120, label=_("Ấp"))
    satisfied = forms.TypedChoiceField(
        label=_("Ông/bà có hài lòng với kết quả xây dựng nông thôn mới của xã không?"),
        choices=[("1", _("Hài lòng")), ("0", _("Chưa hài lòng")), ("", _("Không trả lời"))],
        coerce=lambda v: {"1": True, "0": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("Ý kiến"))


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class SurveyForm(forms.Form):
    surveyed = forms.IntegerField(label=_("Số người được lấy ý kiến"), min_value=1)
    satisfied = forms.IntegerField(label=_("Số người hài lòng"), min_value=0)
    method = forms.CharField(
        label=_("Cách thức lấy ý kiến"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: phát phiếu tại 5 ấp, họp dân; đơn vị tổ chức."),
    )
    conducted_on = forms.DateField(
        label=_("Ngày lấy ý kiến"), input_formats=DATE_FORMATS, widget=forms.DateInput(format="%d/%m/%Y")
    )
    minutes = forms.FileField(label=_("Biên bản (PDF hoặc ảnh)"), required=False)


class SurveyAttestForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú xác nhận"), required=False, max_length=1000)


class CommentHideForm(forms.Form):
    reason = forms.CharField(label=_("Lý do ẩn"), max_length=1000)
