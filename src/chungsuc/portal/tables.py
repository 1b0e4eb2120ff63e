"""The public map's tables as `core.tables.DataTable`s, for the Excel / CSV / JSON downloads beside
them: the counts by standard and the list of communes on the map, on the page's date (public facts,
like the page)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from chungsuc.core.tables import DATE, INT, TEXT, YEAR, Column, DataTable


def _area(on: dt.date) -> str:
    if on >= dt.date(2025, 7, 1):
        return _("tỉnh An Giang sau sắp xếp (từ 01/7/2025)")
    return _("tỉnh An Giang trước sắp xếp (đến 30/6/2025)")


def _subtitle(on: dt.date) -> str:
    return _("Theo sổ công nhận đến ngày %(d)s") % {"d": on.strftime("%d/%m/%Y")} + " — " + _area(on)


def map_counts_table(on: dt.date, counts: list[dict]) -> DataTable:
    """The communes on the map by the highest standard each holds on `on` (the page's counts)."""
    return DataTable(
        key="counts",
        title=_("Số xã theo mức đạt chuẩn nông thôn mới"),
        subtitle=_subtitle(on),
        columns=[
            Column("standard", _("Mức đạt chuẩn"), TEXT),
            Column("communes", _("Số xã"), INT, _("xã"), total=True),
        ],
        rows=[{"standard": str(c["label"]), "communes": c["count"]} for c in counts],
    )


def map_communes_table(on: dt.date, values: list[dict]) -> DataTable:
    """Every commune on the map with its district and the highest standard it holds on `on` (the
    list under the map), with the recognition's year and date."""
    return DataTable(
        key="communes",
        title=_("Các xã trên bản đồ"),
        subtitle=_subtitle(on),
        columns=[
            Column("unit", _("Đơn vị"), TEXT),
            Column("code", _("Mã đơn vị"), TEXT),
            Column("parent", _("Trực thuộc"), TEXT),
            Column("standard", _("Tình trạng"), TEXT),
            Column("year", _("Năm công nhận"), YEAR),
            Column("since", _("Từ ngày"), DATE),
        ],
        rows=[
            {
                "unit": v["name"],
                "code": v["code"],
                "parent": v["parent"],
                "standard": str(v["label"]),
                "year": v["year"],
                "since": dt.date.fromisoformat(v["since"]) if v["since"] else None,
            }
            for v in values
        ],
    )
