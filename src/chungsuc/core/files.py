"""Uploaded files (evidence, workbooks, signed decisions): checked by content, stored under generated
names, served as downloads.

- `inspect_upload(file, *, allowed=..., max_bytes=...)` decides what a file IS from its bytes (magic
  numbers; for Office Open XML, the zip's `[Content_Types].xml`), never from its name or the browser's
  content type. It refuses empty and oversized files, macro-enabled Office files (`vbaProject.bin`,
  `…macroEnabled…` content types), password-protected Office files (an OLE2 compound file holding an
  `EncryptionInfo` stream, which is what Excel writes when a workbook is encrypted), legacy binary
  Office files, zip bombs, and anything not in `allowed`. Messages are Vietnamese and name the file.
- `store_upload(...)` stores the checked file as `<folder>/<yyyy>/<mm>/<uuid>.<ext>`; the original
  name is kept as metadata only (`StoredFile.original_name`).
- `download_response(...)` serves a stored file as an attachment with `X-Content-Type-Options:
  nosniff` and a sandboxing CSP, under a download name whose extension matches the real content.
  The caller has already checked that the user may see the file (scoping, 404).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extensions: tuple[str, ...]  # the first is used for stored names
    label: str


KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        Kind("pdf", "application/pdf", (".pdf",), "PDF"),
        Kind("png", "image/png", (".png",), "ảnh PNG"),
        Kind("jpeg", "image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif"), "ảnh JPEG"),
        Kind("gif", "image/gif", (".gif",), "ảnh GIF"),
        Kind("webp", "image/webp", (".webp",), "ảnh WebP"),
        Kind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            "bảng tính Excel (.xlsx)",
        ),
        Kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            "văn bản Word (.docx)",
        ),
        Kind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
            "trình chiếu PowerPoint (.pptx)",
        ),
    ]
}

EVIDENCE_KINDS = frozenset(KINDS)  # what officials may attach as evidence
IMAGE_KINDS = frozenset({"png", "jpeg", "gif", "webp"})
SPREADSHEET_KINDS = frozenset({"xlsx"})
DOCUMENT_KINDS = frozenset({"pdf", "docx"})

# Main-part content types in [Content_Types].xml → kind.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # 1 GiB unpacked: far above any real workbook
ZIP_MAX_RATIO = 200  # a member packed more than 200:1 (and over 1 MiB) is treated as a zip bomb


class FileRejected(ValidationError):
    """An uploaded file that may not be accepted; the message names the file and the reason."""


@dataclass(frozen=True)
class InspectedFile:
    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str

    @property
    def label(self) -> str:
        return KINDS[self.kind].label


@dataclass(frozen=True)
class StoredFile(InspectedFile):
    name: str = ""  # the storage name: <folder>/<yyyy>/<mm>/<uuid>.<ext>


def format_size(n: int) -> str:
    """1536 → '1,5 KB'; 20971520 → '20 MB' (Vietnamese decimal comma)."""
    value = float(n)
    for unit in ("byte", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = f"{value:.1f}".rstrip("0").rstrip(".") if unit != "byte" else str(int(value))
            return f"{text.replace('.', ',')} {unit}"
        value /= 1024
    return f"{n} byte"  # pragma: no cover


def safe_original_name(name: str | None) -> str:
    """The user's file name without folders, control characters or surrounding dots, at most 200 chars."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name or "tep"


def download_name(original_name: str, kind: str) -> str:
    """The name to offer for download: the original, with the real content's extension."""
    name = safe_original_name(original_name)
    spec = KINDS[kind]
    stem, ext = os.path.splitext(name)
    if ext.lower() in spec.extensions:
        return name
    return f"{name}{spec.extensions[0]}"


def _as_file(file) -> File:
    if isinstance(file, bytes | bytearray):
        return File(io.BytesIO(bytes(file)), name="")
    if isinstance(file, File):
        return file
    return File(file, name=getattr(file, "name", "") or "")


def _size_of(f: File) -> int:
    try:
        size = f.size
    except (AttributeError, OSError, TypeError):
        size = None
    if size is None:
        pos = f.tell()
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(pos)
    return int(size)


def _read_all(f: File) -> bytes:
    f.seek(0)
    data = f.read()
    f.seek(0)
    return data if isinstance(data, bytes) else data.encode()


def _sniff_simple(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):  # at the very start, as PDF readers require (no HTML before it)
        return "pdf"
    return None


# Markup or server code anywhere in a file that claims to be a PDF or an image: a polyglot (a PDF or
# image that a browser or a PHP server would also read as HTML or a script). Real evidence has none.
_ACTIVE_CONTENT = re.compile(
    # each marker is long enough (6+ bytes) that compressed image or PDF data does not hit it by chance
    rb"<\?php|<script|<html[\s>]|<!doctype\s+html|<body[\s>]|<iframe|<svg[\s>]|<object[\s>]|"
    rb"<embed[\s>]|<meta\s|<form[\s>]|<img\s[^>]{0,200}onerror",
    re.IGNORECASE,
)
_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
IMAGE_MAX_PIXELS = 80_000_000  # 80 megapixels: far above any photo of a document, below a pixel bomb


def _check_active_content(data: bytes, kind: str, shown: str) -> None:
    found = _ACTIVE_CONTENT.search(data)
    if found:
        raise FileRejected(
            _(
                "Tệp «%(name)s» là %(label)s nhưng có chứa mã trang web hoặc mã lệnh (%(marker)s) nên không "
                "được chấp nhận. Hãy xuất lại tệp từ phần mềm gốc (in ra PDF, chụp hoặc lưu lại ảnh) rồi "
                "tải lên."
            )
            % {
                "name": shown,
                "label": KINDS[kind].label,
                "marker": found.group(0).decode("latin-1")[:12],
            },
            code="active_content",
        )


def _check_image_decodes(data: bytes, kind: str, shown: str) -> None:
    """An image must be what it says and decode completely (Pillow), within a pixel limit."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    broken = FileRejected(
        _("Tệp «%(name)s» có phần đầu của %(label)s nhưng ảnh bị hỏng, không mở được.")
        % {"name": shown, "label": KINDS[kind].label},
        code="corrupt_image",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != _PIL_FORMATS[kind]:
                    raise broken
                width, height = probe.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise FileRejected(
                        _("Ảnh «%(name)s» quá lớn (%(w)d × %(h)d điểm ảnh), không được chấp nhận.")
                        % {"name": shown, "w": width, "h": height},
                        code="image_too_large",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except FileRejected:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        struct.error,
        IndexError,
        TypeError,
    ):
        raise broken from None


def _inspect_ooxml(data: bytes, shown: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise FileRejected(
            _("Tệp «%(name)s» là tệp nén bị hỏng, không đọc được.") % {"name": shown}, code="corrupt"
        ) from None
    if len(infos) > ZIP_MAX_ENTRIES:
        raise FileRejected(
            _("Tệp «%(name)s» chứa quá nhiều thành phần (%(n)d), không được chấp nhận.")
            % {"name": shown, "n": len(infos)},
            code="zip_bomb",
        )
    total = sum(i.file_size for i in infos)
    bomb = any(
        i.file_size > 1024 * 1024 and i.file_size > ZIP_MAX_RATIO * max(i.compress_size, 1) for i in infos
    )
    if total > ZIP_MAX_UNCOMPRESSED or bomb:
        raise FileRejected(
            _("Tệp «%(name)s» khi giải nén lớn bất thường (%(size)s), không được chấp nhận.")
            % {"name": shown, "size": format_size(total)},
            code="zip_bomb",
        )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise FileRejected(
            _(
                "Tệp «%(name)s» là tệp nén (zip) nhưng không phải tài liệu Office (.xlsx, .docx, .pptx): "
                "thiếu [Content_Types].xml."
            )
            % {"name": shown},
            code="not_ooxml",
        )
    try:
        content_types = archive.read("[Content_Types].xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        raise FileRejected(
            _("Tệp «%(name)s» bị hỏng: không đọc được [Content_Types].xml.") % {"name": shown}, code="corrupt"
        ) from None
    lowered = content_types.lower()
    if (
        any(n.lower().endswith("vbaproject.bin") for n in names)
        or "macroenabled" in lowered
        or ("vbaproject" in lowered)
    ):
        raise FileRejected(
            _(
                "Tệp «%(name)s» có chứa macro (VBA) nên không được chấp nhận. Hãy lưu lại dưới dạng "
                "không có macro (.xlsx, .docx, .pptx) rồi tải lên lại."
            )
            % {"name": shown},
            code="macro",
        )
    for content_type, kind in _OOXML_MAIN.items():
        if content_type in content_types:
            return kind
    raise FileRejected(
        _("Tệp «%(name)s» là tài liệu Office loại không được hỗ trợ (chỉ nhận .xlsx, .docx, .pptx).")
        % {"name": shown},
        code="unsupported",
    )


def _inspect_ole2(data: bytes, shown: str) -> None:
    if any(marker in data for marker in _ENCRYPTION_STREAMS):
        raise FileRejected(
            _(
                "Tệp «%(name)s» được đặt mật khẩu (mã hóa) nên không đọc được. Hãy gỡ mật khẩu "
                "(Tệp → Thông tin → Bảo vệ → Mã hóa bằng mật khẩu → để trống), lưu lại rồi tải lên lại."
            )
            % {"name": shown},
            code="encrypted",
        )
    raise FileRejected(
        _(
            "Tệp «%(name)s» là tài liệu Office định dạng cũ (.xls, .doc, .ppt) nên không được chấp nhận. "
            "Hãy mở bằng Office và lưu lại dưới dạng .xlsx, .docx hoặc .pptx."
        )
        % {"name": shown},
        code="legacy_office",
    )


def inspect_upload(
    file, *, allowed: Iterable[str] | None = None, max_bytes: int | None = None, name: str | None = None
) -> InspectedFile:
    """What the file is, by its content; raises FileRejected (Vietnamese message) when not acceptable.

    `file` is an UploadedFile, any file object, or bytes; `allowed` kind codes (default: every
    evidence kind); `max_bytes` defaults to settings.FILE_UPLOAD_MAX_BYTES.
    """
    allowed = frozenset(allowed) if allowed is not None else EVIDENCE_KINDS
    unknown = allowed - set(KINDS)
    if unknown:
        raise ValueError(f"unknown file kinds: {sorted(unknown)}")
    limit = settings.FILE_UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    f = _as_file(file)
    original = safe_original_name(name if name is not None else f.name)
    shown = original
    size = _size_of(f)
    if size == 0:
        raise FileRejected(_("Tệp «%(name)s» rỗng (0 byte).") % {"name": shown}, code="empty")
    if size > limit:
        raise FileRejected(
            _("Tệp «%(name)s» nặng %(size)s, vượt giới hạn %(limit)s.")
            % {"name": shown, "size": format_size(size), "limit": format_size(limit)},
            code="too_large",
        )
    data = _read_all(f)
    if len(data) > limit:  # the reported size lied
        raise FileRejected(
            _("Tệp «%(name)s» vượt giới hạn %(limit)s.") % {"name": shown, "limit": format_size(limit)},
            code="too_large",
        )
    head = data[:1024]
    if head.startswith(_OLE2_MAGIC):
        _inspect_ole2(data, shown)
    if head.startswith(b"PK\x03\x04"):
        kind = _inspect_ooxml(data, shown)
    else:
        kind = _sniff_simple(head)
    accepted = ", ".join(KINDS[k].label for k in sorted(allowed))
    if kind is None:
        raise FileRejected(
            _("Tệp «%(name)s» không phải loại tệp được nhận (%(accepted)s); nội dung không khớp loại nào.")
            % {"name": shown, "accepted": accepted},
            code="unsupported",
        )
    if kind not in allowed:
        raise FileRejected(
            _("Tệp «%(name)s» là %(label)s, không phải loại được nhận ở đây (%(accepted)s).")
            % {"name": shown, "label": KINDS[kind].label, "accepted": accepted},
            code="not_allowed",
        )
    if kind == "pdf" or kind in IMAGE_KINDS:
        _check_active_content(data, kind, shown)
    if kind in IMAGE_KINDS:
        _check_image_decodes(data, kind, shown)
    spec = KINDS[kind]
    return InspectedFile(
        kind=kind,
        content_type=spec.content_type,
        extension=spec.extensions[0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=original,
    )


def store_upload(
    file,
    *,
    allowed: Iterable[str] | None = None,
    max_bytes: int | None = None,
    folder: str = "uploads",
    name: str | None = None,
    storage: Storage | None = None,
) -> StoredFile:
    """Check the file (see `inspect_upload`) and store it under a generated name.

    Call it inside the service's transaction and keep `StoredFile.name` (and the metadata) on the
    record; if the transaction rolls back, the stored file is orphaned, never half-recorded.
    """
    storage = storage or default_storage
    checked = inspect_upload(file, allowed=allowed, max_bytes=max_bytes, name=name)
    folder = folder.strip("/") or "uploads"
    if ".." in folder.split("/"):
        raise ValueError("folder must not climb out of the storage root")
    now = timezone.now()
    target = f"{folder}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{checked.extension}"
    f = _as_file(file)
    f.seek(0)
    stored_name = storage.save(target, File(f, name=target))
    return StoredFile(**checked.__dict__, name=stored_name)


def download_response(
    name: str,
    *,
    original_name: str,
    kind: str | None = None,
    content_type: str | None = None,
    storage: Storage | None = None,
) -> FileResponse:
    """Serve a stored file as a download (never rendered inline by the browser)."""
    storage = storage or default_storage
    if kind is None:
        ext = os.path.splitext(name)[1].lower()
        kind = next((k.code for k in KINDS.values() if ext in k.extensions), None)
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError, ValidationError):
        raise Http404("Không tìm thấy tệp") from None
    filename = download_name(original_name, kind) if kind else safe_original_name(original_name)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or (KINDS[kind].content_type if kind else "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response


class StoredFileModel(models.Model):
    """Abstract base for a record that holds one checked upload (evidence, a signed decision, …)."""

    file = models.FileField(gettext_lazy("tệp"), max_length=300)
    original_name = models.CharField(gettext_lazy("tên tệp gốc"), max_length=255)
    content_type = models.CharField(gettext_lazy("loại nội dung"), max_length=120)
    size = models.PositiveBigIntegerField(gettext_lazy("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(gettext_lazy("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        abstract = True

    def set_stored(self, stored: StoredFile) -> None:
        self.file = stored.name
        self.original_name = stored.original_name
        self.content_type = stored.content_type
        self.size = stored.size
        self.sha256 = stored.sha256

    def as_download(self) -> FileResponse:
        return download_response(
            self.file.name, original_name=self.original_name, content_type=self.content_type
        )
