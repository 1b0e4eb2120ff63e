"""The unit browser's tables as `core.tables.DataTable`s, for the Excel / CSV / JSON downloads beside
them: what the page shows (the same date, search and scope), every row."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from chungsuc.core.tables import DATE, FLOAT, INT, TEXT, Column, DataTable
from chungsuc.core.tables import verified_label as _verified
from chungsuc.core.templatetags.core_tags import plain_note
from chungsuc.geo.unitdata import fmt_date


def tree_table(rows, day: dt.date, *, query: str = "", counts=(), total: int = 0) -> DataTable:
    """The tree as the page lists it: `rows` are its (node, depth) pairs, in the page's order, each
    with its parent in the tree (empty for a root) and its depth; `counts` are the page's
    (kind label, n) pairs and `total` the units matching the search."""
    out = []
    parents: list = []  # the path from the root to the row before, by depth
    for node, depth in rows:
        v = node.version
        del parents[depth:]
        parent = parents[-1] if parents else None
        parents.append(v)
        row = {
            "name": v.name,
            "code": v.code,
            "kind": v.get_kind_display(),
            "level": v.get_level_display(),
            "depth": depth,
            "parent": parent.name if parent else "",
            "parent_code": parent.code if parent else "",
            "valid_from": v.valid_from,
            "valid_to": v.valid_to,
            "verified": _verified(v.unit.verified),
        }
        if query:
            row["matched"] = _("có") if node.matched else _("không (đơn vị cấp trên của kết quả)")
        out.append(row)
    tally = "; ".join(f"{label}: {n}" for label, n in counts)
    subtitle = _("Ngày %(day)s: %(n)s đơn vị") % {"day": fmt_date(day), "n": total}
    if tally:
        subtitle += f" ({tally})"
    if query:
        subtitle += " — " + _("tìm “%(q)s”") % {"q": query}
    columns = [
        Column("name", _("Tên"), TEXT),
        Column("code", _("Mã"), TEXT),
        Column("kind", _("Loại"), TEXT),
        Column("level", _("Cấp"), TEXT),
        Column("depth", _("Bậc trong cây"), INT),
        Column("parent", _("Đơn vị cấp trên"), TEXT),
        Column("parent_code", _("Mã đơn vị cấp trên"), TEXT),
        Column("valid_from", _("Hiệu lực từ"), DATE),
        Column("valid_to", _("Hiệu lực đến"), DATE),
        Column("verified", _("Kiểm chứng"), TEXT),
    ]
    if query:
        columns.append(Column("matched", _("Khớp từ khóa"), TEXT))
    return DataTable(
        key="units",
        title=_("Đơn vị hành chính"),
        subtitle=subtitle,
        columns=columns,
        rows=out,
    )


def _unit_title(unit, version, what: str) -> str:
    name = version.name if version else unit.name
    code = version.code if version else unit.code
    return f"{what} — {name} ({code})"


def versions_table(unit, history, version=None) -> DataTable:
    """A unit's states through time (name, kind, code, parent), as the page's first table."""
    return DataTable(
        key="versions",
        title=_unit_title(unit, version, _("Các trạng thái theo thời gian")),
        subtitle=_("Hiệu lực của đơn vị: %(start)s – %(end)s")
        % {
            "start": fmt_date(unit.valid_from),
            "end": fmt_date(unit.valid_to),
        },
        columns=[
            Column("valid_from", _("Từ ngày"), DATE),
            Column("valid_to", _("Đến ngày"), DATE),
            Column("name", _("Tên"), TEXT),
            Column("kind", _("Loại"), TEXT),
            Column("code", _("Mã"), TEXT),
            Column("parent", _("Cấp trên"), TEXT),
            Column("parent_code", _("Mã cấp trên"), TEXT),
        ],
        rows=[
            {
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "name": v.name,
                "kind": v.get_kind_display(),
                "code": v.code,
                "parent": v.parent.name if v.parent_id else "",
                "parent_code": v.parent.code if v.parent_id else "",
            }
            for v in history.versions
        ],
    )


def events_table(unit, history, version=None) -> DataTable:
    """The change events that affected the unit, with their legal acts."""
    return DataTable(
        key="events",
        title=_unit_title(unit, version, _("Sự kiện thay đổi và văn bản pháp lý")),
        columns=[
            Column("date", _("Ngày hiệu lực"), DATE),
            Column("kind", _("Thay đổi"), TEXT),
            Column("legal_act", _("Văn bản"), TEXT),
            Column("description", _("Nội dung"), TEXT),
            Column("verified", _("Kiểm chứng"), TEXT),
        ],
        rows=[
            {
                "date": e.date,
                "kind": e.get_kind_display(),
                "legal_act": e.legal_act,
                "description": plain_note(e.description),
                "verified": _verified(e.verified),
            }
            for e in history.events
        ],
    )


def lineage_table(unit, history, version=None) -> DataTable:
    """The unit's predecessors and successors (the page's two lists), with the approximate share."""
    rows = []
    for direction, links, other in (
        (_("Tiền thân"), history.predecessors, "predecessor"),
        (_("Kế thừa"), history.successors, "successor"),
    ):
        for link in links:
            u = getattr(link, other)
            rows.append(
                {
                    "direction": direction,
                    "name": u.name,
                    "code": u.code,
                    "share": None if link.share is None else float(link.share),
                    "event": link.event.get_kind_display(),
                    "date": link.event.date,
                    "verified": _verified(link.verified),
                }
            )
    return DataTable(
        key="lineage",
        title=_unit_title(unit, version, _("Đơn vị tiền thân và kế thừa")),
        columns=[
            Column("direction", _("Quan hệ"), TEXT),
            Column("name", _("Đơn vị"), TEXT),
            Column("code", _("Mã"), TEXT),
            Column("share", _("Tỉ lệ diện tích (gần đúng)"), FLOAT, "%"),
            Column("event", _("Thay đổi"), TEXT),
            Column("date", _("Ngày hiệu lực"), DATE),
            Column("verified", _("Kiểm chứng"), TEXT),
        ],
        rows=rows,
    )


def children_table(unit, children, day: dt.date, version=None) -> DataTable:
    """The units directly under `unit` on `day` that the user may see (the page's last table)."""
    return DataTable(
        key="children",
        title=_unit_title(unit, version, _("Đơn vị trực thuộc")),
        subtitle=_("Ngày %(day)s: %(n)s đơn vị") % {"day": fmt_date(day), "n": len(children)},
        columns=[
            Column("name", _("Tên"), TEXT),
            Column("code", _("Mã"), TEXT),
            Column("kind", _("Loại"), TEXT),
            Column("valid_from", _("Hiệu lực từ"), DATE),
            Column("valid_to", _("Hiệu lực đến"), DATE),
        ],
        rows=[
            {
                "name": c.name,
                "code": c.code,
                "kind": c.get_kind_display(),
                "valid_from": c.valid_from,
                "valid_to": c.valid_to,
            }
            for c in children
        ],
    )
