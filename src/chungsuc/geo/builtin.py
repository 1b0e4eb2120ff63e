"""Built-in administrative units: old An Giang (code 89) 2021–2025 and the merged province (code 91)
from 1/7/2025, loaded from the project's `data/geo/` folder. Called by `chungsuc load_builtin` before
accounts (which creates a people's committee for every district- and commune-level unit). Idempotent."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from chungsuc.geo.services import unit_data_load
from chungsuc.geo.unitdata import load_dataset

LABELS = {
    "units": "đơn vị",
    "versions": "trạng thái",
    "events": "sự kiện",
    "event_units": "liên kết sự kiện–đơn vị",
    "links": "liên kết kế thừa",
    "boundaries": "ranh giới",
}


def data_dir() -> Path:
    return Path(settings.DATA_DIR) / "geo"


def load(*, stdout=None, directory: Path | None = None) -> None:
    """Read, validate and upsert the unit data. On bad data a `UnitDataError` names the record and
    nothing is written."""
    dataset = load_dataset(directory or data_dir())
    stats = unit_data_load(actor=None, dataset=dataset)
    if stdout:
        versions = sum(len(u.versions) for u in dataset.units)
        links = sum(len(e.links) for e in dataset.events)
        change = (
            "không thay đổi"
            if not stats.changed
            else "; ".join(
                f"{verb} " + ", ".join(f"{n} {LABELS.get(k, k)}" for k, n in bucket.items())
                for verb, bucket in (("thêm", stats.created), ("sửa", stats.updated), ("xóa", stats.deleted))
                if bucket
            )
        )
        stdout.write(
            f"Đơn vị hành chính: {len(dataset.units)} đơn vị, {versions} trạng thái, "
            f"{len(dataset.events)} sự kiện, "
            f"{links} liên kết kế thừa, {len(dataset.boundaries)} ranh giới ({change})."
        )
