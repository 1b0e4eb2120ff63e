from django import forms
from django.utils.translation import gettext_lazy as _

from chungsuc.core.links import http_url_validator
from chungsuc.criteria.models import Comparator


class ThresholdEditForm(forms.Form):
    comparator = forms.ChoiceField(label=_("Phép so sánh"), choices=Comparator.choices)
    value = forms.CharField(
        label=_("Ngưỡng"),
        required=False,
        help_text=_("Để trống nếu chưa có ngưỡng. Chỉ tiêu đạt/không đạt: 1 = đạt."),
    )
    reason = forms.CharField(label=_("Lý do thay đổi"), widget=forms.Textarea(attrs={"rows": 3}))


class ThresholdVerifyForm(forms.Form):
    source = forms.CharField(
        label=_("Nguồn pháp lý (số, ngày văn bản, điều khoản)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    source_url = forms.URLField(
        label=_("Đường dẫn nguồn"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[http_url_validator],
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
    reason = forms.CharField(label=_("Lý do"), required=False)
