"""The criteria sets' list as a `core.tables.DataTable`, for the downloads beside the page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chungsuc.core.tables import INT, TEXT, Column, DataTable


def frameworks_table(frameworks, gaps: dict) -> DataTable:
    rows = []
    for fw in frameworks:
        g = gaps.get(fw.pk, {})
        rows.append(
            {
                "code": fw.code,
                "name": fw.name,
                "level": fw.get_level_display(),
                "standard": fw.get_standard_display(),
                "period": f"{fw.period_start or '…'}–{fw.period_end or '…'}",
                "legal_basis": fw.legal_basis,
                "legal_verified": _("đã kiểm chứng") if fw.legal_verified else _("chưa kiểm chứng"),
                "version": fw.version,
                "thresholds": g.get("total", 0),
                "missing": g.get("missing", 0),
                "unverified": g.get("unverified", 0),
                "demo": g.get("demo", 0),
            }
        )
    return DataTable(
        key="frameworks",
        title=_("Bộ tiêu chí"),
        columns=[
            Column("code", _("Mã"), TEXT),
            Column("name", _("Tên"), TEXT),
            Column("level", _("Cấp"), TEXT),
            Column("standard", _("Chuẩn"), TEXT),
            Column("period", _("Giai đoạn"), TEXT),
            Column("legal_basis", _("Căn cứ pháp lý"), TEXT),
            Column("legal_verified", _("Kiểm chứng căn cứ"), TEXT),
            Column("version", _("Phiên bản"), INT),
            Column("thresholds", _("Số ngưỡng"), INT, _("ngưỡng"), total=True),
            Column("missing", _("Ngưỡng còn thiếu"), INT, _("ngưỡng"), total=True),
            Column("unverified", _("Ngưỡng chưa kiểm chứng"), INT, _("ngưỡng"), total=True),
            Column("demo", _("Ngưỡng DEMO"), INT, _("ngưỡng"), total=True),
        ],
        rows=rows,
    )
