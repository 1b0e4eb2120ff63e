"""The movement's lists as `core.tables.DataTable`s, so each page's "Tải Excel / CSV / JSON" downloads
what the page shows: pilot units, roadmaps, clusters' ranking, exemplary models and inspections.
Built from the selectors' plain data; no query of its own except where a list is the queryset itself
(models, inspections), read once with everything it needs."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chungsuc.core.tables import DATE, FLOAT, INT, YEAR, Column, DataTable


def _yes(value: bool) -> str:
    return _("có") if value else _("không")


def pilots_table(movement, data: dict) -> DataTable:
    return DataTable(
        key="pilots",
        title=_("Đơn vị điểm"),
        subtitle=_("%(m)s — tính đến ngày %(d)s") % {"m": movement, "d": data["on"].strftime("%d/%m/%Y")},
        columns=[
            Column("unit", _("Đơn vị")),
            Column("kind", _("Loại")),
            Column("year", _("Năm phấn đấu"), YEAR),
            Column("reached", _("Đạt chuẩn (sổ công nhận)"), DATE),
            Column("late", _("Chậm so với năm phấn đấu")),
            Column("in_list", _("Trong danh sách")),
            Column("verified", _("Đã kiểm chứng")),
            Column("instrument", _("Văn bản, nguồn")),
            Column("note", _("Ghi chú")),
        ],
        rows=[
            {
                "unit": p["name"],
                "kind": p["kind_label"],
                "year": p["year"],
                "reached": p["reached"],
                "late": _yes(p["late"]),
                "in_list": _yes(p["active"]),
                "verified": _yes(p["verified"]),
                "instrument": p["instrument"],
                "note": p["note"],
            }
            for p in data["items"]
        ],
        note=_("Danh sách tốt nhất hiện có; đơn vị chưa kiểm chứng cần đối chiếu với quyết định chọn điểm."),
    )


def roadmaps_table(movement, data: dict) -> DataTable:
    return DataTable(
        key="roadmaps",
        title=_("Lộ trình đạt chuẩn"),
        subtitle=_("%(m)s — tính đến ngày %(d)s") % {"m": movement, "d": data["on"].strftime("%d/%m/%Y")},
        columns=[
            Column("unit", _("Đơn vị")),
            Column("standard", _("Mức đạt chuẩn")),
            Column("year", _("Năm phấn đấu"), YEAR),
            Column("status", _("Tình trạng")),
            Column("note", _("Ghi chú")),
        ],
        rows=[
            {
                "unit": u["name"],
                "standard": u["standard_label"],
                "year": u["year"],
                "status": _("đã được công nhận")
                if u["recognised"]
                else (_("chậm so với lộ trình") if u["behind"] else _("đúng lộ trình")),
                "note": u["note"],
            }
            for u in data["units"]
        ],
    )


def cluster_table(cluster, data: dict) -> DataTable:
    return DataTable(
        key="cluster",
        title=_("Xếp hạng %(c)s năm %(y)s") % {"c": cluster, "y": data["year"]},
        subtitle=_("Điểm tối đa %(m)s; xếp hạng theo điểm bình quân các thành viên khác chấm")
        % {"m": data["max_total"]},
        columns=[
            Column("rank", _("Thứ hạng"), INT),
            Column("member", _("Thành viên")),
            Column("cross_average", _("Điểm bình quân chấm chéo"), FLOAT, _("điểm")),
            Column("cross_scorers", _("Số thành viên đã chấm"), INT),
            Column("self_total", _("Điểm tự chấm"), FLOAT, _("điểm")),
            Column("only_self", _("Chỉ có điểm tự chấm")),
        ],
        rows=[
            {
                "rank": r["rank"],
                "member": r["name"],
                "cross_average": r["cross_average"],
                "cross_scorers": r["cross_scorers"],
                "self_total": r["self_total"],
                "only_self": _yes(r["only_self"]),
            }
            for r in data["ranking"]
        ],
    )


def clusters_table(movement, clusters) -> DataTable:
    rows = []
    for c in clusters:
        years: dict[int, int] = {}
        for m in c.members.all():
            years[m.year] = years.get(m.year, 0) + 1
        rows.append(
            {
                "cluster": c.name,
                "kind": c.get_kind_display(),
                "members": "; ".join(f"{y}: {n}" for y, n in sorted(years.items())) or "—",
            }
        )
    return DataTable(
        key="clusters",
        title=_("Cụm, khối thi đua"),
        subtitle=str(movement),
        columns=[
            Column("cluster", _("Cụm, khối")),
            Column("kind", _("Loại")),
            Column("members", _("Số thành viên theo năm")),
        ],
        rows=rows,
    )


def models_table(movement, models) -> DataTable:
    rows = []
    for m in models:
        reps = list(m.replications.all())
        rows.append(
            {
                "title": m.title,
                "kind": m.get_kind_display(),
                "who": m.who,
                "where": m.unit.name,
                "proposed_by": str(m.proposed_by) if m.proposed_by_id else _("Sở Nội vụ"),
                "state": m.get_state_display(),
                "published_on": timezone.localtime(m.published_at).date() if m.published_at else None,
                "replications": len(reps),
                "replicated_in": "; ".join(f"{r.unit.name} ({r.year})" for r in reps),
                "links": " ".join(m.links),
            }
        )
    return DataTable(
        key="models",
        title=_("Mô hình, điển hình"),
        subtitle=str(movement),
        columns=[
            Column("title", _("Tên mô hình")),
            Column("kind", _("Loại")),
            Column("who", _("Tập thể, cá nhân")),
            Column("where", _("Địa bàn")),
            Column("proposed_by", _("Đơn vị đề xuất")),
            Column("state", _("Trạng thái")),
            Column("published_on", _("Ngày công bố"), DATE),
            Column("replications", _("Số nơi nhân rộng"), INT, _("nơi"), total=True),
            Column("replicated_in", _("Nhân rộng tại")),
            Column("links", _("Bài viết, phóng sự")),
        ],
        rows=rows,
    )


def inspections_table(movement, inspections) -> DataTable:
    today = timezone.localdate()
    rows = []
    for i in inspections:
        recs = list(i.recommendations.all())
        findings = list(i.findings.all())
        rows.append(
            {
                "year": i.year,
                "team": i.team_name,
                "leader": i.leader,
                "unit": i.unit.name,
                "planned_on": i.planned_on,
                "inspected_on": i.inspected_on,
                "state": i.get_state_display(),
                "not_met": sum(1 for f in findings if f.result != "met"),
                "recommendations": len(recs),
                "open": sum(1 for r in recs if r.status(today) == "open"),
                "overdue": sum(1 for r in recs if r.status(today) == "overdue"),
                "conclusion": i.conclusion.reference if i.conclusion_id else "",
                "concluded_on": i.conclusion.issued_on if i.conclusion_id else None,
            }
        )
    return DataTable(
        key="inspections",
        title=_("Kiểm tra"),
        subtitle=_("%(m)s — tình trạng kiến nghị tính đến ngày %(d)s")
        % {"m": movement, "d": today.strftime("%d/%m/%Y")},
        columns=[
            Column("year", _("Năm"), YEAR),
            Column("team", _("Đoàn kiểm tra")),
            Column("leader", _("Trưởng đoàn")),
            Column("unit", _("Đơn vị được kiểm tra")),
            Column("planned_on", _("Ngày dự kiến"), DATE),
            Column("inspected_on", _("Ngày kiểm tra"), DATE),
            Column("state", _("Trạng thái")),
            Column("not_met", _("Nội dung chưa đạt"), INT, _("nội dung"), total=True),
            Column("recommendations", _("Kiến nghị"), INT, _("kiến nghị"), total=True),
            Column("open", _("Đang khắc phục"), INT, _("kiến nghị"), total=True),
            Column("overdue", _("Quá hạn khắc phục"), INT, _("kiến nghị"), total=True),
            Column("conclusion", _("Kết luận")),
            Column("concluded_on", _("Ngày kết luận"), DATE),
        ],
        rows=rows,
    )


STATUS_LABELS = {
    "ready": gettext_lazy("đủ tiêu chí"),
    "close": gettext_lazy("thiếu ít tiêu chí"),
    "later": gettext_lazy("lộ trình năm sau"),
}


def forecast_table(movement, data: dict) -> DataTable:
    """The units that could reach the standard in the first remaining year, per target (the page's
    lists in full: the page shows the first 200 of each)."""
    rows = []
    for t in data["targets"]:
        if not t["years"]:
            continue
        y = t["years"][0]
        for u in y["units"]:
            rows.append(
                {
                    "target": f"{t['code']}. {t['name']}",
                    "year": y["year"],
                    "unit": u["name"],
                    "district": u["district"],
                    "status": str(STATUS_LABELS.get(u["status"], u["status"])),
                    "gaps": u["gaps_text"],
                    "evaluated_year": u["evaluated_year"],
                    "roadmap_year": u["roadmap_year"],
                }
            )
    return DataTable(
        key="forecast",
        title=_("Đơn vị có thể đạt chuẩn"),
        subtitle=_("%(m)s — dự báo ngày %(d)s") % {"m": movement, "d": data["on"].strftime("%d/%m/%Y")},
        columns=[
            Column("target", _("Chỉ tiêu")),
            Column("year", _("Năm dự báo"), YEAR),
            Column("unit", _("Đơn vị")),
            Column("district", _("Huyện")),
            Column("status", _("Tình trạng")),
            Column("gaps", _("Tiêu chí còn thiếu")),
            Column("evaluated_year", _("Đánh giá năm"), YEAR),
            Column("roadmap_year", _("Lộ trình"), YEAR),
        ],
        rows=rows,
        note=_(
            "Theo kết quả đánh giá gần nhất và lộ trình đã đăng ký; đơn vị thiếu nhiều tiêu chí chỉ được đếm."
        ),
    )


def versions_table(movement, data: dict) -> DataTable:
    """Every version's yearly counts side by side (the amendments page's comparison)."""
    columns = [
        Column("code", _("Chỉ tiêu")),
        Column("name", _("Tên chỉ tiêu")),
        Column("year", _("Năm"), YEAR),
    ]
    for v in data["versions"]:
        columns.append(Column(f"v{v['number']}", _("Phiên bản %(n)s") % {"n": v["number"]}, INT))
    columns.append(Column("changed", _("Có thay đổi")))
    rows = []
    for r in data["rows"]:
        row = {"code": r["code"], "name": r["name"], "year": r["year"], "changed": _yes(r["changed"])}
        for v, value in zip(data["versions"], r["values"], strict=True):
            row[f"v{v['number']}"] = value
        rows.append(row)
    notes = "; ".join(
        _("phiên bản %(n)s từ %(d)s (%(x)s)")
        % {
            "n": v["number"],
            "d": v["valid_from"].strftime("%d/%m/%Y") if v["valid_from"] else _("đầu giai đoạn"),
            "x": v["decision"] or v["reason"] or _("bản ban hành"),
        }
        for v in data["versions"]
    )
    return DataTable(
        key="versions",
        title=_("So sánh các phiên bản kế hoạch"),
        subtitle=str(movement),
        columns=columns,
        rows=rows,
        note=notes,
    )


def inspection_teams_table(movement, teams) -> DataTable:
    """A movement's inspection teams: year, name, decision, leader, members, inspections."""
    rows = []
    for t in teams:
        members = list(t.members.all())
        leader = next((m for m in members if m.role == "leader"), None)
        rows.append(
            {
                "year": t.year,
                "team": t.name,
                "decision": t.decision.reference if t.decision_id else "",
                "decided_on": t.decision.issued_on if t.decision_id else None,
                "leader": leader.full_name if leader else "",
                "members": "; ".join(
                    f"{m.full_name} ({m.get_role_display()}{', ' + m.position if m.position else ''})"
                    for m in members
                ),
                "member_count": len(members),
                "inspections": len(t.inspections.all()),
            }
        )
    return DataTable(
        key="inspection_teams",
        title=_("Đoàn kiểm tra"),
        subtitle=str(movement),
        columns=[
            Column("year", _("Năm"), YEAR),
            Column("team", _("Đoàn kiểm tra")),
            Column("decision", _("Quyết định thành lập")),
            Column("decided_on", _("Ngày quyết định"), DATE),
            Column("leader", _("Trưởng đoàn")),
            Column("members", _("Thành phần")),
            Column("member_count", _("Số thành viên"), INT, _("người"), total=True),
            Column("inspections", _("Số cuộc kiểm tra"), INT, _("cuộc"), total=True),
        ],
        rows=rows,
    )


def movements_table(movements) -> DataTable:
    """The movements the user may see: name, act, period, status."""
    rows = [
        {
            "movement": str(m),
            "province": m.province.name,
            "act": m.act_reference or "",
            "act_date": m.act_date,
            "period": f"{m.period_start}–{m.period_end}",
            "status": m.get_status_display(),
            "demo": "DEMO" if m.is_demo else "",
        }
        for m in movements
    ]
    return DataTable(
        key="movements",
        title=_("Phong trào thi đua"),
        columns=[
            Column("movement", _("Phong trào")),
            Column("province", _("Tỉnh")),
            Column("act", _("Văn bản")),
            Column("act_date", _("Ngày ban hành"), DATE),
            Column("period", _("Giai đoạn")),
            Column("status", _("Tình trạng")),
            Column("demo", _("Dữ liệu mẫu")),
        ],
        rows=rows,
    )


def groups_table(movement, units: list[dict], on) -> DataTable:
    """The movement's communes with their group (QĐ 51/2025's grouping, assigned by the administrator)."""
    return DataTable(
        key="groups",
        title=_("Nhóm xã"),
        subtitle=_("%(m)s — đơn vị tính đến ngày %(d)s") % {"m": movement, "d": on.strftime("%d/%m/%Y")},
        columns=[
            Column("unit", _("Đơn vị")),
            Column("district", _("Huyện")),
            Column("group", _("Nhóm"), INT),
        ],
        rows=[{"unit": u["name"], "district": u["district"], "group": u.get("group")} for u in units],
    )


def coverage_table(coverage: dict) -> DataTable:
    """The register beside the province's reported counts (`coverage.register_coverage`), as the card
    on the officials' home and the public list of recognised units shows it: a month-precision date
    stays a month, a count that is not comparable says so, sources by their documents' names."""
    from chungsuc.core.sources import source_parts

    not_compared = _("không so sánh")
    rows = []
    for r in coverage["reported"]:
        parts = source_parts(r["source"])
        rows.append(
            {
                "as_of": r["as_of"].strftime("%m/%Y" if r["precision"] == "month" else "%d/%m/%Y"),
                "movement": r["movement"],
                "level": str(r["label"]),
                "basis": str(r["basis_text"]),
                "count": r["count"],
                "denominator": r["denominator"],
                "in_register": r["in_register"] if r["comparable"] else None,
                "compared": _("có") if r["comparable"] else not_compared,
                "verified": _yes(r["verified"]),
                "source": "; ".join(name for name, _url in parts),
                "links": " ".join(url for _name, url in parts if url),
            }
        )
    return DataTable(
        key="coverage",
        title=_("Sổ công nhận và số liệu tỉnh công bố"),
        subtitle=_("Sổ công nhận đang ghi %(n)s bản ghi còn hiệu lực (tính đến %(d)s)")
        % {"n": coverage["total"], "d": coverage["on"].strftime("%d/%m/%Y")},
        columns=[
            Column("as_of", _("Ngày")),
            Column("movement", _("Kế hoạch")),
            Column("level", _("Mức")),
            Column("basis", _("Cách tính")),
            Column("count", _("Tỉnh công bố"), INT, _("đơn vị")),
            Column("denominator", _("Trên tổng số"), INT, _("đơn vị")),
            Column("in_register", _("Sổ ghi nhận"), INT, _("đơn vị")),
            Column("compared", _("So sánh được")),
            Column("verified", _("Đã kiểm chứng")),
            Column("source", _("Nguồn")),
            Column("links", _("Địa chỉ nguồn")),
        ],
        rows=rows,
        note=_(
            "Sổ chỉ gồm các quyết định đã nhập vào hệ thống nên có thể chưa đủ. Sau sáp nhập 1/7/2025 "
            "hoặc chỉ đạt đủ tiêu chí: không cùng cách tính, không so sánh."
        ),
    )


def _inspection_title(inspection, what: str) -> str:
    return f"{what} — {inspection.team_name}, {inspection.unit.name} ({inspection.year})"


def _inspection_subtitle(inspection) -> str:
    parts = [str(inspection.movement), inspection.get_state_display()]
    if inspection.inspected_on:
        parts.append(_("kiểm tra ngày %(d)s") % {"d": inspection.inspected_on.strftime("%d/%m/%Y")})
    if inspection.conclusion_id:
        act = inspection.conclusion
        day = act.issued_on.strftime("%d/%m/%Y")
        parts.append(_("kết luận %(ref)s ngày %(d)s") % {"ref": act.reference, "d": day})
    return " — ".join(parts)


def findings_table(inspection, items: list[dict]) -> DataTable:
    """The inspection's results against the movement's checklist (the page's first table): every
    item, with its result and note where the team recorded one."""
    rows = []
    for row in items:
        item, finding = row["item"], row["finding"]
        rows.append(
            {
                "code": item.code,
                "item": item.text,
                "section": item.section.number if item.section_id else "",
                "result": finding.get_result_display() if finding else None,  # not recorded yet
                "note": finding.note if finding else None,
            }
        )
    return DataTable(
        key="findings",
        title=_inspection_title(inspection, _("Kết quả theo nội dung kiểm tra")),
        subtitle=_inspection_subtitle(inspection),
        columns=[
            Column("code", _("Ký hiệu")),
            Column("item", _("Nội dung kiểm tra")),
            Column("section", _("Mục của kế hoạch")),
            Column("result", _("Kết quả")),
            Column("note", _("Ghi nhận")),
        ],
        rows=rows,
    )


RECOMMENDATION_STATUS = {
    "done": gettext_lazy("đã khắc phục"),
    "overdue": gettext_lazy("quá hạn"),
    "open": gettext_lazy("đang thực hiện"),
}


def recommendations_table(inspection, recs: list[dict], today) -> DataTable:
    """The inspection's recommendations with their deadlines and follow-up, status as of `today`."""
    return DataTable(
        key="recommendations",
        title=_inspection_title(inspection, _("Kiến nghị và theo dõi khắc phục")),
        subtitle=_("Tình trạng tính đến ngày %(d)s") % {"d": today.strftime("%d/%m/%Y")},
        columns=[
            Column("text", _("Kiến nghị")),
            Column("due_date", _("Hạn khắc phục"), DATE),
            Column("status", _("Tình trạng")),
            Column("done_on", _("Ngày hoàn thành"), DATE),
            Column("follow_up", _("Kết quả khắc phục")),
        ],
        rows=[
            {
                "text": row["r"].text,
                "due_date": row["r"].due_date,
                "status": str(RECOMMENDATION_STATUS[row["status"]]),
                "done_on": row["r"].done_on,
                "follow_up": row["r"].follow_up,
            }
            for row in recs
        ],
    )


def team_members_table(team, members) -> DataTable:
    """An inspection team's members as its decision lists them (the team page's table)."""
    subtitle = str(team.movement)
    if team.decision_id:
        subtitle += " — " + _("thành lập theo quyết định %(ref)s ngày %(d)s") % {
            "ref": team.decision.reference,
            "d": team.decision.issued_on.strftime("%d/%m/%Y"),
        }
    return DataTable(
        key="members",
        title=_("Thành viên %(team)s năm %(y)s") % {"team": team.name, "y": team.year},
        subtitle=subtitle,
        columns=[
            Column("full_name", _("Họ và tên")),
            Column("role", _("Nhiệm vụ trong đoàn")),
            Column("position", _("Chức vụ")),
            Column("organisation", _("Cơ quan, đơn vị")),
            Column("account", _("Tài khoản")),
        ],
        rows=[
            {
                "full_name": m.full_name,
                "role": m.get_role_display(),
                "position": m.position,
                "organisation": m.organisation.name if m.organisation_id else "",
                "account": _("có (ghi kết quả kiểm tra)") if m.user_id else "",
            }
            for m in members
        ],
    )
