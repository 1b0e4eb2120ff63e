"""Excel helpers: safe opening, errors by cell, styled and protected templates with validation."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chungsuc.core.excel import (
    CellError,
    CellErrors,
    ExcelError,
    add_list_validation,
    add_number_validation,
    add_readme_sheet,
    header_columns,
    is_formula,
    lock_cells,
    open_workbook_safely,
    parse_decimal,
    protect_sheet,
    sheet_or_error,
    workbook_bytes,
    workbook_response,
    write_header_row,
)
from chungsuc.core.files import FileRejected
from chungsuc.core.tests.test_files import OLE2, ooxml


def template() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    write_header_row(ws, [("Mã xã", 10), ("Tên xã", 30), ("Tiêu chí 1 (đạt/không)", 18), ("Tỷ lệ (%)", 12)])
    for row, (code, name) in enumerate([("30703", "Vĩnh Chánh"), ("30685", "Định Mỹ")], start=2):
        ws.cell(row=row, column=1, value=code)
        ws.cell(row=row, column=2, value=name)
    lock_cells(ws, "A2:B3")
    protect_sheet(ws, editable=["C2:D3"])
    add_list_validation(ws, "C2:C3", ["Đạt", "Không đạt"], title="Tiêu chí 1")
    add_number_validation(ws, "D2:D3", minimum=0, maximum=100, unit="%")
    add_readme_sheet(
        wb,
        heading="Mẫu nhập số liệu tự đánh giá",
        lines=["Chỉ sửa các ô trắng.", ("Bộ tiêu chí", "Xã NTM 2021–2025 (QĐ 318/QĐ-TTg)")],
    )
    return wb


def corrupted_workbook() -> bytes:
    """A real workbook whose xl/workbook.xml is no longer XML."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(template())))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = b"<workbook><sheets" if info.filename == "xl/workbook.xml" else source.read(info)
            target.writestr(info, data)
    return buffer.getvalue()


def test_template_has_styled_header_locked_cells_validation_and_readme():
    data = workbook_bytes(template())
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Hướng dẫn", "Số liệu"]
    assert wb["Hướng dẫn"]["A1"].value == "Mẫu nhập số liệu tự đánh giá"
    assert wb["Hướng dẫn"]["B4"].value == "Xã NTM 2021–2025 (QĐ 318/QĐ-TTg)"
    ws = wb["Số liệu"]
    assert ws["A1"].value == "Mã xã" and ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("2F7D32")
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 30
    assert ws.protection.sheet
    assert ws["A2"].protection.locked and ws["B3"].protection.locked
    assert not ws["C2"].protection.locked and not ws["D3"].protection.locked
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert validations["C2:C3"].type == "list" and validations["C2:C3"].formula1 == '"Đạt,Không đạt"'
    number = validations["D2:D3"]
    assert (number.type, number.operator, number.formula1, number.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert number.error == "Hãy nhập số từ 0 đến 100 %."


def test_long_lists_go_to_a_hidden_sheet():
    wb = openpyxl.Workbook()
    ws = wb.active
    codes = [f"{30000 + i} — Xã số {i}" for i in range(60)]
    dv = add_list_validation(ws, "A2:A100", codes)
    assert dv.formula1 == "'DanhMuc'!$A$1:$A$60"
    assert wb["DanhMuc"].sheet_state == "hidden" and wb["DanhMuc"]["A60"].value == codes[-1]
    dv2 = add_list_validation(ws, "B2:B100", ["Có, đầy đủ", "Không"])
    assert dv2.formula1 == "'DanhMuc'!$B$1:$B$2"


def test_open_workbook_safely_reads_a_real_upload_and_keeps_formulas():
    wb = template()
    wb["Số liệu"]["D2"] = "=1+1"
    upload = SimpleUploadedFile("mau.xlsx", workbook_bytes(wb))
    opened = open_workbook_safely(upload, max_bytes=1_000_000)
    ws = sheet_or_error(opened, "Số liệu")
    assert header_columns(ws) == {"Mã xã": 1, "Tên xã": 2, "Tiêu chí 1 (đạt/không)": 3, "Tỷ lệ (%)": 4}
    assert is_formula(ws["D2"].value) and not is_formula(ws["B2"].value)
    streamed = open_workbook_safely(workbook_bytes(wb), read_only=True, name="mau.xlsx")
    rows = list(streamed["Số liệu"].iter_rows(min_row=2, values_only=True))
    assert rows[0][:2] == ("30703", "Vĩnh Chánh")
    streamed.close()


def test_open_workbook_safely_refuses_bad_files_with_messages():
    with pytest.raises(FileRejected) as exc:
        open_workbook_safely(
            SimpleUploadedFile("so-lieu.xlsm", ooxml("application/vnd.ms-excel.sheet.macroEnabled.main+xml"))
        )
    assert "có chứa macro" in exc.value.messages[0]
    with pytest.raises(FileRejected) as exc:
        open_workbook_safely(SimpleUploadedFile("kin.xlsx", OLE2 + "EncryptionInfo".encode("utf-16-le")))
    assert "đặt mật khẩu" in exc.value.messages[0]
    with pytest.raises(FileRejected) as exc:
        open_workbook_safely(SimpleUploadedFile("anh.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 20))
    assert "là ảnh PNG, không phải loại được nhận ở đây (bảng tính Excel (.xlsx))" in exc.value.messages[0]
    with pytest.raises(FileRejected) as exc:
        open_workbook_safely(SimpleUploadedFile("lon.xlsx", workbook_bytes(template())), max_bytes=100)
    assert "vượt giới hạn 100 byte" in exc.value.messages[0]
    # Declared as a workbook but empty or broken inside: openpyxl fails, the user gets a sentence.
    hollow = ooxml("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    with pytest.raises(ExcelError) as exc:
        open_workbook_safely(SimpleUploadedFile("rong.xlsx", hollow))
    assert exc.value.messages == ["Tệp Excel «rong.xlsx» không có trang tính nào."]
    with pytest.raises(ExcelError) as exc:
        open_workbook_safely(SimpleUploadedFile("hong.xlsx", corrupted_workbook()))
    assert exc.value.messages[0].startswith("Không đọc được tệp Excel «hong.xlsx»: tệp bị hỏng")


def test_missing_sheet_names_the_sheets_present():
    with pytest.raises(ExcelError) as exc:
        sheet_or_error(template(), "Huyện", file_label="mau.xlsx")
    assert exc.value.messages == [
        "Tệp «mau.xlsx» không có trang tính «Huyện» (các trang tính có: «Hướng dẫn», «Số liệu»). "
        "Hãy dùng đúng mẫu tải về."
    ]


def test_cell_errors_are_reported_by_sheet_row_and_column():
    errors = CellErrors(limit=3)
    assert not errors
    errors.add("Số liệu", 12, 4, "giá trị 120 vượt quá 100", header="Tỷ lệ (%)")
    errors.add("Số liệu", 3, "B", "mã xã 99999 không có trong tỉnh")
    errors.add("Số liệu", 3, 1, "thiếu mã xã")
    errors.add("Số liệu", 20, 2, "x")
    errors.add("Số liệu", None, None, "thiếu cột «Tỷ lệ (%)»")
    assert len(errors) == 5
    assert str(CellError("Số liệu", 12, 4, "giá trị 120 vượt quá 100", header="Tỷ lệ (%)")) == (
        "Trang tính Số liệu, dòng 12, cột D (Tỷ lệ (%)): giá trị 120 vượt quá 100"
    )
    assert errors.messages() == [
        "Trang tính Số liệu: thiếu cột «Tỷ lệ (%)»",
        "Trang tính Số liệu, dòng 3, cột A: thiếu mã xã",
        "Trang tính Số liệu, dòng 3, cột B: mã xã 99999 không có trong tỉnh",
        "… và 2 lỗi khác.",
    ]
    with pytest.raises(ValidationError) as exc:
        errors.raise_if_any()
    assert len(exc.value.messages) == 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, Decimal(12)),
        (12.5, Decimal("12.5")),
        ("12,5", Decimal("12.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        (" 87 %", Decimal(87)),
        ("", None),
        (None, None),
    ],
)
def test_parse_decimal_reads_vietnamese_and_plain_numbers(value, expected):
    assert parse_decimal(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("mười", "«mười» không phải là số"),
        ("=A1*2", "không nhập công thức"),
        (True, "đúng/sai"),
        ("NaN", "không phải"),
    ],
)
def test_parse_decimal_explains_what_is_wrong(value, message):
    with pytest.raises(ValueError) as exc:
        parse_decimal(value)
    assert message in str(exc.value)


def test_workbook_response_is_an_xlsx_attachment():
    response = workbook_response(template(), "Mẫu số liệu Thoại Sơn")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and ".xlsx" in response["Content-Disposition"]
    )
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames == ["Hướng dẫn", "Số liệu"]


def test_write_only_exports_get_the_header_too():
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Xuất")
    write_header_row(ws, ["Mã", "Tên"], widths=[8, 40])
    ws.append(["30703", "Vĩnh Chánh"])
    read = openpyxl.load_workbook(io.BytesIO(workbook_bytes(wb)))["Xuất"]
    assert [c.value for c in read[1]] == ["Mã", "Tên"] and read["A1"].font.b
    assert read["B2"].value == "Vĩnh Chánh" and read.freeze_panes == "A2"
