"""Built-in frameworks, loaded idempotently from the project's data/criteria/ folder.

`frameworks.yaml` lists the frameworks and their stable codes; QĐ 318's two annexes are compiled from
the research files (criteria_xa_ntm_2021_2025.yaml, criteria_xa_ntm_nang_cao_2021_2025.yaml) with the
sourced thresholds of qd318_sourced_thresholds.yaml overriding the unverified values, and QĐ 51/2025's
unknown indicators are generated as clearly marked placeholders. Every framework becomes a nested
plain-data "spec" (the shape `services.framework_create_from_spec` writes and `engine.framework_from_dict`
reads).

`load()` is fast: when the checksum of the data files is unchanged it returns after one query; when a
framework's spec changed it writes a new version (bulk inserts), unless officials have edited that
framework since (then the edited version is kept and a message says so).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

LOADER_VERSION = "3"
DBSCL = "dong_bang_song_cuu_long"
UNVERIFIED_SOURCE = "CHƯA KIỂM CHỨNG — giữ chỗ; phụ lục chính thức chưa được đối chiếu"

# Regions named in the sources → geo.Region codes
REGION_CODES = {
    "ĐBSH": "dong_bang_song_hong",
    "ĐNB": "dong_nam_bo",
    "BTB": "bac_trung_bo_duyen_hai_mien_trung",
    "TDMNPB": "trung_du_mien_nui_phia_bac",
    "TN": "tay_nguyen",
}


def data_dir() -> Path:
    return Path(settings.DATA_DIR) / "criteria"


def _read(name: str) -> dict:
    with open(data_dir() / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def checksum() -> str:
    h = hashlib.sha256(LOADER_VERSION.encode())
    for path in sorted(data_dir().glob("*.yaml")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def spec_checksum(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# --- QĐ 318 Phụ lục I --------------------------------------------------------------------------------


def _recalled_number(text: str) -> float | None:
    m = re.search(r"recalled:\s*[≥>]?\s*(\d+(?:[.,]\d+)?)\s*(%|m²)", text or "")
    return float(m.group(1).replace(",", ".")) if m else None


def _placeholder_rule(ind: dict, value_type: str) -> dict:
    """The unverified rule recalled in the research file (value None when nothing was recalled)."""
    text = ind.get("threshold_text") or ""
    comparator = ind.get("comparator") or "gte"
    value = None
    if value_type == "pass_fail":
        comparator = "eq"
        value = 1.0 if ind.get("value") == "Đạt" else None
    elif value_type == "count" and ind.get("value") == "Không":
        comparator, value = "eq", 0.0
    else:
        value = _recalled_number(text)
        if comparator == "eq":
            comparator = "gte"
    note = f"Giá trị nhớ lại: {text}" if value is not None else f"Chưa có ngưỡng: {text}"
    return {
        "comparator": comparator,
        "value": value,
        "verified": bool(ind.get("verified")) and value is not None,
        "source": ind.get("source") if ind.get("verified") else UNVERIFIED_SOURCE,
        "source_url": ind.get("source") if str(ind.get("source", "")).startswith("http") else "",
        "note": note,
    }


def _value_type(ind: dict) -> str:
    unit = ind.get("unit")
    if unit == "%":
        return "percentage"
    if unit in ("triệu đồng/người/năm", "m²/người"):
        return "number"
    if ind.get("value") == "Không":
        return "count"
    return "pass_fail"


def _sourced(set_name: str) -> dict[str, dict]:
    return {
        str(i["code"]): i
        for i in _read("qd318_sourced_thresholds.yaml")["indicators"]
        if i["set"] == set_name
    }


# The evidence letters of qd318_sourced_thresholds.yaml, spelled out for officials.
EVIDENCE_KINDS = {
    "N": "QĐ 318/QĐ-TTg được báo chí, cổng thông tin nhà nước trích dẫn",
    "M": "hướng dẫn của bộ, ngành thực hiện QĐ 318/QĐ-TTg",
    "P": "văn bản của tỉnh vùng ĐBSCL nhắc lại",
}


def _sourced_rule(s: dict, comparator: str, value: float, region: str | None = None, **extra) -> dict:
    evidence = EVIDENCE_KINDS.get(s.get("evidence") or "", s.get("evidence") or "")
    return {
        "comparator": comparator,
        "value": value,
        "region": region,
        "verified": True,
        "source": f"{s.get('threshold_dbscl')} — nguồn: {evidence}".strip(),
        "source_url": s["source"],
        "note": s.get("note") or "",
        **extra,
    }


def build_qd318_pl1() -> list[dict]:
    raw = _read("criteria_xa_ntm_2021_2025.yaml")
    sourced = _sourced("xa_ntm")
    criteria = []
    for c in raw["criteria"]:
        indicators = []
        for ind in c["indicators"]:
            code = str(ind["code"])
            if code == "14.3":  # content not recalled; replaced by the sourced 15.4 (see frameworks.yaml)
                continue
            vt = _value_type(ind)
            spec = {
                "code": code,
                "name": ind["name_vi"],
                "unit": ind.get("unit") or "",
                "value_type": vt,
                "comparator": _placeholder_rule(ind, vt)["comparator"],
                "inputs": [],
                "derived": None,
                "verified": bool(ind.get("verified")),
                "source": ind.get("source") or "",
                "note": ind.get("note") or "",
                "rules": [_placeholder_rule(ind, vt)],
            }
            _apply_sourced_pl1(spec, sourced.get(code))
            indicators.append(spec)
            if code == "15.3" and "15.4" in sourced:
                s = sourced["15.4"]
                indicators.append(
                    {
                        "code": "15.4",
                        "name": s["name_vi"],
                        "unit": "%",
                        "value_type": "percentage",
                        "comparator": "gte",
                        "inputs": [],
                        "derived": None,
                        "verified": True,
                        "source": s["source"],
                        "note": s.get("note") or "",
                        "rules": [
                            {
                                "comparator": "gte",
                                "value": None,
                                "verified": False,
                                "source": UNVERIFIED_SOURCE,
                                "note": "Tên chỉ tiêu có nguồn (QĐ 2373/QĐ-BYT); ngưỡng chưa có.",
                            }
                        ],
                    }
                )
        criteria.append(
            {
                "code": str(c["code"]),
                "name": c["name_vi"],
                "group": c.get("group") or "",
                "verified": bool(c.get("name_verified")),
                "source": c.get("name_source") or "",
                "indicators": indicators,
            }
        )
    return criteria


def _apply_sourced_pl1(spec: dict, s: dict | None) -> None:
    if s is None:
        return
    spec["verified"] = True  # the indicator's name is stated by the source
    spec["source"] = s["source"]
    code = spec["code"]
    if s.get("comparator") is None or (s.get("value") is None and s["comparator"] != "composite"):
        return  # name only; the threshold stays the unverified placeholder
    region = DBSCL if s.get("scope") == "dbscl" else None
    if code == "5":
        spec.update(
            value_type="percentage",
            unit="%",
            comparator="eq",
            inputs=[
                {
                    "key": "5:muc_do_1",
                    "name": "Tỷ lệ trường đạt tiêu chuẩn CSVC mức độ 1",
                    "value_type": "percentage",
                    "unit": "%",
                },
                {
                    "key": "5:so_truong",
                    "name": "Số trường học trên địa bàn xã",
                    "value_type": "count",
                    "unit": "trường",
                },
            ],
        )
        spec["name"] += " (giá trị chính: tỷ lệ trường đạt tiêu chuẩn CSVC tối thiểu)"
        # "vùng còn lại, gồm ĐBSCL" = every region except ĐBSH and ĐNB
        spec["rules"] = [
            _sourced_rule(
                s,
                "eq",
                100.0,
                when=[{"input": "5:so_truong", "comparator": "gt", "value": 3}],
                also=[{"input": "5:muc_do_1", "comparator": "gte", "value": 70}],
            ),
            _sourced_rule(
                s,
                "eq",
                100.0,
                when=[{"input": "5:so_truong", "comparator": "lte", "value": 3}],
                also=[{"input": "5:muc_do_1", "comparator": "gte", "value": 50}],
            ),
        ]
        for region_code in (REGION_CODES["ĐBSH"], REGION_CODES["ĐNB"]):
            spec["rules"].append(
                _sourced_rule(
                    s,
                    "eq",
                    100.0,
                    region=region_code,
                    also=[{"input": "5:muc_do_1", "comparator": "eq", "value": 100}],
                    note=f"Vùng ĐBSH, ĐNB: {s.get('other_regions')}",
                )
            )
        return
    if code == "14.1":
        spec.update(
            value_type="percentage",
            unit="%",
            comparator="gte",
            inputs=[
                {
                    "key": "14.1:pcgd_mam_non",
                    "name": "Đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi",
                    "value_type": "pass_fail",
                    "unit": "",
                },
                {
                    "key": "14.1:pcgd_tieu_hoc",
                    "name": "Mức độ chuẩn phổ cập giáo dục tiểu học",
                    "value_type": "count",
                    "unit": "mức độ",
                },
                {
                    "key": "14.1:pcgd_thcs",
                    "name": "Mức độ chuẩn phổ cập giáo dục THCS",
                    "value_type": "count",
                    "unit": "mức độ",
                },
                {
                    "key": "14.1:xoa_mu_chu",
                    "name": "Mức độ chuẩn xóa mù chữ",
                    "value_type": "count",
                    "unit": "mức độ",
                },
            ],
        )
        spec["name"] += " (giá trị chính: tỷ lệ trẻ em 6 tuổi vào lớp 1)"
        spec["rules"] = [
            _sourced_rule(
                s,
                "gte",
                98.0,
                also=[
                    {"input": "14.1:pcgd_mam_non", "comparator": "eq", "value": 1},
                    {"input": "14.1:pcgd_tieu_hoc", "comparator": "gte", "value": 2},
                    {"input": "14.1:pcgd_thcs", "comparator": "gte", "value": 2},
                    {"input": "14.1:xoa_mu_chu", "comparator": "gte", "value": 2},
                ],
            )
        ]
        return
    if code == "9.1":
        spec.update(
            value_type="count", unit="nhà", comparator="eq", name="Số nhà tạm, dột nát trên địa bàn xã"
        )
        sourced = _sourced_rule(s, "eq", 0.0, region=region)
        placeholder = dict(spec["rules"][0], comparator="eq", value=0.0)
        spec["rules"] = [placeholder, sourced] if region else [sourced]
        return
    comparator = s["comparator"]
    value = 1.0 if s["value"] == "Đạt" else float(s["value"])
    sourced = _sourced_rule(s, comparator, value, region=region)
    spec["comparator"] = comparator
    if region:  # keep the unverified placeholder for the other regions
        spec["rules"] = [spec["rules"][0], sourced]
    else:
        spec["rules"] = [sourced]


# --- QĐ 318 Phụ lục II -----------------------------------------------------------------------------------


def build_qd318_pl2() -> list[dict]:
    raw = _read("criteria_xa_ntm_nang_cao_2021_2025.yaml")
    sourced = _sourced("xa_ntm_nang_cao")
    elec = next(s for k, s in sourced.items() if k.startswith("Điện"))
    criteria = []
    for c in raw["criteria_recalled"]:
        code = str(c["code"])
        name = c["name_vi"]
        if code == "4":
            rules = [_sourced_rule(elec, "gte", 99.0, region=DBSCL)]
            for regions, value in ((("ĐBSH", "ĐNB"), 100.0), (("BTB",), 99.0), (("TDMNPB", "TN"), 98.0)):
                for r in regions:
                    rules.append(
                        _sourced_rule(
                            elec,
                            "gte",
                            value,
                            region=REGION_CODES[r],
                            note=f"Các vùng khác: {elec.get('other_regions')}",
                        )
                    )
            indicators = [
                _pf(
                    "4.1",
                    "Xã đạt tiêu chí Điện của bộ tiêu chí xã NTM",
                    verified=True,
                    source=elec["source"],
                    rule_source="QĐ 1327/QĐ-BCT — xã phải đạt tiêu chí Điện xã NTM",
                ),
                {
                    "code": "4.2",
                    "name": elec["name_vi"],
                    "unit": "%",
                    "value_type": "percentage",
                    "comparator": "gte",
                    "inputs": [],
                    "derived": None,
                    "verified": True,
                    "source": elec["source"],
                    "note": elec.get("note", ""),
                    "rules": rules,
                },
            ]
        elif code == "14":
            indicators = []
            for k in ("14.1", "14.2", "14.3", "14.4"):
                s = sourced[f"{k} (NTM nâng cao)"]
                rule = (
                    _sourced_rule(s, "gte", float(s["value"]))
                    if s.get("value") is not None
                    else {
                        "comparator": "gte",
                        "value": None,
                        "verified": False,
                        "source": UNVERIFIED_SOURCE,
                        "note": "Tên chỉ tiêu có nguồn (QĐ 2373/QĐ-BYT); ngưỡng chưa có.",
                    }
                )
                indicators.append(
                    {
                        "code": k,
                        "name": s["name_vi"],
                        "unit": "%",
                        "value_type": "percentage",
                        "comparator": "gte",
                        "inputs": [],
                        "derived": None,
                        "verified": True,
                        "source": s["source"],
                        "note": "",
                        "rules": [rule],
                    }
                )
        elif code == "10":
            indicators = [
                {
                    "code": "10",
                    "name": "Thu nhập bình quân đầu người khu vực nông thôn (xã NTM nâng cao)",
                    "unit": "triệu đồng/người/năm",
                    "value_type": "number",
                    "comparator": "gte",
                    "inputs": [],
                    "derived": None,
                    "verified": False,
                    "source": UNVERIFIED_SOURCE,
                    "note": "",
                    "rules": [
                        {
                            "comparator": "gte",
                            "value": None,
                            "verified": False,
                            "source": UNVERIFIED_SOURCE,
                            "note": "Mức thu nhập theo năm của xã NTM nâng cao chưa có nguồn.",
                        }
                    ],
                }
            ]
        else:
            indicators = [_pf(code, f"Đạt tiêu chí {name} (xã NTM nâng cao)")]
        criteria.append(
            {
                "code": code,
                "name": name,
                "group": "",
                "verified": bool(c.get("verified")),
                "source": "" if c.get("verified") else UNVERIFIED_SOURCE,
                "indicators": indicators,
            }
        )
    return criteria


def _pf(
    code: str, name: str, *, verified: bool = False, source: str = "", rule_source: str = "", **rule_extra
) -> dict:
    return {
        "code": code,
        "name": name,
        "unit": "",
        "value_type": "pass_fail",
        "comparator": "eq",
        "inputs": [],
        "derived": None,
        "verified": verified,
        "source": source or ("" if verified else UNVERIFIED_SOURCE),
        "note": "",
        "rules": [
            {
                "comparator": "eq",
                "value": 1.0,
                "verified": verified,
                "source": rule_source or (source if verified else UNVERIFIED_SOURCE),
                "source_url": source if source.startswith("http") else "",
                **rule_extra,
            }
        ],
    }


# --- QĐ 51/2025 -------------------------------------------------------------------------------------------


def build_qd51(fw: dict) -> list[dict]:
    raw = _read("criteria_xa_ntm_2026_2030.yaml")
    criteria = []
    for c, count in zip(raw["criteria"], fw["indicators_per_criterion"], strict=True):
        indicators = []
        for k in range(1, count + 1):
            code = f"{c['code']}.{k}"
            ind = _pf(code, f"Chỉ tiêu {code} (giữ chỗ — nội dung QĐ 51/2025 chưa có)")
            rule = ind["rules"][0]
            ind["rules"] = [
                dict(rule, group=g, note=f"Ngưỡng nhóm xã {g}: giữ chỗ, chưa kiểm chứng")
                for g in fw["groups"]
            ]
            indicators.append(ind)
        criteria.append(
            {
                "code": str(c["code"]),
                "name": c["name_vi"],
                "group": "",
                "verified": bool(c["verified"]),
                "source": c.get("source") or "",
                "indicators": indicators,
            }
        )
    return criteria


# --- frameworks.yaml → specs ----------------------------------------------------------------------------


def _normalise_rule(r: dict) -> dict:
    return {
        "key": r.get("key", ""),
        "comparator": r.get("comparator") or "gte",
        "value": None if r.get("value") is None else float(r["value"]),
        "ref": r.get("ref"),
        "region": r.get("region") or None,
        "group": r.get("group"),
        "kinds": list(r.get("kinds") or []),
        "year_from": r.get("year_from"),
        "year_to": r.get("year_to"),
        "when": list(r.get("when") or []),
        "also": list(r.get("also") or []),
        "source": r.get("source") or "",
        "source_url": r.get("source_url") or "",
        "verified": bool(r.get("verified")),
        "note": r.get("note") or "",
    }


def _normalise_criteria(criteria: list[dict]) -> list[dict]:
    out = []
    for c in criteria:
        inds = []
        for i in c["indicators"]:
            rules = [_normalise_rule(r) for r in i.get("rules") or []]
            for n, r in enumerate(rules, start=1):
                r["key"] = r["key"] or f"{i['code']}#{n}"
            inds.append(
                {
                    "code": str(i["code"]),
                    "name": i.get("name", ""),
                    "unit": i.get("unit") or "",
                    "value_type": i["value_type"],
                    "comparator": i.get("comparator") or (rules[0]["comparator"] if rules else "gte"),
                    "inputs": list(i.get("inputs") or []),
                    "derived": i.get("derived"),
                    "verified": bool(i.get("verified")),
                    "source": i.get("source") or "",
                    "note": i.get("note") or "",
                    "rules": rules,
                }
            )
            if i.get("decimals") is not None:  # stated precision (absent: the value type's default)
                inds[-1]["decimals"] = i["decimals"]
        out.append(
            {
                "code": str(c["code"]),
                "name": c.get("name", ""),
                "group": c.get("group") or "",
                "verified": bool(c.get("verified")),
                "source": c.get("source") or "",
                "indicators": inds,
            }
        )
    return out


def _rule_conditions(r: dict) -> tuple:
    return (
        r.get("region"),
        r.get("group"),
        tuple(r.get("kinds") or ()),
        r.get("year_from"),
        r.get("year_to"),
        json.dumps(r.get("when") or [], sort_keys=True),
    )


def specs() -> list[dict]:
    """Every built-in framework as a spec, in an order where references come first."""
    raw = _read("frameworks.yaml")["frameworks"]
    built: dict[str, dict] = {}
    for fw in raw:
        if "base" in fw:
            spec = copy.deepcopy(built[fw["base"]])
            for key in ("name", "legal_basis", "legal_url", "legal_verified", "note", "presupposes"):
                if key in fw:
                    spec[key] = fw[key]
            spec["code"] = fw["code"]
            for ov in fw.get("overrides") or []:
                ind = next(
                    i for c in spec["criteria"] for i in c["indicators"] if i["code"] == str(ov["indicator"])
                )
                for new in ov["rules"]:
                    new = _normalise_rule(new)
                    same = [
                        n for n, r in enumerate(ind["rules"]) if _rule_conditions(r) == _rule_conditions(new)
                    ]
                    if same:
                        new["key"] = ind["rules"][same[0]]["key"]
                        ind["rules"][same[0]] = new
                    else:
                        new["key"] = f"{ind['code']}#ag{len(ind['rules']) + 1}"
                        ind["rules"].append(new)
            _apply_decimals(spec, fw)
            built[fw["code"]] = spec
            continue
        build = fw.get("build")
        if build == "qd318_pl1":
            criteria = build_qd318_pl1()
        elif build == "qd318_pl2":
            criteria = build_qd318_pl2()
        elif build == "qd51":
            criteria = build_qd51(fw)
        else:
            criteria = list(fw.get("criteria") or [])
            ph = fw.get("placeholder_criteria")
            if ph:
                criteria = [
                    {
                        "code": str(n),
                        "name": name,
                        "verified": False,
                        "source": UNVERIFIED_SOURCE,
                        "indicators": [_pf(str(n), ph["indicator_name"].format(name=name))],
                    }
                    for n, name in enumerate(ph["names"], start=1)
                ] + criteria
        start, end = fw.get("period") or (None, None)
        built[fw["code"]] = {
            "code": fw["code"],
            "name": fw["name"],
            "level": fw["level"],
            "standard": fw["standard"],
            "period_start": start,
            "period_end": end,
            "kinds": list(fw.get("kinds") or []),
            "legal_basis": fw.get("legal_basis", ""),
            "legal_url": fw.get("legal_url", ""),
            "legal_verified": bool(fw.get("legal_verified")),
            "presupposes": fw.get("presupposes") or "",
            "bands": [],
            "note": fw.get("note", ""),
            "criteria": _normalise_criteria(criteria),
        }
        _apply_decimals(built[fw["code"]], fw)
    return list(built.values())


def _apply_decimals(spec: dict, fw: dict) -> None:
    """A framework entry's `decimals: {indicator code: digits}`: the precision the legal text states
    for those indicators (the others keep their value type's default). An unknown code is an error."""
    stated = fw.get("decimals") or {}
    indicators = {i["code"]: i for c in spec["criteria"] for i in c["indicators"]}
    for code, digits in stated.items():
        if str(code) not in indicators:
            raise ValueError(
                f"frameworks.yaml, {fw['code']}: decimals names indicator {code}, which it has not"
            )
        indicators[str(code)]["decimals"] = digits


# --- loading ---


@transaction.atomic
def load(*, stdout=None) -> None:
    from chungsuc.core.models import DataLoad
    from chungsuc.criteria.models import Framework, Status
    from chungsuc.criteria.services import framework_create_from_spec

    digest = checksum()
    record = DataLoad.objects.filter(name="criteria").first()
    if record and record.checksum == digest and Framework.objects.exists():
        if stdout:
            stdout.write("Bộ tiêu chí: không thay đổi.")
        return
    created, skipped = [], []
    for spec in specs():
        spec_sum = spec_checksum(spec)
        current = (
            Framework.objects.filter(code=spec["code"], status=Status.IN_FORCE).order_by("-version").first()
        )
        if current is not None and current.builtin_checksum == spec_sum:
            continue
        if current is not None and current.origin != "builtin":
            skipped.append(spec["code"])
            continue
        framework_create_from_spec(
            actor=None,
            spec=spec,
            previous=current,
            origin="builtin",
            reason="Nạp dữ liệu có sẵn" if current is None else "Cập nhật dữ liệu có sẵn",
            builtin_checksum=spec_sum,
        )
        created.append(spec["code"])
    DataLoad.objects.update_or_create(name="criteria", defaults={"checksum": digest})
    if stdout:
        stdout.write(f"Bộ tiêu chí: nạp {len(created)} ({', '.join(created) or 'không có'}).")
        if skipped:
            stdout.write("Giữ nguyên (đã được chỉnh sửa, không ghi đè): " + ", ".join(skipped))
