"""`chungsuc bench --only assessments,dashboard` at a small scale: the dashboard's lines are printed
with their shape (never their times)."""

import json
import os
import subprocess
import sys


def test_dashboard_bench_prints_chart_and_map_lines():
    env = dict(os.environ)
    env.pop("CHUNGSUC_BENCH_CHILD", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        env.pop("DATABASE_URL", None)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "chungsuc",
            "bench",
            "--communes",
            "40",
            "--years",
            "2",
            "--only",
            "assessments,dashboard",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    by_name = {}
    for line in lines:
        by_name.setdefault(line["bench"], []).append(line)
    charts = by_name["dashboard_charts"][0]
    assert charts["status"] == 200 and charts["budget_ms"] == 300 and "median_ms" in charts
    assert by_name["map_data"][0]["status"] == 200
    # the raw read measured again just before the pages, and the pages scaled by it
    again = [r for r in by_name["read_values"] if r.get("before") == "dashboard"]
    assert len(again) == 1 and again[0]["values"] == by_name["read_values"][0]["values"]
    assert charts["raw_read_seconds"] == again[0]["raw_rows_seconds"] and "scaled_median_ms" in charts
    sizes = {b["file"]: b for b in by_name["map_boundaries"]}
    post = sizes["an_giang_communes_post2025.geojson"]
    assert post["features"] == 102 and post["gzip_bytes"] < post["simplified_bytes"] < post["raw_bytes"]
