"""Uploads are judged by their content, stored under generated names and served as downloads."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from chungsuc.core.files import (
    FileRejected,
    download_name,
    download_response,
    format_size,
    inspect_upload,
    safe_original_name,
    store_upload,
)

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def image_bytes(fmt: str, size=(8, 6)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
GIF = image_bytes("GIF")
WEBP = image_bytes("WEBP")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Mã xã"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ooxml(main_content_type: str, extra: dict[str, bytes] | None = None, *, content_types: str | None = None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            content_types
            or (
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                f'<Override PartName="/main.xml" ContentType="{main_content_type}"/></Types>'
            ),
        )
        z.writestr("main.xml", "<x/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("quyet-dinh.pdf", PDF, "pdf"),
        ("anh.png", PNG, "png"),
        ("anh.jpg", JPEG, "jpeg"),
        ("anh.gif", GIF, "gif"),
        ("anh.webp", WEBP, "webp"),
        ("bang.xlsx", None, "xlsx"),
        ("van-ban.docx", ooxml(DOCX_MAIN), "docx"),
        ("trinh-chieu.pptx", ooxml(PPTX_MAIN), "pptx"),
    ],
    ids=lambda v: v if isinstance(v, str) else "data",  # stable ids (zip bytes carry timestamps)
)
def test_accepted_kinds_are_recognised_by_content(name, data, kind):
    data = xlsx_bytes() if data is None else data
    checked = inspect_upload(upload(name, data), max_bytes=10_000_000)
    assert checked.kind == kind
    assert checked.size == len(data) and len(checked.sha256) == 64 and checked.original_name == name


def test_the_name_and_browser_content_type_do_not_decide():
    # A PNG called .pdf is a PNG; an HTML page called .pdf is refused.
    assert inspect_upload(upload("bao-cao.pdf", PNG)).kind == "png"
    with pytest.raises(FileRejected) as exc:
        inspect_upload(
            SimpleUploadedFile("bao-cao.pdf", b"<html><script>alert(1)</script>", "application/pdf")
        )
    assert "Tệp «bao-cao.pdf» không phải loại tệp được nhận" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("name", "data", "code", "text"),
    [
        ("rong.pdf", b"", "empty", "Tệp «rong.pdf» rỗng (0 byte)."),
        (
            "so-lieu.xlsm",
            ooxml(XLSM_MAIN, {"xl/vbaProject.bin": b"\x00" * 10}),
            "macro",
            "có chứa macro (VBA)",
        ),
        ("macro-an.xlsx", ooxml("x", {"xl/vbaProject.bin": b"1"}), "macro", "có chứa macro"),
        ("van-ban.docm", ooxml(DOCM_MAIN), "macro", "có chứa macro"),
        (
            "mat-khau.xlsx",
            OLE2 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64,
            "encrypted",
            "đặt mật khẩu",
        ),
        ("cu.xls", OLE2 + "Workbook".encode("utf-16-le"), "legacy_office", "định dạng cũ (.xls, .doc, .ppt)"),
        ("nen.zip", b"PK\x03\x04" + b"\x00" * 30, "corrupt", "tệp nén bị hỏng"),
        ("thuong.xlsx", None, "not_ooxml", "thiếu [Content_Types].xml"),
        ("la.xlsx", ooxml("application/x-other"), "unsupported", "loại không được hỗ trợ"),
        ("chuong-trinh.exe", b"MZ\x90\x00" + b"\x00" * 60, "unsupported", "không phải loại tệp được nhận"),
    ],
    ids=lambda v: v if isinstance(v, str) else "data",
)
def test_bad_files_are_refused_with_a_message_naming_file_and_reason(name, data, code, text):
    if data is None:  # a plain zip without [Content_Types].xml
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("readme.txt", "xin chào")
        data = buffer.getvalue()
    with pytest.raises(FileRejected) as exc:
        inspect_upload(upload(name, data))
    assert exc.value.code == code
    assert text in exc.value.messages[0]
    assert f"«{name}»" in exc.value.messages[0]


def test_size_limit_from_settings_and_argument(settings):
    settings.FILE_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(FileRejected) as exc:
        inspect_upload(upload("lon.pdf", PDF + b"x" * 2048))
    assert exc.value.messages == ["Tệp «lon.pdf» nặng 2,1 KB, vượt giới hạn 1 KB."]
    assert inspect_upload(upload("lon.pdf", PDF + b"x" * 2048), max_bytes=4096).kind == "pdf"


def test_only_the_allowed_kinds_pass():
    with pytest.raises(FileRejected) as exc:
        inspect_upload(upload("so-lieu.xlsx", ooxml(DOCX_MAIN)), allowed={"xlsx"})
    assert exc.value.messages == [
        "Tệp «so-lieu.xlsx» là văn bản Word (.docx), "
        "không phải loại được nhận ở đây (bảng tính Excel (.xlsx))."
    ]


def test_zip_bombs_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    with pytest.raises(FileRejected) as exc:
        inspect_upload(upload("bom.xlsx", buffer.getvalue()))
    assert exc.value.code == "zip_bomb" and "lớn bất thường" in exc.value.messages[0]


def test_store_under_a_generated_name_and_serve_as_download(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    stored = store_upload(upload("../../Biên bản thẩm định.pdf", PDF), folder="evidence", storage=storage)
    assert stored.name.startswith("evidence/") and stored.name.endswith(".pdf")
    assert "Biên" not in stored.name and len(stored.name.rsplit("/", 1)[1]) == 36  # uuid hex + .pdf
    assert stored.original_name == "Biên bản thẩm định.pdf"
    assert storage.open(stored.name).read() == PDF

    response = download_response(stored.name, original_name=stored.original_name, storage=storage)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_a_disguised_name_gets_the_real_extension_on_download(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    stored = store_upload(upload("anh.exe", PNG), storage=storage)
    assert stored.name.endswith(".png")
    response = download_response(stored.name, original_name=stored.original_name, storage=storage)
    assert response["Content-Type"] == "image/png"
    assert 'filename="anh.exe.png"' in response["Content-Disposition"]


def test_missing_stored_file_is_404(tmp_path):
    from django.http import Http404

    with pytest.raises(Http404):
        download_response(
            "evidence/none.pdf", original_name="x.pdf", storage=FileSystemStorage(location=tmp_path)
        )


def test_name_and_size_helpers():
    assert safe_original_name("C:\\Users\\a\\Hồ sơ\x00.pdf") == "Hồ sơ.pdf"
    assert safe_original_name("...") == "tep"
    assert download_name("Ảnh.JPEG", "jpeg") == "Ảnh.JPEG"
    assert download_name("bang", "xlsx") == "bang.xlsx"
    assert (
        format_size(20 * 1024 * 1024) == "20 MB"
        and format_size(1536) == "1,5 KB"
        and format_size(12) == "12 byte"
    )


# --- issue 9, finding 5: the content decides, polyglots are refused, images must decode --------------

PHP = b"<?php system($_GET['c']); ?>"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "data", "code", "text"),
    [
        # the PDF signature after some HTML: a browser renders the HTML, so it is not a PDF
        ("bao-cao.pdf", HTML + b"\n" + PDF, "unsupported", "không phải loại tệp được nhận"),
        ("bao-cao.pdf", b" " * 10 + PDF, "unsupported", "không phải loại tệp được nhận"),
        # a PDF that is also an HTML page
        ("polyglot.pdf", PDF + HTML, "active_content", "có chứa mã trang web hoặc mã lệnh"),
        ("polyglot.html", PDF[:9] + b"<!DOCTYPE html>" + HTML, "active_content", "mã trang web"),
        # a real PNG with PHP appended, under a .php name
        ("anh.php", PNG + PHP, "active_content", "có chứa mã trang web hoặc mã lệnh"),
        ("anh.jpg", JPEG + b"<svg onload=alert(1)>", "active_content", "mã trang web"),
        ("anh.gif", GIF + b"<script>alert(1)</script>", "active_content", "mã trang web"),
        # an image header followed by garbage does not decode
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40, "corrupt_image", "bị hỏng"),
        ("anh.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40, "corrupt_image", "bị hỏng"),
        ("anh.gif", b"GIF89a" + b"\x00" * 40, "corrupt_image", "bị hỏng"),
        ("anh.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40, "corrupt_image", "bị hỏng"),
        ("cat-ngang.png", PNG[: len(PNG) // 2], "corrupt_image", "bị hỏng"),
        ("trang.html", HTML, "unsupported", "không phải loại tệp được nhận"),
        ("trang.php", PHP, "unsupported", "không phải loại tệp được nhận"),
        (
            "hinh.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "unsupported",
            "",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and not v.startswith(("có", "không", "bị", "mã")) else None,
)
def test_polyglots_and_broken_images_are_refused(name, data, code, text):
    with pytest.raises(FileRejected) as exc:
        inspect_upload(upload(name, data))
    assert exc.value.code == code
    assert text in exc.value.messages[0] and f"«{name}»" in exc.value.messages[0]


def test_a_pixel_bomb_is_refused(monkeypatch):
    from chungsuc.core import files

    monkeypatch.setattr(files, "IMAGE_MAX_PIXELS", 100)
    with pytest.raises(FileRejected) as exc:
        inspect_upload(upload("to.png", image_bytes("PNG", (20, 20))))
    assert exc.value.code == "image_too_large" and "20 × 20" in exc.value.messages[0]


def test_stored_under_the_detected_type_never_the_uploaders(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    stored = store_upload(
        SimpleUploadedFile("anh.php", PNG, content_type="text/html"), folder="evidence", storage=storage
    )
    assert stored.name.endswith(".png") and stored.content_type == "image/png" and stored.kind == "png"
    pdf = store_upload(SimpleUploadedFile("x.html", PDF, content_type="text/html"), storage=storage)
    assert pdf.name.endswith(".pdf") and pdf.content_type == "application/pdf"
