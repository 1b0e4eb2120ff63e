"""The movement's annual report to the provincial people's committee, and the final review of the
period (sơ kết / tổng kết), drafted from the data: targets against the register, participants'
reporting, resources mobilised, communication, models, awards proposed, and the shortcomings the
data shows. The movements app's selectors give the figures (plain dicts); this module only writes."""

from __future__ import annotations

import datetime as dt

from chungsuc.reports import officialdoc as od
from chungsuc.reports.documents import Options, Progress, _apply, _noop

NUMBER_LABELS = [
    ("articles", "Tin, bài tuyên truyền", "tin, bài"),
    ("columns", "Chuyên trang, chuyên mục", "chuyên mục"),
    ("broadcasts", "Phóng sự, chương trình phát thanh – truyền hình", "chương trình"),
    ("land_m2", "Đất hiến", "m²"),
    ("workdays", "Ngày công đóng góp", "ngày công"),
    ("models_replicated", "Mô hình, điển hình được nhân rộng", "mô hình"),
    ("awards_proposed", "Tập thể, cá nhân được đề nghị khen thưởng", "đề nghị"),
]


def _money(v) -> str:
    return od.fmt_number(v or 0) + " đồng"


def _summary(name: str, period: str, final: bool, midterm: bool = False) -> str:
    """ "Tổng kết phong trào thi đua “…” 2021–2025" (the period once, even when the name holds it)."""
    lowered = name[:1].lower() + name[1:] if name.lower().startswith("phong trào") else f"phong trào {name}"
    head = f"{'Tổng kết' if final else 'Sơ kết' if midterm else 'Kết quả thực hiện'} {lowered}"
    if final and period in name:
        return head
    return f"{head}\n{'giai đoạn' if final or midterm else 'năm'} {period}"


def _target_charts(progress: dict, years: list[int]) -> list:
    """For a review of several years: one chart per target with yearly counts, the plan's count
    beside the register's, by year (a year not reached yet has no bar of achievement)."""
    from chungsuc.reports.charts import Figure, Series

    out = []
    for t in progress.get("targets", []):
        chosen = [r for r in t["rows"] if r["year"] in years]
        if not any(r["target"] for r in chosen):
            continue
        unit = "huyện" if t.get("level") == "district" else "xã"
        what = f"{t['code']} – {t['name']}" if t.get("code") else t["name"]
        figure = Figure(
            caption=f"Biểu đồ {len(out) + 1}. Chỉ tiêu {what}: kế hoạch và thực hiện theo năm",
            categories=[str(r["year"]) for r in chosen],
            series=[
                Series("Kế hoạch", [r["target"] or 0 for r in chosen]),
                Series("Thực hiện", [None if r.get("future") else (r["actual"] or 0) for r in chosen]),
            ],
            unit=unit,
        )
        out.append(od.Chart(figure))
    return out


def annual_report(
    movement,
    progress: dict,
    reports: list[dict],
    opts: Options,
    *,
    years: list[int],
    today: dt.date,
    final: bool = False,
    midterm: bool = False,
    progress_cb: Progress = _noop,
) -> od.OfficialDocument:
    """`progress`: movements.selectors.progress_data; `reports`: one consolidation per year in `years`."""
    name = getattr(movement, "short_name", "") or str(movement)
    period = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    progress_cb(20, "Tổng hợp chỉ tiêu kế hoạch")
    blocks: list = []
    act = ""
    if getattr(movement, "act_number", ""):
        act = f"Kế hoạch số {movement.act_number}/{movement.act_symbol}"
        if movement.act_date:
            act += f" ngày {movement.act_date:%d/%m/%Y}"
        act += f" của {movement.issuing_body}"
    what = "tổng kết" if final else "sơ kết" if midterm else "kết quả thực hiện"
    intro = (f"Thực hiện {act or name}, " if act else f"Thực hiện {name}, ") + (
        f"Sở Nội vụ báo cáo {what} phong trào {'giai đoạn' if final or midterm else 'năm'} {period} như sau:"
    )
    blocks.append(od.Para(intro))
    blocks.append(od.Para("I. KẾT QUẢ THỰC HIỆN", "heading"))
    blocks.append(od.Para("1. Kết quả thực hiện các chỉ tiêu của kế hoạch", "heading"))
    rows, shortfalls = [], []
    for t in progress.get("targets", []):
        chosen = [r for r in t["rows"] if r["year"] in years]
        if not chosen:
            continue
        target = sum(r["target"] or 0 for r in chosen)
        actual = sum(r["actual"] or 0 for r in chosen)
        last = chosen[-1]
        met = actual >= target
        rows.append(
            [
                t["name"],
                str(target),
                str(actual),
                str(last["cumulative_target"]),
                str(last["cumulative_actual"]),
                "Đạt" if met else "Chưa đạt",
            ]
        )
        if not met:
            shortfalls.append(f"{t['name']}: đạt {actual}/{target} theo kế hoạch")
    if rows:
        blocks.append(
            od.Table(
                headers=[
                    "Chỉ tiêu",
                    f"Kế hoạch {period}",
                    f"Thực hiện {period}",
                    "Lũy kế kế hoạch",
                    "Lũy kế thực hiện",
                    "Đánh giá",
                ],
                rows=rows,
                widths=[5, 1.6, 1.6, 1.6, 1.6, 1.4],
                numeric={1, 2, 3, 4},
            )
        )
        blocks.append(
            od.Para(
                "Số thực hiện tính theo quyết định công nhận trong sổ công nhận, theo năm ký quyết định; "
                "mỗi đơn vị được tính một lần cho mỗi chỉ tiêu.",
                "note",
            )
        )
        if len(years) > 1:
            blocks.extend(_target_charts(progress, years))
    else:
        blocks.append(od.Para("Kế hoạch chưa có chỉ tiêu theo năm trong hệ thống."))
    progress_cb(40, "Tổng hợp báo cáo của các đơn vị tham gia")
    owed = sum(r["owed"] for r in reports)
    included = sum(r["included"] for r in reports)
    late = sum(1 for r in reports for p in r["by_participant"] if p.get("late"))
    blocks.append(od.Para("2. Tình hình báo cáo của các cơ quan, đơn vị tham gia", "heading"))
    blocks.append(
        od.Para(
            f"Có {included}/{owed} báo cáo đã nộp và được tổng hợp ({od.fmt_percent(included, owed)}); "
            f"{late} báo cáo nộp trễ hạn."
        )
    )
    blocks.append(od.Para("3. Kết quả huy động nguồn lực", "heading"))
    by_source: dict[str, tuple[str, int]] = {}
    for r in reports:
        for s in r["by_source"]:
            label, amount = by_source.get(s["source"], (s["label"], 0))
            by_source[s["source"]] = (label, amount + (s["amount"] or 0))
    total_money = sum(a for _l, a in by_source.values())
    blocks.append(
        od.Table(
            headers=["Nguồn", "Số tiền (đồng)", "Tỷ lệ"],
            rows=[
                [label, od.fmt_number(amount), od.fmt_percent(amount, total_money)]
                for label, amount in by_source.values()
            ],
            widths=[5, 3, 1.5],
            total=["Tổng cộng", od.fmt_number(total_money), "100%" if total_money else "—"],
            numeric={1, 2},
        )
    )
    totals: dict[str, int] = {}
    for r in reports:
        for k, v in r["totals"].items():
            totals[k] = totals.get(k, 0) + (v or 0)
    blocks.append(od.Para("4. Tuyên truyền, nhân rộng mô hình và khen thưởng", "heading"))
    blocks.append(
        od.Table(
            headers=["Nội dung", "Kết quả", "Đơn vị tính"],
            rows=[[label, od.fmt_number(totals.get(key, 0)), unit] for key, label, unit in NUMBER_LABELS],
            widths=[6, 2, 2],
            numeric={1},
        )
    )
    progress_cb(55, "Nêu tồn tại, hạn chế")
    blocks.append(od.Para("II. TỒN TẠI, HẠN CHẾ", "heading"))
    issues = list(shortfalls)
    missing = owed - included
    if missing > 0:
        issues.append(
            f"Còn {missing} báo cáo của các cơ quan, đơn vị tham gia chưa nộp hoặc chưa được tổng hợp"
        )
    if late:
        issues.append(f"{late} báo cáo nộp trễ hạn")
    if not issues:
        issues.append("Số liệu trên hệ thống chưa cho thấy tồn tại nào về chỉ tiêu và chế độ báo cáo")
    for i in issues:
        blocks.append(od.Para(f"- {i}."))
    blocks.append(od.Para("III. PHƯƠNG HƯỚNG, NHIỆM VỤ", "heading"))
    blocks.append(od.Para("(Cơ quan soạn thảo bổ sung phần này trước khi trình ký.)", "note"))
    doc = od.OfficialDocument(
        parent_body="UBND TỈNH AN GIANG",
        issuing_body="SỞ NỘI VỤ",
        doc_type="Báo cáo",
        summary=_summary(name, period, final, midterm),
        date=today,
        place="An Giang",
        symbol="BC-SNV",
        blocks=blocks,
        recipients=[
            "UBND tỉnh (để báo cáo)",
            "Hội đồng Thi đua – Khen thưởng tỉnh",
            "Văn phòng Điều phối nông thôn mới tỉnh",
        ],
        authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        demo_notice="Văn bản này có số liệu DEMO, không dùng để ký ban hành."
        if getattr(movement, "is_demo", False)
        else "",
    )
    progress_cb(60, "Đã soạn nội dung")
    return _apply(doc, opts)
