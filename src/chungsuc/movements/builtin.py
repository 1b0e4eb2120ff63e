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


def _find_unit(name: str, district: str, on: dt.date):
    """A commune of old An Giang by its name and its district's name (as the sources write them)."""
    from chungsuc.core.text import fold
    from chungsuc.geo.models import UnitVersion

    want, dist = fold(name), fold(district)
    for v in UnitVersion.objects.filter(parent__level="district", level="commune").select_related("parent"):
        if (v.valid_from is None or v.valid_from <= on) and (v.valid_to is None or v.valid_to >= on):
            vname = fold(v.name)
            if (vname.endswith(" " + want) or vname == want) and fold(v.parent.name).endswith(dist):
                return v.unit
    return None


def load_pilots(path: Path, *, stdout=None) -> int:
    from chungsuc.geo.models import Unit
    from chungsuc.movements.models import Movement

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    movement = Movement.objects.get(code=data["movement"])
    on = dt.date(2021, 1, 1)
    entries, missing = [], []
    for group, kind in (("communes", "pilot_commune"), ("added", "added_commune")):
        block = data[group]
        items = [(y, n) for y, names in (block.get("by_year") or {}).items() for n in names] + [
            (None, n) for n in block.get("units") or []
        ]
        for year, item in items:
            name, district = item.split("/")
            unit = _find_unit(name.strip(), district.strip(), on)
            if unit is None:
                missing.append(item)
                continue
            entries.append(
                {
                    "unit": unit,
                    "kind": kind,
                    "year": year,
                    "instrument": block["instrument"],
                    "source": block["source"],
                }
            )
    for d in data.get("districts") or []:
        unit = Unit.objects.filter(code=d["unit"], level="district").order_by("valid_from").first()
        if unit is None:
            missing.append(d["unit"])
            continue
        entries.append({"unit": unit, **{k: d[k] for k in ("kind", "year", "instrument", "source")}})
    if missing:
        raise RuntimeError("Không tìm thấy đơn vị điểm: " + ", ".join(missing))
    created = services.pilot_load(movement=movement, entries=entries)
    if stdout:
        stdout.write(
            f"Đơn vị điểm (danh sách tốt nhất hiện có, chưa kiểm chứng): {len(entries)}, mới {created}."
        )
    return created


@transaction.atomic
def load(*, stdout=None) -> None:
    services.workflow_ensure()
    load_file(data_dir() / "plan_861.yaml", stdout=stdout)
    load_pilots(data_dir() / "pilots_861.yaml", stdout=stdout)
