"""`chungsuc units --as-of --province` prints the tree and the counts by kind."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(**options) -> str:
    out = StringIO()
    call_command("units", stdout=out, **options)
    return out.getvalue()


def test_tree_and_counts_2021(geo_units):
    text = run(as_of="2021-06-30", province="89")
    lines = text.splitlines()
    assert lines[0] == "Tỉnh An Giang (89) — Tỉnh"
    assert "  Huyện Tịnh Biên (890) — Huyện" in lines
    assert "    Thị trấn Nhà Bàng (30502) — Thị trấn" in lines
    assert (
        "  Xã (xa): 116" in lines
        and "  Phường (phuong): 21" in lines
        and "  Thị trấn (thi_tran): 19" in lines
    )
    assert "  Tổng cấp xã: 156" in lines and "  Tổng cấp huyện: 11" in lines


def test_merged_province(geo_units):
    text = run(as_of="2025-07-01", province="91")
    assert "  Phường Bình Đức (30292) — Phường" in text.splitlines()
    assert "  Đặc khu (dac_khu): 3" in text and "  Tổng cấp xã: 102" in text and "cấp huyện" not in text


def test_errors_are_clear(geo_units):
    with pytest.raises(CommandError, match="Không có tỉnh mã 92"):
        run(as_of="2025-07-01", province="92")
    with pytest.raises(CommandError, match="Tỉnh mã 89 không có hiệu lực vào ngày 01/07/2025"):
        run(as_of="2025-07-01", province="89")
    with pytest.raises(CommandError, match="Ngày '2025-13-01' không hợp lệ"):
        run(as_of="2025-13-01", province="91")
