"""Boundaries for the offline choropleth: the units' GeoJSON valid on a date, simplified
(Douglas–Peucker, coordinates rounded) and gzip-compressed once, then served from memory.

The map's JavaScript (ECharts `registerMap`) draws them with no tile server. The collection depends
only on which boundary rows are valid on the date, so every date inside the same period shares one
cached copy (two periods for An Giang: before and from 1/7/2025).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache

from chungsuc.geo.models import Boundary, UnitVersion
from chungsuc.geo.selectors import valid_on

TOLERANCE = 0.0004  # degrees (~40 m): invisible at province scale
DECIMALS = 4  # ~11 m


def _perpendicular(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def douglas_peucker(points: list, tolerance: float) -> list:
    """Points of a line kept by Douglas–Peucker (iterative, so long rings cannot overflow the stack)."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        start, end = stack.pop()
        best, index = 0.0, None
        for i in range(start + 1, end):
            d = _perpendicular(points[i], points[start], points[end])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack.append((start, index))
            stack.append((index, end))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(ring: list, tolerance: float, decimals: int) -> list | None:
    closed = len(ring) > 1 and ring[0] == ring[-1]
    pts = ring[:-1] if closed else ring
    if len(pts) > 4:
        # split the closed ring at its farthest point from the start, so DP has a real chord
        far = max(range(len(pts)), key=lambda i: (pts[i][0] - pts[0][0]) ** 2 + (pts[i][1] - pts[0][1]) ** 2)
        pts = (
            douglas_peucker(pts[: far + 1], tolerance)[:-1]
            + douglas_peucker(pts[far:] + [pts[0]], tolerance)[:-1]
        )
    out = []
    for x, y in pts:
        q = [round(x, decimals), round(y, decimals)]
        if not out or out[-1] != q:
            out.append(q)
    if len(out) < 3:
        return None
    out.append(out[0])
    return out


def simplify_geometry(geometry: dict, tolerance: float = TOLERANCE, decimals: int = DECIMALS) -> dict | None:
    """A Polygon / MultiPolygon simplified; rings that collapse are dropped (None if nothing is left)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polys = [geometry.get("coordinates") or []]
    elif kind == "MultiPolygon":
        polys = geometry.get("coordinates") or []
    else:
        return None
    out = []
    for poly in polys:
        rings = [r for r in (_ring(ring, tolerance, decimals) for ring in poly) if r]
        if rings and rings[0]:
            out.append(rings)
    if not out:
        return None
    return (
        {"type": "Polygon", "coordinates": out[0]}
        if len(out) == 1
        else {"type": "MultiPolygon", "coordinates": out}
    )


@dataclass(frozen=True)
class MapBoundaries:
    body: bytes  # GeoJSON FeatureCollection (UTF-8)
    gzipped: bytes
    raw_bytes: int  # the same features unsimplified, for the record
    etag: str
    unit_ids: frozenset
    attribution: tuple[str, ...]


def _signature(on: dt.date, level: str) -> tuple:
    versions = UnitVersion.objects.filter(valid_on(on), level=level)
    rows = Boundary.objects.filter(valid_on(on), unit_id__in=versions.values("unit_id")).values_list(
        "id", "valid_from", "valid_to"
    )
    return tuple(sorted(rows))


def boundaries_for(on: dt.date, *, level: str = "commune") -> MapBoundaries:
    """The simplified, compressed boundaries of `level` units valid on `on` (cached per period)."""
    return _build(_signature(on, level), on.isoformat(), level)


@lru_cache(maxsize=8)
def _build(signature: tuple, on_iso: str, level: str) -> MapBoundaries:
    on = dt.date.fromisoformat(on_iso)
    ids = [s[0] for s in signature]
    versions = {v.unit_id: v for v in UnitVersion.objects.filter(valid_on(on), level=level)}
    features, raw_features, attribution = [], [], []
    for b in Boundary.objects.filter(id__in=ids).order_by("unit_id"):
        v = versions.get(b.unit_id)
        if v is None:
            continue
        geometry = simplify_geometry(b.geometry)
        if geometry is None:
            continue
        props = {"id": b.unit_id, "code": v.code, "name": v.name}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
        raw_features.append({"type": "Feature", "properties": props, "geometry": b.geometry})
        if b.source and b.source not in attribution:
            attribution.append(b.source)
    collection = {"type": "FeatureCollection", "features": features}
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    raw = json.dumps(
        {"type": "FeatureCollection", "features": raw_features}, ensure_ascii=False, separators=(",", ":")
    ).encode()
    return MapBoundaries(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        raw_bytes=len(raw),
        etag=hashlib.sha256(body).hexdigest()[:32],
        unit_ids=frozenset(f["properties"]["id"] for f in features),
        attribution=tuple(attribution),
    )
