"""The layout rules of NĐ 30/2020 that are plain text: number, place and date, recipients."""

import datetime as dt

from chungsuc.reports import officialdoc as od


def test_date_line_pads_days_below_ten_and_months_one_and_two():
    assert od.date_line("An Giang", dt.date(2026, 1, 5)) == "An Giang, ngày 05 tháng 01 năm 2026"
    assert od.date_line("An Giang", dt.date(2025, 2, 28)) == "An Giang, ngày 28 tháng 02 năm 2025"
    assert od.date_line("Vĩnh Chánh", dt.date(2024, 12, 9)) == "Vĩnh Chánh, ngày 09 tháng 12 năm 2024"
    assert od.date_line("An Giang", dt.date(2024, 3, 15)) == "An Giang, ngày 15 tháng 3 năm 2024"


def test_number_line_with_and_without_a_number():
    assert od.number_line("15", "bc-snv") == "Số: 15/BC-SNV"
    blank = od.number_line("", "BC-UBND")
    assert blank.startswith("Số:") and blank.endswith("/BC-UBND") and "  " in blank


def test_recipients_end_with_the_archive_line():
    assert od.recipient_lines(["UBND tỉnh (b/c);", "- Sở Nội vụ"]) == [
        "- UBND tỉnh (b/c);",
        "- Sở Nội vụ;",
        "- Lưu: VT.",
    ]
    assert od.recipient_lines(["Sở Nội vụ", "Lưu: VT, VP"]) == ["- Sở Nội vụ;", "- Lưu: VT, VP."]


def test_vietnamese_number_format():
    assert od.fmt_number(1234.5, 1) == "1.234,5"
    assert od.fmt_number(None) == "—"
    assert od.fmt_percent(1, 3) == "33,3%"
