"""'²' is a digit to `str.isdigit()` but not to `int()`: every number read from a request is checked
with `str.isdecimal()` (what `int()` reads), so such a value is ignored or refused, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/assessments/?year=²",
        "/criteria/xa-ntm-2021/?version=²",
        "/criteria/xa-ntm-2021/compare/?a=²&b=¹",
        "/reports/new/evaluation-sheet/?assessment=²",
    ],
)
def test_a_superscript_digit_in_a_page_parameter_is_not_a_500(demo, client, url):
    from django.contrib.auth import get_user_model

    client.raise_request_exception = False
    client.force_login(get_user_model().objects.get(username="demo.tinh"))
    assert client.get(url).status_code < 500
