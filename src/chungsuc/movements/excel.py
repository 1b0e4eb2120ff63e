"""Excel exports of a movement's progress and of a year's consolidated reports."""

from __future__ import annotations

from openpyxl import Workbook

from chungsuc.core.excel import workbook_response, write_header_row

NUMBER_HEADERS = [
    ("articles", "Tin, bài"),
    ("columns", "Chuyên trang, chuyên mục"),
    ("broadcasts", "Phát thanh, truyền hình"),
    ("state_budget", "Ngân sách nhà nước (đồng)"),
    ("credit", "Vốn tín dụng (đồng)"),
    ("enterprises", "Doanh nghiệp (đồng)"),
    ("community", "Cộng đồng dân cư (đồng)"),
    ("land_m2", "Đất hiến (m²)"),
    ("workdays", "Ngày công"),
    ("models_replicated", "Mô hình nhân rộng"),
    ("awards_proposed", "Đề nghị khen thưởng"),
]


def progress_workbook(movement, data: dict) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tiến độ"
    write_header_row(
        ws,
        [
            ("Chỉ tiêu", 40),
            ("Mục", 10),
            ("Năm", 8),
            ("Kế hoạch", 10),
            ("Thực hiện (sổ công nhận)", 14),
            ("Chênh lệch", 10),
            ("Lũy kế kế hoạch", 12),
            ("Lũy kế thực hiện", 12),
        ],
    )
    for t in data["targets"]:
        for r in t["rows"]:
            ws.append(
                [
                    f"{t['code']} {t['name']}",
                    t["section"],
                    r["year"],
                    r["target"],
                    r["actual"],
                    r["difference"],
                    r["cumulative_target"],
                    r["cumulative_actual"],
                ]
            )
    units = wb.create_sheet("Đơn vị đạt chuẩn")
    write_header_row(
        units,
        [
            ("Chỉ tiêu", 12),
            ("Năm quyết định", 10),
            ("Đơn vị", 30),
            ("Huyện", 28),
            ("Ngày", 12),
            ("Quyết định", 30),
            ("Đã kiểm chứng", 10),
        ],
    )
    for t in data["targets"]:
        for r in t["rows"]:
            for u in r["units"]:
                units.append(
                    [
                        t["code"],
                        r["year"],
                        u["name"],
                        u["district"],
                        u["date"].strftime("%Y") if u["year_only"] else u["date"].strftime("%d/%m/%Y"),
                        u["decision"],
                        "có" if u["verified"] else "chưa",
                    ]
                )
    rep = wb.create_sheet("Số liệu tỉnh báo cáo")
    write_header_row(
        rep,
        [
            ("Tính đến", 12),
            ("Cấp", 8),
            ("Mức", 24),
            ("Cơ sở", 20),
            ("Số đơn vị", 10),
            ("Trên tổng số", 10),
            ("Sổ công nhận có", 12),
            ("Độ phủ (%)", 10),
            ("Nguồn", 60),
        ],
    )
    for r in data["reported"]:
        rep.append(
            [
                r["as_of"].strftime("%d/%m/%Y"),
                "xã" if r["level"] == "commune" else "huyện",
                r["standard_label"],
                r["basis_label"],
                r["count"],
                r["denominator"],
                r["in_register"],
                round(r["coverage"], 1) if r["coverage"] is not None else None,
                r["source"],
            ]
        )
    return wb


def progress_response(movement, data: dict):
    return workbook_response(progress_workbook(movement, data), f"tien-do-{movement.code}.xlsx")


def consolidation_workbook(movement, data: dict) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Theo đơn vị"
    write_header_row(
        ws,
        [("Đơn vị", 36), ("Loại", 20), ("Trạng thái", 14), ("Trễ hạn", 8)]
        + [(h, 14) for _k, h in NUMBER_HEADERS],
    )
    for row in data["by_participant"]:
        ws.append(
            [row["participant"], row["kind"], row["state"], "có" if row["late"] else ""]
            + [row[k] for k, _h in NUMBER_HEADERS]
        )
    ws.append(["Tổng cộng", "", "", ""] + [data["totals"][k] for k, _h in NUMBER_HEADERS])
    d = wb.create_sheet("Theo địa bàn")
    write_header_row(d, [("Địa bàn", 30), ("Số báo cáo", 10)] + [(h, 14) for _k, h in NUMBER_HEADERS])
    for row in data["by_district"]:
        d.append([row["district"], row["reports"]] + [row[k] for k, _h in NUMBER_HEADERS])
    s = wb.create_sheet("Theo nguồn lực")
    write_header_row(s, [("Nguồn", 30), ("Số tiền (đồng)", 20)])
    for row in data["by_source"]:
        s.append([row["label"], row["amount"]])
    s.append(["Tổng cộng", data["resources_total"]])
    return wb


def consolidation_response(movement, data: dict):
    return workbook_response(
        consolidation_workbook(movement, data), f"tong-hop-{movement.code}-{data['year']}.xlsx"
    )


def obligations_workbook(movement, data: dict) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Nghĩa vụ báo cáo"
    write_header_row(
        ws,
        [
            ("Đơn vị", 36),
            ("Loại đơn vị", 20),
            ("Nội dung", 22),
            ("Năm", 8),
            ("Mục kế hoạch", 10),
            ("Hạn nộp", 12),
            ("Nộp lần đầu", 12),
            ("Trạng thái hồ sơ", 14),
            ("Đúng hạn", 18),
        ],
    )
    for i in data["items"]:
        ws.append(
            [
                i["participant"],
                i["participant_kind"],
                i["kind_label"],
                i["year"],
                i["section"],
                i["due_date"].strftime("%d/%m/%Y"),
                i["first_submitted"].strftime("%d/%m/%Y") if i["first_submitted"] else "",
                i["state_label"],
                i["status_label"],
            ]
        )
    s = wb.create_sheet("Theo đơn vị")
    write_header_row(
        s,
        [
            ("Đơn vị", 36),
            ("Phải nộp", 10),
            ("Đúng hạn", 10),
            ("Trễ hạn", 10),
            ("Chưa nộp", 10),
            ("Chưa đến hạn", 12),
        ],
    )
    for p in data["by_participant"]:
        s.append([p["participant"], p["owed"], p["on_time"], p["late"], p["missing"], p["pending"]])
    return wb


def obligations_response(movement, data: dict):
    return workbook_response(obligations_workbook(movement, data), f"nghia-vu-bao-cao-{movement.code}.xlsx")
