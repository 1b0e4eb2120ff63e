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
    decimals = forms.ChoiceField(
        label=_("Số chữ số thập phân của chỉ tiêu"),
        required=False,
        choices=[
            ("", _("Theo kiểu giá trị (2 chữ số, bỏ số 0 ở cuối)")),
            ("0", _("0 — số nguyên")),
            ("1", _("1 chữ số (ví dụ 80,0)")),
            ("2", _("2 chữ số (ví dụ 80,00)")),
        ],
        help_text=_(
            "Độ chính xác mà văn bản quy định: giá trị được làm tròn đến số chữ số này khi nhập (trên "
            "trang, từ Excel, qua API), khi so với ngưỡng và khi hiển thị."
        ),
    )
    reason = forms.CharField(label=_("Lý do thay đổi"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, value_type: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if value_type not in ("percentage", "number"):
            del self.fields["decimals"]  # pass/fail and counts are whole


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
