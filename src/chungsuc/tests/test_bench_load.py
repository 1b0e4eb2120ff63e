"""The load bench's shape: it starts gunicorn itself, loads it briefly and prints its figures (a
benchmark measures; nothing here asserts a time)."""

import json
import os
import subprocess
import sys


def test_load_bench_prints_requests_errors_and_percentiles():
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
            "--only",
            "api",
            "--load-clients",
            "3",
            "--load-seconds",
            "2",
            "--load-workers",
            "1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = {line["bench"]: line for line in map(json.loads, filter(None, proc.stdout.splitlines()))}
    load = lines["load"]
    assert load["clients"] == 3 and load["requests"] > 0 and load["errors"] == 0, lines
    assert {"p50_ms", "p95_ms", "within_budget"} <= set(load)
    assert lines["load_dashboard"]["requests"] > 0 and lines["load_api_assessments"]["requests"] > 0
