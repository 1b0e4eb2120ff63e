"""Built-in data of the recognitions app (idempotent; `chungsuc load_builtin` calls `load` after
assessments).

1. The conditions of recognition besides the criteria (QĐ 318/QĐ-TTg, with their sources), read from
   `conditions:` in `data/workflows/ntm_recognition.yaml`.
2. The recognition register from the sourced facts in `data/geo/an_giang_units.yaml`
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

from chungsuc.assessments.models import Standard
from chungsuc.recognitions.models import RecognitionCondition, RecognitionRecord

# The conditions of recognition besides the criteria (QĐ 318/QĐ-TTg) are data, with their sources:
# `conditions:` in data/workflows/ntm_recognition.yaml, beside the workflows that check them.
CONDITION_FILE = "ntm_recognition.yaml"
_CONDITION_KEYS = {"code", "name", "kind", "levels", "threshold", "verified", "order", "source"}
_LEVELS = {"commune", "district", "province"}


def conditions_from_data(path: Path | None = None) -> list[dict]:
    """The built-in conditions, checked (known kind and levels, a number or nothing as threshold)."""
    from chungsuc.core.workflow import WorkflowError
    from chungsuc.core.workflow_data import data_dir, read_workflow_files

    path = path or data_dir() / CONDITION_FILE
    kinds = set(RecognitionCondition.Kind.values)
    out = []
    for n, raw in enumerate(read_workflow_files([path])["conditions"], start=1):
        item = {k: v for k, v in raw.items() if k != "_file"} if isinstance(raw, dict) else raw
        where = f"Tệp «{path.name}», điều kiện thứ {n}"
        if not isinstance(item, dict) or not str(item.get("code") or "").strip() or not item.get("name"):
            raise WorkflowError(f"{where}: cần «code» và «name».")
        extra = sorted(set(item) - _CONDITION_KEYS)
        if extra:
            raise WorkflowError(f"{where} («{item['code']}»): khóa không hợp lệ: {', '.join(extra)}.")
        if item.get("kind") not in kinds:
            known = ", ".join(sorted(kinds))
            raise WorkflowError(
                f"{where} («{item['code']}»): loại «{item.get('kind')}» không hợp lệ ({known})."
            )
        levels = item.get("levels") or []
        if not isinstance(levels, list) or not set(levels) <= _LEVELS:
            raise WorkflowError(
                f"{where} («{item['code']}»): «levels» phải là danh sách trong commune, district, province."
            )
        threshold = item.get("threshold")
        if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int | float)):
            raise WorkflowError(f"{where} («{item['code']}»): «threshold» phải là một số hoặc để trống.")
        out.append(
            {
                "code": str(item["code"]).strip(),
                "name": str(item["name"]).strip(),
                "kind": item["kind"],
                "levels": ",".join(levels),
                "threshold": float(threshold) if threshold is not None else None,
                "verified": bool(item.get("verified", False)),
                "order": int(item.get("order", n * 10)),
                "source": str(item.get("source") or ""),
            }
        )
    return out


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


def _load_conditions() -> int:
    conditions = conditions_from_data()
    for cond in conditions:
        RecognitionCondition.objects.update_or_create(
            code=cond["code"],
            framework_code="",
            defaults={k: v for k, v in cond.items() if k != "code"},
        )
    return len(conditions)


REGISTER_FIELDS = ["since", "since_precision", "decision_text", "fact", "source", "verified", "uncertainty"]


def _put(unit, standard: str, year: int, values: dict, tally: dict) -> None:
    """Write one built-in register entry: create it, or update it only if it came from the built-in
    file (origin BUILTIN). An entry written by a decision on the system or by an import is never
    touched (issue 7 §7); every change made is audited, with its before and after."""
    from chungsuc.core.audit import audit_record, snapshot

    record = RecognitionRecord.objects.filter(unit=unit, standard=standard, year=year).first()
    if record is not None and record.origin != RecognitionRecord.Origin.BUILTIN:
        tally["kept"] += 1
        return
    if record is None:
        record = RecognitionRecord.objects.create(
            unit=unit, standard=standard, year=year, origin=RecognitionRecord.Origin.BUILTIN, **values
        )
        audit_record(
            actor=None,
            action="recognition.builtin",
            target=record,
            unit_id=unit.pk,
            before={},
            after=snapshot(record, REGISTER_FIELDS),
            reason="Nạp dữ liệu có sẵn (load_builtin)",
        )
        tally["created"] += 1
        return
    before = snapshot(record, REGISTER_FIELDS)
    for name, value in values.items():
        setattr(record, name, value)
    after = snapshot(record, REGISTER_FIELDS)
    if before == after:
        tally["same"] += 1
        return
    record.save(update_fields=list(values))
    audit_record(
        actor=None,
        action="recognition.builtin",
        target=record,
        unit_id=unit.pk,
        before=before,
        after=after,
        reason="Nạp dữ liệu có sẵn (load_builtin)",
    )
    tally["updated"] += 1


def _load_register(stdout=None) -> dict:
    tally = {"created": 0, "updated": 0, "same": 0, "kept": 0}
    for entry in register_entries():
        unit = _unit(entry["code"], entry["since"])
        if unit is None:
            raise ValueError(f"Sổ công nhận: không tìm thấy đơn vị mã {entry['code']} ({entry['name']}).")
        _put(unit, entry["standard"], entry["year"], {k: entry[k] for k in REGISTER_FIELDS}, tally)
    for code, standard, year, since, precision, decision_text, verified, uncertainty in DISTRICT_RECOGNITIONS:
        unit = _unit(code, since)
        if unit is None:
            continue
        values = {
            "since": since,
            "since_precision": precision,
            "decision_text": decision_text,
            "fact": f"{Standard(standard).label} năm {year}",
            "source": DISTRICT_SOURCE,
            "verified": verified,
            "uncertainty": uncertainty,
        }
        _put(unit, standard, year, values, tally)
    return tally


def load(*, stdout=None) -> None:
    with transaction.atomic():
        n_conditions = _load_conditions()
        tally = _load_register(stdout)
    if stdout is not None:
        stdout.write(
            f"recognitions: {n_conditions} điều kiện; sổ công nhận: {tally['created']} mục mới, "
            f"{tally['updated']} mục cập nhật, {tally['same']} không đổi, "
            f"{tally['kept']} mục do quyết định hoặc tệp nhập ghi được giữ nguyên."
        )
