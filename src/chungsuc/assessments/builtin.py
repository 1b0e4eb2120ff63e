"""Built-in data of the assessments app (idempotent; `chungsuc load_builtin` calls `load`).

1. The recognition workflows as data: three tiers (commune → district → province) for dossiers of
   years up to 2024 (assessed before the district level ended on 30/6/2025), two tiers (commune →
   province) after; chosen per framework level and year by `WorkflowRule` rows.
2. The conditions of recognition besides the criteria (QĐ 318/QĐ-TTg, with their sources).
3. The recognition register from the sourced facts in `data/geo/an_giang_units.yaml`
   (`communes[].ntm_facts`: recognitions 2016–2022; pilot lists "Xã điểm …" and "Xã bổ sung …" are
   plans, not recognitions, and are skipped) and the district-level recognitions in
   `data/movements/an_giang_ntm_timeseries.yaml`. Every record keeps its source URL; what is not
   certain (only the year known, a range of decision numbers, sources disagreeing on the year) is
   written in `uncertainty`, and records whose year the sources disagree on are loaded unverified.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from chungsuc.assessments.models import RecognitionCondition, RecognitionRecord, Standard, WorkflowRule

C, D, P, A = "commune_officer", "district_officer", "programme_office", "province_admin"

_COMMON_STATES = [
    {"code": "draft", "name": gettext_noop("Đang tự đánh giá"), "order": 10, "is_initial": True},
    {"code": "returned", "name": gettext_noop("Bị trả lại để bổ sung"), "order": 15},
    {"code": "province_review", "name": gettext_noop("Tỉnh đang thẩm định"), "order": 40, "locks_data": True},
    {
        "code": "province_approved",
        "name": gettext_noop("Tỉnh đã thẩm định đạt"),
        "order": 50,
        "locks_data": True,
    },
    {
        "code": "consultation",
        "name": gettext_noop("Đang lấy ý kiến nhân dân"),
        "order": 60,
        "locks_data": True,
    },
    {
        "code": "consultation_closed",
        "name": gettext_noop("Đã kết thúc lấy ý kiến"),
        "order": 70,
        "locks_data": True,
    },
    {"code": "recognised", "name": gettext_noop("Đã công nhận"), "order": 80, "locks_data": True},
    {
        "code": "not_recognised",
        "name": gettext_noop("Không công nhận"),
        "order": 85,
        "is_final": True,
        "locks_data": True,
    },
    {
        "code": "revoked",
        "name": gettext_noop("Đã thu hồi công nhận"),
        "order": 90,
        "is_final": True,
        "locks_data": True,
    },
]

_PROVINCE_TRANSITIONS = [
    {
        "code": "return",
        "name": gettext_noop("Trả lại (nêu lý do)"),
        "source": "province_review",
        "target": "returned",
        "roles": [P],
        "requires_reason": True,
        "order": 31,
    },
    {
        "code": "approve",
        "name": gettext_noop("Thẩm định đạt"),
        "source": "province_review",
        "target": "province_approved",
        "roles": [P],
        "order": 40,
    },
    {
        "code": "reopen",
        "name": gettext_noop("Mở lại để sửa (nêu lý do)"),
        "source": "province_approved",
        "target": "returned",
        "roles": [P],
        "requires_reason": True,
        "is_reopen": True,
        "order": 45,
    },
    {
        "code": "open_consultation",
        "name": gettext_noop("Công khai lấy ý kiến nhân dân"),
        "source": "province_approved",
        "target": "consultation",
        "roles": [P, A],
        "order": 50,
    },
    {
        "code": "close_consultation",
        "name": gettext_noop("Kết thúc lấy ý kiến"),
        "source": "consultation",
        "target": "consultation_closed",
        "roles": [P, A],
        "order": 60,
    },
    {
        "code": "recognise",
        "name": gettext_noop("Ghi nhận quyết định công nhận"),
        "source": "consultation_closed",
        "target": "recognised",
        "roles": [P, A],
        "order": 70,
    },
    {
        "code": "refuse",
        "name": gettext_noop("Ghi nhận quyết định không công nhận"),
        "source": "consultation_closed",
        "target": "not_recognised",
        "roles": [P, A],
        "requires_reason": True,
        "order": 75,
    },
    {
        "code": "reopen",
        "name": gettext_noop("Mở lại để sửa (nêu lý do)"),
        "source": "consultation_closed",
        "target": "returned",
        "roles": [P],
        "requires_reason": True,
        "is_reopen": True,
        "order": 76,
    },
    {
        "code": "revoke",
        "name": gettext_noop("Ghi nhận quyết định thu hồi"),
        "source": "recognised",
        "target": "revoked",
        "roles": [P, A],
        "requires_reason": True,
        "order": 90,
    },
]

WORKFLOWS = [
    {
        "code": "ntm-recognition-3-tier",
        "name": gettext_noop("Xét, công nhận đạt chuẩn NTM — 3 cấp (xã → huyện → tỉnh)"),
        "description": "Xã tự đánh giá, huyện thẩm tra, tỉnh thẩm định, lấy ý kiến nhân dân, Chủ tịch UBND "
        "tỉnh quyết định. Áp dụng đến 30/6/2025 (hồ sơ các năm đến 2024).",
        "states": [
            *_COMMON_STATES[:2],
            {
                "code": "district_review",
                "name": gettext_noop("Huyện đang thẩm tra"),
                "order": 20,
                "locks_data": True,
            },
            {
                "code": "district_approved",
                "name": gettext_noop("Huyện đã thẩm tra đạt"),
                "order": 30,
                "locks_data": True,
            },
            *_COMMON_STATES[2:],
        ],
        "transitions": [
            {
                "code": "submit",
                "name": gettext_noop("Gửi huyện thẩm tra"),
                "source": "draft",
                "target": "district_review",
                "roles": [C],
                "order": 10,
            },
            {
                "code": "submit",
                "name": gettext_noop("Gửi lại huyện"),
                "source": "returned",
                "target": "district_review",
                "roles": [C],
                "order": 11,
            },
            {
                "code": "return",
                "name": gettext_noop("Trả lại (nêu lý do)"),
                "source": "district_review",
                "target": "returned",
                "roles": [D],
                "requires_reason": True,
                "order": 20,
            },
            {
                "code": "approve",
                "name": gettext_noop("Thẩm tra đạt"),
                "source": "district_review",
                "target": "district_approved",
                "roles": [D],
                "order": 21,
            },
            {
                "code": "reopen",
                "name": gettext_noop("Mở lại để sửa (nêu lý do)"),
                "source": "district_approved",
                "target": "returned",
                "roles": [D, P],
                "requires_reason": True,
                "is_reopen": True,
                "order": 25,
            },
            {
                "code": "submit",
                "name": gettext_noop("Trình tỉnh thẩm định"),
                "source": "district_approved",
                "target": "province_review",
                "roles": [D],
                "order": 30,
            },
            *_PROVINCE_TRANSITIONS,
        ],
    },
    {
        "code": "ntm-recognition-2-tier",
        "name": gettext_noop("Xét, công nhận đạt chuẩn NTM — 2 cấp (xã → tỉnh)"),
        "description": "Chính quyền địa phương hai cấp từ 01/7/2025: xã tự đánh giá, tỉnh thẩm định, lấy ý "
        "kiến nhân dân, Chủ tịch UBND tỉnh quyết định.",
        "states": _COMMON_STATES,
        "transitions": [
            {
                "code": "submit",
                "name": gettext_noop("Gửi tỉnh thẩm định"),
                "source": "draft",
                "target": "province_review",
                "roles": [C],
                "order": 10,
            },
            {
                "code": "submit",
                "name": gettext_noop("Gửi lại tỉnh"),
                "source": "returned",
                "target": "province_review",
                "roles": [C],
                "order": 11,
            },
            *_PROVINCE_TRANSITIONS,
        ],
    },
]


def _district_transitions() -> list[dict]:
    """The province's steps for a district dossier; the decision is the Prime Minister's."""
    names = {
        "approve": gettext_noop("Thẩm định đạt, trình Trung ương"),
        "recognise": "Ghi nhận quyết định công nhận của Thủ tướng Chính phủ",
        "refuse": gettext_noop("Ghi nhận quyết định không công nhận"),
    }
    return [{**t, "name": names.get(t["code"], t["name"])} for t in _PROVINCE_TRANSITIONS]


WORKFLOWS.append(
    {
        "code": "ntm-district-recognition",
        "name": "Xét, công nhận huyện đạt chuẩn NTM / thị xã, thành phố hoàn thành nhiệm vụ (huyện → tỉnh → "
        "Thủ tướng Chính phủ)",
        "description": "UBND huyện tự đánh giá (tỷ lệ xã đạt chuẩn tính từ sổ công nhận), Sở NN&PTNT "
        "thẩm định, lấy ý kiến nhân dân, Thủ tướng Chính phủ quyết định công nhận. "
        "Chỉ đến 30/6/2025 (hồ sơ các năm đến 2025), khi còn cấp huyện.",
        "states": [
            *_COMMON_STATES[:3],
            {
                "code": "province_approved",
                "name": gettext_noop("Tỉnh đã thẩm định đạt, trình Trung ương"),
                "order": 50,
                "locks_data": True,
            },
            *_COMMON_STATES[4:],
        ],
        "transitions": [
            {
                "code": "submit",
                "name": gettext_noop("Trình tỉnh thẩm định"),
                "source": "draft",
                "target": "province_review",
                "roles": [D],
                "order": 10,
            },
            {
                "code": "submit",
                "name": gettext_noop("Trình lại tỉnh"),
                "source": "returned",
                "target": "province_review",
                "roles": [D],
                "order": 11,
            },
            *_district_transitions(),
        ],
    }
)


# A province's dossier (QĐ 321/QĐ-TTg): the province prepares and submits it to the central government,
# which appraises it; the Prime Minister decides. The central appraisal happens outside this system, so
# the province records its outcome (returned with the central agencies' reasons, or appraised) and then
# the decision. The state codes are the common ones, named for this path.
_PROVINCE_LEVEL_NAMES = {
    "province_review": gettext_noop("Trung ương đang thẩm định"),
    "province_approved": "Trung ương đã thẩm định đạt, trình Thủ tướng Chính phủ",
}
WORKFLOWS.append(
    {
        "code": "ntm-province-recognition",
        "name": "Xét, công nhận tỉnh hoàn thành nhiệm vụ xây dựng NTM "
        "(tỉnh → Trung ương → Thủ tướng Chính phủ)",
        "description": "UBND tỉnh (Văn phòng Điều phối NTM) tự đánh giá và trình Trung ương; kết quả thẩm "
        "định của Trung ương và quyết định của Thủ tướng Chính phủ được ghi nhận trên hệ thống.",
        "states": [
            {**st, "name": _PROVINCE_LEVEL_NAMES.get(st["code"], st["name"])}
            for st in _COMMON_STATES
            if st["code"] not in {"consultation", "consultation_closed"}
        ],
        "transitions": [
            {
                "code": "submit",
                "name": gettext_noop("Trình Trung ương thẩm định"),
                "source": "draft",
                "target": "province_review",
                "roles": [P, A],
                "order": 10,
            },
            {
                "code": "submit",
                "name": gettext_noop("Trình lại Trung ương"),
                "source": "returned",
                "target": "province_review",
                "roles": [P, A],
                "order": 11,
            },
            {
                "code": "return",
                "name": gettext_noop("Ghi nhận ý kiến trả lại của Trung ương (nêu lý do)"),
                "source": "province_review",
                "target": "returned",
                "roles": [P, A],
                "requires_reason": True,
                "order": 20,
            },
            {
                "code": "approve",
                "name": gettext_noop("Ghi nhận Trung ương thẩm định đạt"),
                "source": "province_review",
                "target": "province_approved",
                "roles": [P, A],
                "order": 21,
            },
            {
                "code": "recognise",
                "name": gettext_noop("Ghi nhận quyết định công nhận của Thủ tướng Chính phủ"),
                "source": "province_approved",
                "target": "recognised",
                "roles": [P, A],
                "order": 70,
            },
            {
                "code": "refuse",
                "name": gettext_noop("Ghi nhận quyết định không công nhận"),
                "source": "province_approved",
                "target": "not_recognised",
                "roles": [P, A],
                "requires_reason": True,
                "order": 75,
            },
            {
                "code": "revoke",
                "name": gettext_noop("Ghi nhận quyết định thu hồi"),
                "source": "recognised",
                "target": "revoked",
                "roles": [P, A],
                "requires_reason": True,
                "order": 90,
            },
        ],
    }
)

RULES = [
    {
        "workflow_code": "ntm-recognition-3-tier",
        "level": "",
        "year_from": None,
        "year_to": 2024,
        "note": "Hồ sơ các năm đến 2024, xét trước 30/6/2025 khi còn cấp huyện.",
    },
    {
        "workflow_code": "ntm-recognition-2-tier",
        "level": "",
        "year_from": 2025,
        "year_to": None,
        "note": "Từ 01/7/2025 không còn cấp huyện (NQ 202/2025/QH15).",
    },
    {
        "workflow_code": "ntm-district-recognition",
        "level": "district",
        "year_from": None,
        "year_to": 2025,
        "note": "Hồ sơ cấp huyện (QĐ 320/QĐ-TTg): huyện → tỉnh → Thủ tướng Chính phủ; "
        "không còn sau 30/6/2025.",
    },
    {
        "workflow_code": "ntm-province-recognition",
        "level": "province",
        "year_from": None,
        "year_to": None,
        "note": "Hồ sơ cấp tỉnh (QĐ 321/QĐ-TTg): tỉnh → Trung ương thẩm định → Thủ tướng Chính phủ.",
    },
]

_QD318_CONDITIONS_SOURCE = (
    "https://langngheviet.com.vn/nong-thon-moi/nhung-dieu-kien-de-cong-nhan-dia-phuong-dat-chuan-nong-thon-moi-"
    "giai-doan-2021-2025.html33991 (điều kiện công nhận theo QĐ 318/QĐ-TTg và quy định xét, công nhận 2022)"
)
# The QĐ 318 conditions besides the criteria apply to communes' and districts' dossiers; a province's
# dossier (QĐ 321) is decided on its criteria and the central appraisal, recorded in its workflow.
CONDITIONS = [
    {
        "code": "criteria",
        "name": gettext_noop("Đáp ứng đầy đủ mức đạt chuẩn của bộ tiêu chí"),
        "kind": "criteria",
        "levels": "",
        "threshold": None,
        "verified": True,
        "order": 10,
    },
    {
        "code": "satisfaction",
        "levels": "commune,district",
        "name": gettext_noop("Tỷ lệ hài lòng của người dân đáp ứng yêu cầu"),
        "kind": "satisfaction",
        # The required rate is not in the stored sources; 90 % is a placeholder an administrator sets.
        "threshold": 90.0,
        "verified": False,
        "order": 20,
    },
    {
        "code": "no_construction_debt",
        "levels": "commune,district",
        "name": gettext_noop("Không có nợ đọng xây dựng cơ bản thuộc CT MTQG XD NTM"),
        "kind": "attestation",
        "threshold": None,
        "verified": True,
        "order": 30,
    },
    {
        "code": "security_order",
        "levels": "commune,district",
        "name": gettext_noop("Xã không phức tạp về an ninh, trật tự theo quy định của Bộ Công an"),
        "kind": "attestation",
        "threshold": None,
        "verified": True,
        "order": 40,
    },
]

_YEAR = re.compile(r"năm (\d{4})")


def parse_fact(fact: str) -> dict | None:
    """A register entry from a sourced fact's text, or None when the fact is not a recognition."""
    text = fact.strip()
    if not (text.startswith("Công nhận") or text.startswith("Đạt chuẩn")):
        return None  # "Xã điểm …", "Xã bổ sung …", "Trong QĐ 785 …": pilots and plans, not recognitions
    standard = (
        Standard.ADVANCED if "nâng cao" in text else Standard.MODEL if "kiểu mẫu" in text else Standard.NTM
    )
    out = {
        "standard": standard,
        "fact": text,
        "verified": True,
        "since_precision": "year",
        "decision_text": "",
    }
    uncertainty = []
    if "11 tháng đầu năm 2021" in text:
        out["year"] = 2021
        out["since"] = dt.date(2021, 11, 30)
        uncertainty.append("Nguồn chỉ nói «trong 11 tháng đầu năm 2021»; ngày là mốc muộn nhất.")
    elif "QĐ 395–399" in text:
        out["year"] = 2020
        out["since"] = dt.date(2021, 3, 14)
        out["decision_text"] = "Một trong các QĐ 395–399/QĐ-UBND (ký năm 2021)"
        out["verified"] = False
        uncertainty.append(
            "Công nhận «năm 2020» nhưng ký năm 2021 (tin 14/03/2021); "
            "báo Dân Việt tính vào 11 tháng năm 2021. "
            "Số quyết định cụ thể của xã trong dãy 395–399 chưa xác định."
        )
    elif "QĐ 2931–2936" in text:
        out["year"] = 2018
        out["since"] = dt.date(2018, 11, 20)
        out["since_precision"] = "day"
        out["decision_text"] = "Một trong các QĐ 2931–2936/QĐ-UBND ngày 20/11/2018"
        uncertainty.append("Số quyết định cụ thể của xã trong dãy 2931–2936 chưa xác định.")
    else:
        match = re.search(r"(\d{4})", text)
        if not match:
            return None
        out["year"] = int(match.group(1))
        out["since"] = dt.date(out["year"], 12, 31)
        uncertainty.append("Chỉ biết năm công nhận; số và ngày quyết định chưa xác minh (ngày ghi là 31/12).")
        if "lễ công bố" in text:
            uncertainty.append("Nguồn nêu ngày lễ công bố, không nêu ngày ký quyết định.")
    out["uncertainty"] = " ".join(uncertainty)
    return out


DISTRICT_RECOGNITIONS = [
    # (code, standard, year, since, precision, decision_text, verified, uncertainty)
    (
        "884",
        Standard.TASK_COMPLETED,
        2017,
        dt.date(2018, 11, 14),
        "day",
        "QĐ 1552/QĐ-TTg ngày 14/11/2018",
        True,
        "",
    ),
    (
        "883",
        Standard.TASK_COMPLETED,
        2018,
        dt.date(2018, 12, 31),
        "year",
        "",
        True,
        "Số và ngày quyết định chưa xác minh.",
    ),
    (
        "894",
        Standard.NTM,
        2018,
        dt.date(2018, 12, 31),
        "year",
        "",
        True,
        "Số và ngày quyết định chưa xác minh.",
    ),
    ("894", Standard.ADVANCED, 2023, dt.date(2024, 8, 1), "day", "QĐ 750/QĐ-TTg ngày 01/8/2024", True, ""),
]
DISTRICT_SOURCE = (
    "data/movements/an_giang_ntm_timeseries.yaml (district_level_recognitions); "
    "https://danviet.vn/print-2024080210004844.htm"
)


def _unit(code: str, on: dt.date):
    from chungsuc.geo.selectors import unit_by_code

    for day in (on, dt.date(2021, 2, 3), dt.date(2025, 6, 30)):
        unit = unit_by_code(code, day)
        if unit is not None:
            return unit
    return None


def register_entries(path: Path | None = None) -> list[dict]:
    """The register entries from the units file (plain data, for the loader and the tests)."""
    path = path or Path(settings.DATA_DIR) / "geo" / "an_giang_units.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = []
    for commune in data.get("communes", []):
        for fact in commune.get("ntm_facts") or []:
            parsed = parse_fact(fact.get("fact", ""))
            if parsed is None:
                continue
            parsed.update(code=str(commune["code"]), name=commune["name"], source=fact.get("source", ""))
            entries.append(parsed)
    return entries


def _load_workflows() -> None:
    from chungsuc.core.workflow import workflow_define

    for wf in WORKFLOWS:
        workflow_define(actor=None, **wf)
    for rule in RULES:
        WorkflowRule.objects.update_or_create(
            workflow_code=rule["workflow_code"],
            level=rule["level"],
            defaults={k: v for k, v in rule.items() if k not in {"workflow_code", "level"}},
        )


def _load_conditions() -> None:
    for cond in CONDITIONS:
        RecognitionCondition.objects.update_or_create(
            code=cond["code"],
            framework_code="",
            defaults={**{k: v for k, v in cond.items() if k != "code"}, "source": _QD318_CONDITIONS_SOURCE},
        )


def _load_register(stdout=None) -> int:
    count = 0
    for entry in register_entries():
        unit = _unit(entry["code"], entry["since"])
        if unit is None:
            raise ValueError(f"Sổ công nhận: không tìm thấy đơn vị mã {entry['code']} ({entry['name']}).")
        RecognitionRecord.objects.update_or_create(
            unit=unit,
            standard=entry["standard"],
            year=entry["year"],
            defaults={
                "since": entry["since"],
                "since_precision": entry["since_precision"],
                "decision_text": entry["decision_text"],
                "fact": entry["fact"],
                "source": entry["source"],
                "verified": entry["verified"],
                "uncertainty": entry["uncertainty"],
                "origin": RecognitionRecord.Origin.BUILTIN,
            },
        )
        count += 1
    for code, standard, year, since, precision, decision_text, verified, uncertainty in DISTRICT_RECOGNITIONS:
        unit = _unit(code, since)
        if unit is None:
            continue
        RecognitionRecord.objects.update_or_create(
            unit=unit,
            standard=standard,
            year=year,
            defaults={
                "since": since,
                "since_precision": precision,
                "decision_text": decision_text,
                "fact": f"{Standard(standard).label} năm {year}",
                "source": DISTRICT_SOURCE,
                "verified": verified,
                "uncertainty": uncertainty,
                "origin": RecognitionRecord.Origin.BUILTIN,
            },
        )
        count += 1
    return count


def load(*, stdout=None) -> None:
    with transaction.atomic():
        _load_workflows()
        _load_conditions()
        count = _load_register(stdout)
    if stdout is not None:
        stdout.write(
            f"assessments: {len(WORKFLOWS)} quy trình công nhận, {len(CONDITIONS)} điều kiện, "
            f"{count} bản ghi sổ công nhận."
        )
