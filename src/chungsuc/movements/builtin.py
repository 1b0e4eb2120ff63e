"""Built-in movements: An Giang's Plan 861/KH-UBND (2021–2025) from `data/movements/plan_861.yaml`,
with the province's reported counts from the research files beside it. Idempotent."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from chungsuc.geo.selectors import unit_by_code
from chungsuc.movements import services


def data_dir() -> Path:
    return Path(settings.DATA_DIR) / "movements"


# key in the research files → (level, standard, basis)
COUNT_KEYS = {
    "xa_ntm": ("commune", "ntm", "reported"),
    "xa_ntm_recognised": ("commune", "ntm", "recognised"),
    "xa_ntm_meeting": ("commune", "ntm", "meeting"),
    "xa_ntm_nang_cao": ("commune", "advanced", "reported"),
    "xa_nang_cao": ("commune", "advanced", "reported"),
    "xa_ntm_nang_cao_recognised": ("commune", "advanced", "recognised"),
    "xa_nang_cao_recognised": ("commune", "advanced", "recognised"),
    "xa_ntm_nang_cao_meeting": ("commune", "advanced", "meeting"),
    "xa_nang_cao_meeting": ("commune", "advanced", "meeting"),
    "xa_ntm_kieu_mau": ("commune", "model", "reported"),
    "xa_kieu_mau": ("commune", "model", "reported"),
    "district_level_done": ("district", "ntm", "reported"),
    "district_units_done": ("district", "ntm", "reported"),
}


def _as_of(value) -> tuple[dt.date, str] | None:
    if isinstance(value, dt.date):
        return value, "day"
    text = str(value or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3])), "day"
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if m:  # a month: the count holds at the month's end
        month_end = dt.date(int(m[1]) + int(m[2]) // 12, int(m[2]) % 12 + 1, 1) - dt.timedelta(days=1)
        return month_end, "month"
    return None  # undated: not placed on the timeline


def reported_counts(
    paths: list[Path], *, from_year: int, merger: dt.date = dt.date(2025, 7, 1)
) -> list[dict]:
    """Dated counts from the research files (series/snapshots), each with its source; the later file
    wins for the same (date, level, standard, basis)."""
    out: dict[tuple, dict] = {}
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in (data.get("series") or []) + (data.get("snapshots") or []):
            if entry.get("kind") == "plan":
                continue
            parsed = _as_of(entry.get("as_of"))
            if parsed is None or parsed[0].year < from_year:
                continue
            date, precision = parsed
            verified = entry.get("verified", True) is not False
            source = str(entry.get("source") or "").strip()
            for key, (level, standard, basis) in COUNT_KEYS.items():
                if key not in entry or not isinstance(entry[key], int):
                    continue
                out[(date, level, standard, basis)] = {
                    "as_of": date,
                    "as_of_precision": precision,
                    "level": level,
                    "standard": standard,
                    "basis": basis,
                    "count": entry[key],
                    "denominator": entry.get("denominator") if level == "commune" else None,
                    "after_merger": date >= merger,
                    "source": source,
                    "verified": verified,
                }
    return sorted(out.values(), key=lambda r: (r["as_of"], r["level"], r["standard"], r["basis"]))


def load_file(path: Path, *, stdout=None, demo: bool = False):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    on = dt.date.fromisoformat(str(data["province_on"]))
    province = unit_by_code(data["province_code"], on)
    if province is None:
        raise RuntimeError(
            f"Chưa nạp đơn vị hành chính tỉnh mã {data['province_code']}: chạy nạp dữ liệu geo trước."
        )
    paths = [path.parent / name for name in data.get("reported_counts_from") or []]
    reported = reported_counts(paths, from_year=int(data["period_start"]) - 1)
    movement = services.movement_load(actor=None, data=data, province=province, reported=reported, demo=demo)
    if stdout:
        stdout.write(
            f"Phong trào: {movement} — {movement.versions.first().targets.count()} chỉ tiêu, "
            f"{movement.participants.count()} đơn vị tham gia, {len(reported)} số liệu báo cáo."
        )
    return movement


@transaction.atomic
def load(*, stdout=None) -> None:
    services.workflow_ensure()
    load_file(data_dir() / "plan_861.yaml", stdout=stdout)
