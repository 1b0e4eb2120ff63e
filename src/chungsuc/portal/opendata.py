"""Open data: the public tables offered as CSV, JSON and XLSX, each with its data dictionary (the
`DataTable` columns) and the licence. Only public facts: the register of recognitions and the
administrative units, as of a date."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chungsuc.core.tables import DATE, TEXT, YEAR, Column, DataTable

LICENCE = gettext_lazy(
    "Dữ liệu mở được cung cấp theo giấy phép Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0): được "
    "sao chép, sử dụng, kể cả cho mục đích thương mại, với điều kiện ghi rõ nguồn «Chung Sức — phong trào "
    "An Giang chung sức xây dựng nông thôn mới». Ranh giới hành chính theo giấy phép riêng của nguồn (MIT)."
)

DATASETS = {
    "register": gettext_lazy("Sổ công nhận đơn vị đạt chuẩn"),
    "units": gettext_lazy("Đơn vị hành chính"),
}


def register_table(on: dt.date) -> DataTable:
    from chungsuc.geo.models import UnitVersion
    from chungsuc.geo.selectors import valid_on
    from chungsuc.recognitions.selectors import register_as_of

    records = list(register_as_of(on))
    versions = {
        v.unit_id: v
        for v in UnitVersion.objects.filter(
            valid_on(on), unit_id__in=[r.unit_id for r in records]
        ).select_related("parent")
    }
    rows = []
    for r in records:
        v = versions.get(r.unit_id)
        decision = r.decision_text or (
            f"{r.decision.number} ngày {r.decision.date:%d/%m/%Y}" if r.decision_id else ""
        )
        rows.append(
            {
                "unit_code": v.code if v else r.unit.code,
                "unit_name": v.name if v else r.unit.name,
                "parent_name": v.parent.name if v and v.parent_id else "",
                "level": r.unit.level,
                "standard": r.standard,
                "standard_label": r.get_standard_display(),
                "year": r.year,
                "since": r.since,
                "until": r.until,
                "decision": decision,
                "verified": "yes" if r.verified else "no",
                "source": r.source,
            }
        )
    return DataTable(
        key="register",
        title=str(DATASETS["register"]),
        subtitle=_("Các công nhận còn hiệu lực đến ngày %(d)s") % {"d": on.strftime("%d/%m/%Y")},
        columns=[
            Column("unit_code", _("Mã đơn vị hành chính (mã quốc gia)"), TEXT),
            Column("unit_name", _("Tên đơn vị"), TEXT),
            Column("parent_name", _("Đơn vị cấp trên"), TEXT),
            Column("level", _("Cấp (commune = xã, district = huyện, province = tỉnh)"), TEXT),
            Column("standard", _("Mức đạt chuẩn (ntm, advanced, model, task_completed)"), TEXT),
            Column("standard_label", _("Mức đạt chuẩn (tên)"), TEXT),
            Column("year", _("Năm công nhận"), YEAR),
            Column("since", _("Hiệu lực từ ngày"), DATE),
            Column("until", _("Hiệu lực đến ngày (nếu bị thu hồi)"), DATE),
            Column("decision", _("Quyết định công nhận"), TEXT),
            Column("verified", _("Đã đối chiếu với quyết định gốc (yes/no)"), TEXT),
            Column("source", _("Nguồn"), TEXT),
        ],
        rows=rows,
        note=str(LICENCE),
    )


def units_table(on: dt.date) -> DataTable:
    from chungsuc.geo.models import UnitVersion
    from chungsuc.geo.selectors import valid_on

    versions = list(
        UnitVersion.objects.filter(valid_on(on)).select_related("parent").order_by("level", "code")
    )
    codes = {v.unit_id: v.code for v in versions}
    rows = [
        {
            "code": v.code,
            "name": v.name,
            "kind": v.get_kind_display(),
            "level": v.level,
            "parent_code": codes.get(v.parent_id, ""),
            "valid_from": v.valid_from,
            "valid_to": v.valid_to,
        }
        for v in versions
    ]
    return DataTable(
        key="units",
        title=str(DATASETS["units"]),
        subtitle=_("Các đơn vị có hiệu lực vào ngày %(d)s") % {"d": on.strftime("%d/%m/%Y")},
        columns=[
            Column("code", _("Mã đơn vị hành chính (mã quốc gia)"), TEXT),
            Column("name", _("Tên đơn vị"), TEXT),
            Column("kind", _("Loại đơn vị"), TEXT),
            Column("level", _("Cấp (commune = xã, district = huyện, province = tỉnh)"), TEXT),
            Column("parent_code", _("Mã đơn vị cấp trên"), TEXT),
            Column("valid_from", _("Hiệu lực từ ngày"), DATE),
            Column("valid_to", _("Hiệu lực đến ngày"), DATE),
        ],
        rows=rows,
        note=str(LICENCE),
    )


BUILDERS = {"register": register_table, "units": units_table}


def progress_table(movement, figures: dict, on: dt.date) -> DataTable:
    """A published movement's targets by year against the register, as the public progress page shows
    them (a year after the as-of date has its target and no achievement yet)."""
    from chungsuc.core.tables import INT

    rows = []
    for t in figures["targets"]:
        for r in t["rows"]:
            rows.append(
                {
                    "target_code": t["code"],
                    "target": t["name"],
                    "year": r["year"],
                    "planned": r["target"],
                    "achieved": None if r["future"] else r["actual"],
                    "planned_cumulative": r["cumulative_target"],
                    "achieved_cumulative": None if r["future"] else r["cumulative_actual"],
                }
            )
    return DataTable(
        key="progress",
        title=_("Kết quả thực hiện kế hoạch"),
        subtitle=_("%(m)s — đến ngày %(d)s") % {"m": movement, "d": on.strftime("%d/%m/%Y")},
        columns=[
            Column("target_code", _("Mã chỉ tiêu"), TEXT),
            Column("target", _("Chỉ tiêu"), TEXT),
            Column("year", _("Năm"), YEAR),
            Column("planned", _("Kế hoạch"), INT),
            Column("achieved", _("Thực hiện"), INT),
            Column("planned_cumulative", _("Lũy kế kế hoạch"), INT),
            Column("achieved_cumulative", _("Lũy kế thực hiện"), INT),
        ],
        rows=rows,
        note=_("Số thực hiện tính theo quyết định công nhận trong sổ công nhận, theo năm ký quyết định.")
        + " "
        + str(LICENCE),
    )
