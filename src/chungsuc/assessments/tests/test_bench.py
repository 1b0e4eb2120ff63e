"""`chungsuc bench` at a small scale: the JSON lines' shape and that results were stored (never time)."""

import json
import os
import subprocess
import sys


def test_bench_prints_json_lines_and_stores_results(tmp_path):
    env = dict(os.environ)
    env.pop("CHUNGSUC_BENCH_CHILD", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        env.pop("DATABASE_URL", None)
    user_db = os.path.join(os.getcwd(), "var", "chungsuc.sqlite3")
    before = os.path.getmtime(user_db) if os.path.exists(user_db) else None
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "chungsuc",
            "bench",
            "--communes",
            "60",
            "--years",
            "2",
            "--only",
            "assessments",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    by_name = {line["bench"]: line for line in lines}
    assert {
        "setup",
        "generate",
        "read_values",
        "evaluate_all",
        "reevaluate_one",
        "excel_export",
        "excel_import",
        "dashboard",
        "portal_home",
    } <= set(by_name)
    assert by_name["generate"]["assessments"] == 120
    gen = by_name["generate"]
    assert gen["indicators"] == 57
    assert gen["values"] == 120 * gen["value_keys_per_assessment"]
    assert by_name["read_values"]["values"] == gen["values"]
    ev = by_name["evaluate_all"]
    assert ev["assessments"] == 120 and ev["results_stored"] == 120
    assert {"seconds", "raw_read_seconds", "ratio_to_raw_read", "within_budget"} <= set(ev)
    assert by_name["reevaluate_one"]["runs"] == 20 and "median_ms" in by_name["reevaluate_one"]
    assert by_name["excel_export"]["rows"] == 60
    imp = by_name["excel_import"]
    assert imp["errors"] == 0 and imp["changes"] == 60 and imp["values_written"] == 60
    assert {"dry_run_seconds", "commit_seconds", "peak_rss_mib"} <= set(imp)
    for name, url, budget in [("dashboard", "/dashboard/", 300), ("portal_home", "/", 200)]:
        page = by_name[name]
        assert page["url"] == url and page["status"] == 200 and page["budget_ms"] == budget
        assert page["runs"] == 15 and page["median_ms"] > 0 and page["queries"] > 0
        assert page["register_records"] > 0
    assert all(line["engine"] in {"sqlite", "postgresql"} for line in lines)
    # never the user's database
    assert (
        "chungsuc-bench-" in by_name["setup"]["database"] or "chungsuc_bench_" in by_name["setup"]["database"]
    )
    after = os.path.getmtime(user_db) if os.path.exists(user_db) else None
    assert before == after
