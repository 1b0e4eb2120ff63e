"""The documents a user asked for, as a `core.tables.DataTable`: the list on the documents page and its
Excel / CSV / JSON download (the files themselves download from each document's page)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.core.tables import TEXT, Column, DataTable


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def documents_table(documents) -> DataTable:
    """One row per document of `documents` (the page's list: the user's own requests), in its order."""
    rows = [
        {
            "title": d.title,
            "reference": d.reference,
            "fmt": d.fmt.upper(),
            "requested_at": _when(d.requested_at),
            "status": str(d.get_status_display()),
            "finished_at": _when(d.finished_at),
            "error": d.error,
        }
        for d in documents
    ]
    return DataTable(
        key="documents",
        title=_("Văn bản bạn đã yêu cầu"),
        subtitle=_("Tính đến %(t)s") % {"t": _when(timezone.now())},
        columns=[
            Column("title", _("Văn bản"), TEXT),
            Column("reference", _("Số, ký hiệu"), TEXT),
            Column("fmt", _("Định dạng"), TEXT),
            Column("requested_at", _("Yêu cầu lúc"), TEXT),
            Column("status", _("Trạng thái"), TEXT),
            Column("finished_at", _("Xong lúc"), TEXT),
            Column("error", _("Lý do không tạo được"), TEXT),
        ],
        rows=rows,
        note=_("Giờ theo múi giờ Việt Nam. Tệp của mỗi văn bản tải tại trang của văn bản đó."),
    )
