"""`chungsuc bench` for the dashboard (runs after `assessments`, which generates the national-scale
data, seeds the register and creates the province administrator `bench.tinh`):

- dashboard_charts: server time of the charts page (`/dashboard/charts/`: recognitions by year,
  bands, criteria rates, regressions, one row per district) — budget 300 ms median;
- map_data: server time of the officials' map by criteria met (`/dashboard/map/?colour=criteria`,
  values for every commune) — budget 200 ms median;
- read_values (again): the raw read of every value just before the pages, which the figures after it
  are scaled by (the design guide's rule; `chungsuc bench`);
- map_boundaries: the shipped An Giang boundaries as served (raw, simplified, gzip bytes) and the time
  to simplify and compress them once (cached afterwards).
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from pathlib import Path


def _time(client, url: str, runs: int) -> tuple[list[float], int]:
    status = client.get(url).status_code
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        status = client.get(url).status_code
        samples.append((time.perf_counter() - t) * 1000)
    return samples, status


def run(*, options, emit) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from chungsuc.geo.mapdata import simplify_geometry

    user = get_user_model().objects.filter(username="bench.tinh").first()
    if user is not None:
        # The raw read again, just before the pages: a shared machine's speed drifts over the minutes
        # of a run (2.2 to 4.4 s within an hour here), and each figure is scaled by the latest raw read.
        from chungsuc.assessments.bench import raw_read

        seconds, values = raw_read()
        emit(
            {
                "bench": "read_values",
                "before": "dashboard",
                "values": values,
                "raw_rows_seconds": round(seconds, 3),
            }
        )
        client = Client()
        client.force_login(user)
        for name, url, budget in [
            ("dashboard_charts", "/dashboard/charts/", 300),
            ("map_data", "/dashboard/map/?colour=criteria", 200),
        ]:
            samples, status = _time(client, url, 10)
            median = statistics.median(samples)
            emit(
                {
                    "bench": name,
                    "url": url,
                    "status": status,
                    "runs": len(samples),
                    "median_ms": round(median, 2),
                    "max_ms": round(max(samples), 2),
                    "budget_ms": budget,
                    "within_budget": status == 200 and median <= budget,
                }
            )
    for name in ("an_giang_communes_pre2025.geojson", "an_giang_communes_post2025.geojson"):
        path = Path(settings.DATA_DIR) / "geo" / name
        if not path.exists():
            continue
        raw = path.read_bytes()
        t = time.perf_counter()
        data = json.loads(raw)
        for f in data["features"]:
            f["geometry"] = simplify_geometry(f["geometry"])
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        packed = gzip.compress(body, compresslevel=9)
        emit(
            {
                "bench": "map_boundaries",
                "file": name,
                "features": len(data["features"]),
                "raw_bytes": len(raw),
                "simplified_bytes": len(body),
                "gzip_bytes": len(packed),
                "build_ms": round((time.perf_counter() - t) * 1000, 2),
            }
        )
