"""The criteria sets' list as a `core.tables.DataTable`, for the downloads beside the page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chungsuc.core.tables import INT, TEXT, Column, DataTable, verified_label


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
                "legal_verified": verified_label(fw.legal_verified),
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


def _plain_sources(text: str) -> str:
    """A note or source as `note_links` shows it, as plain text: each address after its site's name."""
    from chungsuc.core.sources import source_parts
    from chungsuc.criteria.templatetags.criteria_tags import clean_note

    out = []
    for name, url in source_parts(clean_note(text)):
        if url:
            out.append(f"{name} ({url})")
        else:
            cleaned = clean_note(name)
            if cleaned:
                out.append(cleaned)
    return "; ".join(out)


def _change_text(value, change: dict) -> str:
    """A before/after value of the comparison as the page writes it, in plain text."""
    from chungsuc.criteria.templatetags.criteria_tags import change_value

    if (change.get("field") in {"note", "source"}) and isinstance(value, str) and value:
        return _plain_sources(value) or "—"
    return str(change_value(value, change))


def compare_table(code: str, a, b, changes: list[dict]) -> DataTable:
    """The changes between versions `a` and `b` of a criteria set, as the compare page lists them."""
    from chungsuc.criteria.templatetags import criteria_tags as t

    subtitle = _("Phiên bản %(a)s → phiên bản %(b)s: %(n)s thay đổi") % {
        "a": a.version,
        "b": b.version,
        "n": len(changes),
    }
    if b.change_reason:
        subtitle += " — " + _("lý do của phiên bản %(b)s: %(reason)s") % {
            "b": b.version,
            "reason": b.change_reason,
        }
    return DataTable(
        key="compare",
        title=_("So sánh phiên bản %(code)s") % {"code": code},
        subtitle=subtitle,
        columns=[
            Column("what", _("Phần"), TEXT),
            Column("code", _("Mã"), TEXT),
            Column("change", _("Thay đổi"), TEXT),
            Column("field", _("Trường"), TEXT),
            Column("before", _("Phiên bản %(v)s") % {"v": a.version}, TEXT),
            Column("after", _("Phiên bản %(v)s") % {"v": b.version}, TEXT),
        ],
        rows=[
            {
                "what": t.change_what(ch),
                "code": t.change_code(ch),
                "change": t.change_kind(ch),
                "field": t.change_field(ch),
                "before": _change_text(ch.get("before"), ch),
                "after": _change_text(ch.get("after"), ch),
            }
            for ch in changes
        ],
    )


def _requirement(i: dict) -> str:
    """An indicator result's requirement as the evaluate page writes it ("≥ 80 %", "Đạt")."""
    from chungsuc.criteria.templatetags import criteria_tags as t

    if i.get("threshold") is None:
        return _("chưa có ngưỡng")
    if i.get("value_type") == "pass_fail":
        text = _("Đạt")
    else:
        symbol = t.comparator_symbol(i.get("comparator", ""))
        text = f"{symbol} {t.value_text(i['threshold'], i['value_type'])}"
        if i.get("unit"):
            text += f" {i['unit']}"
    for x in i.get("also") or ():
        condition = f"{x['input']} {t.comparator_symbol(x['comparator'])} {t.value_text(x['threshold'])}"
        text += f" {_('và')} {condition}"
        if x.get("value") is not None:
            text += f" ({_('có')} {t.value_text(x['value'])})"
    return text


def _value(i: dict):
    """A plain number for machines and Excel; Đạt/Không đạt for a pass/fail indicator."""
    value = i.get("value")
    if value is None:
        return None
    if i.get("value_type") == "pass_fail" or isinstance(value, bool):
        from chungsuc.criteria.templatetags.criteria_tags import value_text

        return value_text(value, "pass_fail")
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def evaluation_table(fw, result: dict) -> DataTable:
    """The result of the evaluate page (`evaluation_for`'s JSON): a row per indicator under its
    criterion, with the value entered, the requirement and the result, as the page shows them."""
    from chungsuc.criteria.templatetags import criteria_tags as t

    rows = []
    for c in result["criteria"]:
        if c["met"]:
            criterion_status = _("đạt")
        elif c["missing"]:
            criterion_status = _("thiếu")
        else:
            criterion_status = _("chưa đạt")
        for i in c["indicators"]:
            rows.append(
                {
                    "criterion": c["code"],
                    "criterion_name": c["name"],
                    "criterion_result": criterion_status,
                    "indicator": i["code"],
                    "indicator_name": i["name"],
                    "value": _value(i),
                    "unit": i.get("unit") or "",
                    "requirement": _requirement(i),
                    "result": t.status_label(i),
                    "verified": verified_label(i.get("verified")),
                    "note": i.get("note") or "",
                }
            )
    ctx = result["context"]
    parts = [_("Năm %(y)s") % {"y": ctx["year"]}]
    if ctx.get("region"):
        parts.append(t.region_label(ctx["region"]))
    if ctx.get("group"):
        parts.append(_("Nhóm %(g)s") % {"g": ctx["group"]})
    if ctx.get("kind"):
        parts.append(t.unit_kind_label(ctx["kind"]))
    verdict = _("Đạt chuẩn") if result["standard_met"] else _("Chưa đạt chuẩn")
    subtitle = " · ".join(parts) + " — " + verdict
    subtitle += " — " + _("%(met)s/%(total)s tiêu chí (%(band)s)") % {
        "met": result["criteria_met"],
        "total": result["criteria_total"],
        "band": result["band_label"],
    }
    return DataTable(
        key="evaluation",
        title=_("Đánh giá thử %(name)s (phiên bản %(v)s)") % {"name": fw.name, "v": fw.version},
        subtitle=subtitle,
        note=result.get("explanation") or "",
        columns=[
            Column("criterion", _("Tiêu chí"), TEXT),
            Column("criterion_name", _("Tên tiêu chí"), TEXT),
            Column("criterion_result", _("Kết quả tiêu chí"), TEXT),
            Column("indicator", _("Chỉ tiêu"), TEXT),
            Column("indicator_name", _("Tên chỉ tiêu"), TEXT),
            Column("value", _("Giá trị"), TEXT),
            Column("unit", _("Đơn vị tính"), TEXT),
            Column("requirement", _("Yêu cầu"), TEXT),
            Column("result", _("Kết quả"), TEXT),
            Column("verified", _("Kiểm chứng ngưỡng"), TEXT),
            Column("note", _("Ghi chú"), TEXT),
        ],
        rows=rows,
    )


def worklist_table(fw, work: dict) -> DataTable:
    """The thresholds of `fw` that are missing or unverified (`selectors.threshold_worklist`), by
    region and commune group as the worklist page lists them: missing ones first in each group."""
    from chungsuc.criteria.templatetags.criteria_tags import threshold_text

    rows = []
    for g in work["groups"]:
        region = g["region_label"] if g["region"] else _("Mọi vùng")
        for missing, items in ((True, g["missing"]), (False, g["unverified"])):
            for item in items:
                ind, crit = item["indicator"], item["criterion"]
                if missing:
                    state, current = _("còn thiếu"), ""
                else:
                    state = _("chưa kiểm chứng")
                    current = threshold_text(item["rule"].as_engine_dict(), ind.value_type)
                rows.append(
                    {
                        "region": str(region),
                        "group": g["group"],
                        "criterion": f"{crit.code}. {crit.name}",
                        "indicator": ind.code,
                        "indicator_name": ind.name,
                        "state": state,
                        "threshold": current,
                        "demo": _("giá trị DEMO — không phải văn bản pháp lý") if item["demo"] else "",
                    }
                )
    return DataTable(
        key="worklist",
        title=_("Ngưỡng cần bổ sung — %(name)s") % {"name": fw.name},
        subtitle=_(
            "Phiên bản %(v)s: %(m)s ngưỡng còn thiếu, %(u)s ngưỡng chưa kiểm chứng (%(d)s giá trị DEMO)"
        )
        % {"v": fw.version, "m": work["missing"], "u": work["unverified"], "d": work["demo"]},
        columns=[
            Column("region", _("Vùng"), TEXT),
            Column("group", _("Nhóm xã"), INT),
            Column("criterion", _("Tiêu chí"), TEXT),
            Column("indicator", _("Mã chỉ tiêu"), TEXT),
            Column("indicator_name", _("Chỉ tiêu"), TEXT),
            Column("state", _("Tình trạng"), TEXT),
            Column("threshold", _("Ngưỡng hiện có"), TEXT),
            Column("demo", _("Ghi chú"), TEXT),
        ],
        rows=rows,
    )
