"""The view and API helpers: a service's refusal becomes messages (pages) or its status (API)."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from chungsuc.core.concurrency import ConflictError
from chungsuc.core.http import (
    api_error_response,
    api_service_errors,
    flash_form_errors,
    post_service,
    service_errors,
)
from chungsuc.core.workflow import WorkflowPermissionError


def _request():
    request = RequestFactory().post("/x/")
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    return request


def _flashed(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_service_errors_turns_a_refusal_into_messages_and_lets_success_through():
    request = _request()
    with service_errors(request):
        raise ValidationError({"year": ["Năm không hợp lệ."], "unit": ["Thiếu đơn vị."]})
    with service_errors(request):
        raise PermissionDenied("Bạn không có quyền.")
    done = []
    with service_errors(request):
        done.append(1)
    assert done == [1]
    assert _flashed(request) == [
        ("error", "Năm không hợp lệ."),
        ("error", "Thiếu đơn vị."),
        ("error", "Bạn không có quyền."),
    ]
    # anything else is a bug, not the user's mistake: it propagates
    with pytest.raises(KeyError), service_errors(request):
        raise KeyError("x")


def test_service_errors_can_let_a_permission_refusal_answer_403():
    request = _request()
    with pytest.raises(PermissionDenied), service_errors(request, catch=(ValidationError,)):
        raise PermissionDenied("Bạn không có quyền.")
    with service_errors(request, catch=(ValidationError,)):
        raise ValidationError("Năm không hợp lệ.")
    assert _flashed(request) == [("error", "Năm không hợp lệ.")]


def test_flash_form_errors_names_each_field_by_its_label_never_its_code():
    from django import forms

    class F(forms.Form):
        year = forms.IntegerField(label="Năm")
        note = forms.CharField(label="Ghi chú", max_length=3)

        def clean(self):
            raise forms.ValidationError("Hồ sơ không hợp lệ.")

    form = F({"year": "hai", "note": "dài quá"})
    assert not form.is_valid()
    request = _request()
    flash_form_errors(request, form)
    flashed = [text for _level, text in _flashed(request)]
    assert flashed[0].startswith("Năm: ") and flashed[1].startswith("Ghi chú: ")
    assert flashed[2] == "Hồ sơ không hợp lệ."  # a form-wide error: its words alone, no "__all__"
    assert not any("year" in t or "__all__" in t for t in flashed)
    request = _request()
    flash_form_errors(request, form, labels=False)
    assert [text for _level, text in _flashed(request)] == [m for errs in form.errors.values() for m in errs]


def test_post_service_redirects_with_the_success_or_the_refusal():
    request = _request()
    response = post_service(request, lambda: 7, success=lambda n: f"Đã lưu {n} dòng.", next_url="/ok/")
    assert response.status_code == 302 and response.url == "/ok/"

    def refuse():
        raise ValidationError("Hồ sơ đã khóa.")

    response = post_service(request, refuse, success="Đã lưu.", next_url="/ok/", error_url="/form/")
    assert response.url == "/form/"
    assert _flashed(request) == [("success", "Đã lưu 7 dòng."), ("error", "Hồ sơ đã khóa.")]


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (ConflictError(expected=1, current=2), 409, None),
        (PermissionDenied("Không có quyền."), 403, {"detail": "Không có quyền."}),
        (WorkflowPermissionError("Không có quyền chuyển."), 403, {"detail": ["Không có quyền chuyển."]}),
        (ValidationError({"year": ["Sai năm."]}), 400, {"year": ["Sai năm."]}),
        (ValidationError("Sai."), 400, {"detail": ["Sai."]}),
    ],
)
def test_api_error_response_maps_each_refusal_to_its_status(exc, status, body):
    response = api_error_response(exc)
    assert response.status_code == status
    assert response.data == (body if body is not None else {"detail": exc.messages})
    if isinstance(exc, ConflictError):
        assert "phiên bản" in " ".join(response.data["detail"]) or "người khác" in " ".join(
            response.data["detail"]
        )
    assert api_error_response(KeyError("x")) is None


def test_api_service_errors_wraps_a_view_method():
    class View:
        @api_service_errors
        def post(self, request, fail):
            if fail:
                raise ValidationError({"name": ["Thiếu tên."]})
            return "ok"

    assert View().post(None, False) == "ok"
    response = View().post(None, True)
    assert response.status_code == 400 and response.data == {"name": ["Thiếu tên."]}
