"""The inspection conclusion (kết luận kiểm tra, Plan 861 VI.4, VII.6) as an official document: who
inspected whom and when, the checklist's results, the recommendations with their deadlines and
follow-up, and the conclusion's number, date and signer when it has been recorded as a legal act.
The movements app's `inspection_data` gives the figures (plain data); this module only writes."""

from __future__ import annotations

import datetime as dt

from chungsuc.reports import officialdoc as od
from chungsuc.reports.documents import DEMO_NOTICE, Options, Progress, _apply, _noop, _running

RESULT_ORDER = ("met", "partly", "not_met")
STATUS_TEXT = {"done": "Đã hoàn thành", "open": "Đang thực hiện", "overdue": "Quá hạn"}


def _upper_body(name: str) -> str:
    return (name or "").strip().upper()


def inspection_conclusion(
    data: dict, opts: Options, *, today: dt.date, progress: Progress = _noop
) -> od.OfficialDocument:
    progress(20, "Đọc kết quả kiểm tra")
    unit = data["unit"]
    where = _running(unit) + (f" ({data['unit_parent']})" if data["unit_parent"] else "")
    when = data["inspected_on"] or data["planned_on"]
    basis = f"Căn cứ {data['movement']}"
    if data["movement_act"]:
        basis += f" ({data['movement_act']}"
        if data["movement_act_date"]:
            basis += f" ngày {od.fmt_date(data['movement_act_date'])}"
        basis += ")"
    team = data["team"]
    decision = data.get("team_decision")
    if decision:
        issued = od.fmt_date(decision["issued_on"])
        team += f" (thành lập theo Quyết định số {decision['reference']} ngày {issued})"
    if data["leader"]:
        team += f" do {data['leader']} làm trưởng đoàn"
    members = f", thành viên gồm {', '.join(data['members'])}" if data["members"] else ""
    blocks: list = [
        od.Para(
            f"{basis}; căn cứ kế hoạch kiểm tra năm {data['year']}, "
            f"{team}{members} đã kiểm tra việc thực hiện phong trào tại {where}"
            + (f" ngày {od.fmt_date(when)}." if when else ".")
        ),
        od.Para("Qua kiểm tra, kết luận như sau:"),
        od.Para("I. KẾT QUẢ KIỂM TRA", "heading"),
    ]
    items = data["items"]
    checked = [i for i in items if i["result"]]
    counts = {r: sum(1 for i in checked if i["result"] == r) for r in RESULT_ORDER}
    rows = [
        [str(n), i["text"], i["section"] or "—", i["result_label"] or "Chưa kiểm tra", i["note"] or ""]
        for n, i in enumerate(items, start=1)
    ]
    blocks.append(
        od.Table(
            headers=["TT", "Nội dung kiểm tra", "Mục kế hoạch", "Kết quả", "Ghi nhận"],
            rows=rows,
            widths=[0.6, 5, 1.4, 1.8, 4],
            total=["", "Tổng số nội dung đã kiểm tra", "", f"{len(checked)}/{len(items)}", ""],
        )
    )
    blocks.append(
        od.Para(
            f"Trong {len(checked)} nội dung đã kiểm tra: {counts['met']} nội dung đạt, "
            f"{counts['partly']} nội dung đạt một phần, {counts['not_met']} nội dung không đạt."
        )
    )
    progress(40, "Soạn kiến nghị")
    blocks.append(od.Para("II. KIẾN NGHỊ VÀ KẾT QUẢ KHẮC PHỤC", "heading"))
    recs = data["recommendations"]
    if recs:
        blocks.append(
            od.Table(
                headers=["TT", "Kiến nghị", "Hạn khắc phục", "Kết quả khắc phục", "Tình trạng"],
                rows=[
                    [
                        str(n),
                        r["text"],
                        od.fmt_date(r["due_date"]),
                        (r["follow_up"] + (f" (ngày {od.fmt_date(r['done_on'])})" if r["done_on"] else ""))
                        or "—",
                        STATUS_TEXT.get(r["status"], ""),
                    ]
                    for n, r in enumerate(recs, start=1)
                ],
                widths=[0.6, 4.6, 1.8, 3.8, 1.8],
            )
        )
        overdue = sum(1 for r in recs if r["status"] == "overdue")
        done = sum(1 for r in recs if r["status"] == "done")
        blocks.append(
            od.Para(
                f"Có {len(recs)} kiến nghị: {done} đã hoàn thành, {len(recs) - done - overdue} đang thực hiện"
                + (f", {overdue} quá hạn chưa khắc phục." if overdue else ".")
            )
        )
    else:
        blocks.append(od.Para("Đoàn kiểm tra không có kiến nghị."))
    blocks.append(od.Para("III. TỔ CHỨC THỰC HIỆN", "heading"))
    blocks.append(
        od.Para(
            f"Đề nghị {where} thực hiện các kiến nghị nêu trên đúng hạn và báo cáo kết quả khắc phục "
            f"về Sở Nội vụ (Ban Thi đua – Khen thưởng) để theo dõi, tổng hợp."
        )
    )
    conclusion = data["conclusion"] or {}
    body = conclusion.get("issuing_body") or data["issuing_body"]
    doc = od.OfficialDocument(
        parent_body="UBND TỈNH AN GIANG" if "SỞ" in _upper_body(body) else "",
        issuing_body=_upper_body(body) or "SỞ NỘI VỤ",
        doc_type="Kết luận",
        summary=f"Kiểm tra việc thực hiện phong trào thi đua năm {data['year']}\ntại {where}",
        date=conclusion.get("issued_on") or today,
        place="An Giang",
        symbol=conclusion.get("symbol")
        or ("KL-UBND" if _upper_body(body).startswith("ỦY BAN NHÂN DÂN") else "KL-SNV"),
        number=conclusion.get("number") or "",
        blocks=blocks,
        recipients=[unit, "Sở Nội vụ (Ban Thi đua – Khen thưởng)", "Thành viên đoàn kiểm tra"],
        authority="",
        signer_title=_upper_body(conclusion.get("signer_title", "")) or "TRƯỞNG ĐOÀN KIỂM TRA",
        signer_name=conclusion.get("signer_name") or data["leader"],
        demo_notice=DEMO_NOTICE if data["is_demo"] else "",
    )
    progress(60, "Đã soạn nội dung")
    return _apply(doc, opts)
