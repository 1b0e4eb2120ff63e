"""Benchmarks of the assessments app (run by `chungsuc bench`, in a throwaway database).

The generator (seeded; the same options give the same data):
- a synthetic country of `--communes` communes (default 10,000) in `--districts` districts (default
  `communes / 14`, about 700), spread over the six socio-economic regions; codes are 6-digit numbers
  starting at 900000 (never real national codes); every unit is labelled "(BENCH)";
- `--years` years (default 5: 2021–2025) of one assessment per commune against the built-in QĐ 318
  commune framework (`xa-ntm-2021`, 19 criteria, 57 indicators, plus the 6 extra inputs some
  indicators need, e.g. the number of schools): 10,000 × 5 × 63 ≈ 3.15 million stored values.
  Values follow the indicator's type: pass/fail "met" with probability 0.85, percentages around
  85 %, incomes around 60 million VND, counts of a few units; 3 % are left missing. Each value
  is one `AssessmentValue` row, and each assessment also has its packed value column (see models).

Printed JSON lines (`bench` field):
- generate: the data's size and how long generating it took;
- read_values: the time merely to read every value row into Python (assessment id, code, value), and
  the time to read the packed columns that evaluation uses;
- evaluate_all: evaluating every commune-year from the database and storing one result each
  (read + numpy evaluation + write), the results stored, and the ratio to the raw read (budget ≤ 3);
- reevaluate_one: saving one changed value of one commune through the service (version check, value
  row with history, audit row, repack, evaluation, stored result): median and max of 20 runs (≤ 50 ms);
- excel_export: the pre-filled workbook of every commune for one year (a row per commune, a column per
  indicator, locked codes, validation, thresholds) (≤ 10 s);
- excel_import: the dry run of that workbook with one value changed in every row (reading, checking,
  comparing, the report) with the process's peak memory, then the commit (≤ 15 s, ≤ 1 GiB);
- dashboard, portal_home: server time of the province dashboard (`/dashboard/`, as a province
  administrator whose jurisdiction is the synthetic province) and of the public portal home (`/`),
  through Django's test client: median and max of `--page-runs` requests after one warm-up, and the
  number of queries of one request (≤ 300 ms and ≤ 200 ms median). A register is seeded first: about
  60 % of communes recognised new-rural, 15 % advanced, so the counts and the regression watch work.
"""

from __future__ import annotations

import datetime as dt
import io
import resource
import statistics
import time

import numpy as np

SEED = 20250701
REGIONS = [
    "trung_du_mien_nui_phia_bac",
    "dong_bang_song_hong",
    "bac_trung_bo_duyen_hai_mien_trung",
    "tay_nguyen",
    "dong_nam_bo",
    "dong_bang_song_cuu_long",
]


def add_arguments(parser):
    parser.add_argument("--communes", type=int, default=10_000, help="Số xã tổng hợp (mặc định 10.000).")
    parser.add_argument("--districts", type=int, default=0, help="Số huyện (mặc định: số xã / 14).")
    parser.add_argument("--years", type=int, default=5, help="Số năm (mặc định 5: 2021–2025).")
    parser.add_argument("--framework", default="xa-ntm-2021", help="Mã bộ tiêu chí cấp xã dùng để đo.")
    parser.add_argument(
        "--page-runs",
        type=int,
        default=15,
        help="Số lần mở trang tổng quan và cổng thông tin để lấy trung vị.",
    )


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _framework(code: str):
    from chungsuc.criteria import builtin as criteria_builtin
    from chungsuc.criteria.models import Framework, Status

    criteria_builtin.load()
    fw = Framework.objects.filter(code=code, status=Status.IN_FORCE).order_by("-version").first()
    if fw is None:
        raise SystemExit(f"Không có bộ tiêu chí {code}.")
    return fw


def _usable_regions(efw) -> list[str]:
    from chungsuc.criteria import engine

    ok = []
    for region in REGIONS:
        ctx = engine.Context(year=2023, region=region, kind="xa")
        try:
            for ind in efw.indicators:
                engine._candidates(efw, ind, ctx)
        except engine.EvaluationError:
            continue
        ok.append(region)
    return ok or [None]


def generate(*, communes: int, districts: int, years: int, framework_code: str):
    from django.db import connection, transaction

    from chungsuc.assessments import frameworks
    from chungsuc.assessments.models import Assessment, AssessmentValue, layout_key, values_hash
    from chungsuc.geo.models import Unit, UnitVersion

    rng = np.random.default_rng(SEED)
    fw = _framework(framework_code)
    efw = frameworks.engine_framework(fw)
    keys = frameworks.layout(efw)
    fields = {f.key: f for f in frameworks.fields(efw)}
    regions = _usable_regions(efw)
    districts = districts or max(1, round(communes / 14))
    first_year = 2021
    year_list = list(range(first_year, first_year + years))
    with transaction.atomic():
        province = Unit.objects.create(
            key="bench-900000", code="900000", name="Tỉnh tổng hợp (BENCH)", kind="tinh", level="province"
        )
        UnitVersion.objects.create(
            unit=province, code="900000", name=province.name, kind="tinh", level="province"
        )
        d_units = Unit.objects.bulk_create(
            [
                Unit(
                    key=f"bench-{900001 + i}",
                    code=str(900001 + i),
                    name=f"Huyện {i + 1} (BENCH)",
                    kind="huyen",
                    level="district",
                    region=regions[i % len(regions)] or "",
                )
                for i in range(districts)
            ]
        )
        UnitVersion.objects.bulk_create(
            [
                UnitVersion(unit=u, code=u.code, name=u.name, kind="huyen", level="district", parent=province)
                for u in d_units
            ]
        )
        parent_of = rng.integers(0, districts, size=communes)
        c_units = Unit.objects.bulk_create(
            [
                Unit(
                    key=f"bench-{910000 + i}",
                    code=str(910000 + i),
                    name=f"Xã {i + 1} (BENCH)",
                    kind="xa",
                    level="commune",
                    region=d_units[parent_of[i]].region,
                    search_name=f"xa {i + 1} (bench)",
                )
                for i in range(communes)
            ],
            batch_size=2000,
        )
        UnitVersion.objects.bulk_create(
            [
                UnitVersion(
                    unit=u, code=u.code, name=u.name, kind="xa", level="commune", parent=d_units[parent_of[i]]
                )
                for i, u in enumerate(c_units)
            ],
            batch_size=2000,
        )
        from chungsuc.geo.closure import closure_rebuild

        closure_rebuild()  # bulk_create sends no signals: the permission layer's tables by hand
        n = communes * len(year_list)
        width = len(keys)
        matrix = np.empty((n, width), dtype="<f8")
        for j, key in enumerate(keys):
            vt = fields[key].value_type
            if vt == "pass_fail":
                col = (rng.random(n) < 0.85).astype(float)
            elif vt == "percentage":
                col = np.clip(rng.normal(85, 12, n), 0, 100).round(1)
            elif vt == "count":
                col = rng.poisson(3, n).astype(float)
            else:
                col = np.abs(rng.normal(60, 15, n)).round(1)
            col[rng.random(n) < 0.03] = np.nan
            matrix[:, j] = col
        lkey = layout_key(keys)
        rows = []
        i = 0
        for year in year_list:
            for u in c_units:
                blob = matrix[i].tobytes()
                rows.append(
                    Assessment(
                        unit=u,
                        year=year,
                        framework=fw,
                        title=f"{u.name} {year}",
                        packed=blob,
                        layout=lkey,
                        values_hash=values_hash(blob),
                        filled=int((~np.isnan(matrix[i])).sum()),
                    )
                )
                i += 1
        assessments = Assessment.objects.bulk_create(rows, batch_size=2000)
        ids = [a.pk for a in assessments]
        table = AssessmentValue._meta.db_table
        now = dt.datetime.now(dt.UTC)
        cols = "assessment_id, indicator_code, value, comment, updated_at"
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for r, aid in enumerate(ids):
                        row = matrix[r]
                        for j, key in enumerate(keys):
                            v = row[j]
                            copy.write_row((aid, key, None if v != v else float(v), "", now))
            else:
                stamp = connection.ops.adapt_datetimefield_value(now)
                sql = f"INSERT INTO {table} ({cols}) VALUES (%s, %s, %s, %s, %s)"
                batch = []
                for r, aid in enumerate(ids):
                    row = matrix[r].tolist()
                    for j, key in enumerate(keys):
                        v = row[j]
                        batch.append((aid, key, None if v != v else v, "", stamp))
                    if len(batch) >= 200_000:
                        cur.executemany(sql, batch)
                        batch = []
                if batch:
                    cur.executemany(sql, batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return fw, c_units, year_list, n * width, len(efw.indicators), width


def raw_read() -> tuple[float, int]:
    """Seconds to read every stored value into Python, with nothing else done (the design guide's
    yardstick of a machine's speed), and the number of values read."""
    from django.db import connection

    from chungsuc.assessments.models import AssessmentValue

    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"SELECT assessment_id, indicator_code, value FROM {AssessmentValue._meta.db_table}")
        raw = cur.fetchall()
    return time.perf_counter() - t, len(raw)


def run(*, options, emit):
    from django.contrib.auth import get_user_model

    from chungsuc.assessments import excel, services
    from chungsuc.assessments.evaluation import evaluate_many
    from chungsuc.assessments.models import Assessment, EvaluationResult

    communes = int(options.get("communes") or 10_000)
    t = time.perf_counter()
    fw, c_units, years, n_values, n_indicators, n_keys = generate(
        communes=communes,
        districts=int(options.get("districts") or 0),
        years=int(options.get("years") or 5),
        framework_code=options.get("framework") or "xa-ntm-2021",
    )
    emit(
        {
            "bench": "generate",
            "communes": communes,
            "districts": int(options.get("districts") or 0) or max(1, round(communes / 14)),
            "years": len(years),
            "assessments": communes * len(years),
            "indicators": n_indicators,
            "value_keys_per_assessment": n_keys,
            "values": n_values,
            "seconds": round(time.perf_counter() - t, 3),
        }
    )

    # --- reading ---------------------------------------------------------------------------------
    read_raw, count_raw = raw_read()
    t = time.perf_counter()
    packed = list(Assessment.objects.values_list("id", "packed").iterator(chunk_size=5000))
    read_packed = time.perf_counter() - t
    del packed
    emit(
        {
            "bench": "read_values",
            "values": count_raw,
            "raw_rows_seconds": round(read_raw, 3),
            "packed_columns_seconds": round(read_packed, 3),
        }
    )

    # --- evaluate everything, store results ------------------------------------------------------
    before = EvaluationResult.objects.count()
    timings: dict = {}
    t = time.perf_counter()
    n = evaluate_many(Assessment.objects.all(), timings=timings)
    full = time.perf_counter() - t
    stored = EvaluationResult.objects.count() - before
    met = EvaluationResult.objects.filter(standard_met=True).count()
    emit(
        {
            "bench": "evaluate_all",
            "assessments": n,
            "results_stored": stored,
            "standard_met": met,
            "seconds": round(full, 3),
            "read_seconds": round(timings["read_s"], 3),
            "evaluate_seconds": round(timings["evaluate_s"], 3),
            "store_seconds": round(timings["store_s"], 3),
            "raw_read_seconds": round(read_raw, 3),
            "ratio_to_raw_read": round(full / read_raw, 2) if read_raw else None,
            "budget_ratio": 3.0,
            "within_budget": bool(read_raw and full <= 3 * read_raw),
        }
    )

    # --- one commune, one value --------------------------------------------------------------------
    User = get_user_model()
    admin = User.objects.create_superuser("bench.admin", "bench@invalid", None)
    a = Assessment.objects.filter(year=years[-1]).select_related("unit", "framework").order_by("id").first()
    samples = []
    for i in range(20):
        t = time.perf_counter()
        services.assessment_values_save(actor=admin, assessment=a, values={"3.1": 70 + i % 20})
        samples.append((time.perf_counter() - t) * 1000)
    emit(
        {
            "bench": "reevaluate_one",
            "runs": len(samples),
            "median_ms": round(statistics.median(samples), 2),
            "max_ms": round(max(samples), 2),
            "budget_ms": 50,
            "within_budget": statistics.median(samples) <= 50,
        }
    )

    # --- Excel export and import of every commune for one year -----------------------------------
    year = years[-1]
    units = sorted(c_units, key=lambda u: u.code)
    by_unit = {x.unit_id: x for x in Assessment.objects.filter(year=year, framework=fw)}
    t = time.perf_counter()
    data = excel.build_workbook(framework=fw, year=year, units=units, assessments=by_unit)
    export_s = time.perf_counter() - t
    emit(
        {
            "bench": "excel_export",
            "rows": len(units),
            "bytes": len(data),
            "seconds": round(export_s, 3),
            "budget_seconds": 10,
            "within_budget": export_s <= 10,
        }
    )

    # change one value (3.1) in every row, as an official would, and upload it
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[excel.DATA_SHEET]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "3.1")
    for r in range(excel.FIRST_ROW, excel.FIRST_ROW + len(units)):
        cell = ws.cell(r, col)
        cell.value = 50 if cell.value != 50 else 51
    buf = io.BytesIO()
    wb.save(buf)
    del wb, ws
    upload = buf.getvalue()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.utils import override_settings

    rss0 = _rss_mib()
    t = time.perf_counter()
    with override_settings(FILE_UPLOAD_MAX_BYTES=max(len(upload) + 1, 20 * 1024 * 1024)):
        plan = excel.dry_run(actor=admin, upload=SimpleUploadedFile("bench.xlsx", upload))
    dry = time.perf_counter() - t
    t = time.perf_counter()
    written = excel.commit(actor=admin, plan=plan) if not plan.errors else 0
    commit_s = time.perf_counter() - t
    peak = _rss_mib()
    emit(
        {
            "bench": "excel_import",
            "rows": len(units),
            "bytes": len(upload),
            "errors": len(plan.errors),
            "changes": plan.change_count,
            "dry_run_seconds": round(dry, 3),
            "commit_seconds": round(commit_s, 3),
            "values_written": written,
            "seconds": round(dry + commit_s, 3),
            "budget_seconds": 15,
            "within_budget": dry + commit_s <= 15,
            "peak_rss_mib": round(peak, 1),
            "rss_before_mib": round(rss0, 1),
            "budget_mib": 1024,
            "within_memory_budget": peak <= 1024,
        }
    )

    pages(emit=emit, runs=int(options.get("page_runs") or 15))


def _seed_register(rng) -> int:
    """A register for the synthetic country: about 60 % of communes recognised new-rural in 2021,
    a quarter of those advanced in 2023 (so the dashboard's counts and regression watch have work)."""
    from django.apps import apps

    from chungsuc.geo.models import Unit

    RecognitionRecord = apps.get_model("recognitions", "RecognitionRecord")  # the app above, no import

    ids = list(Unit.objects.filter(key__startswith="bench-", level="commune").values_list("id", flat=True))
    draws = rng.random(len(ids))
    rows = []
    for uid, x in zip(ids, draws, strict=True):
        if x < 0.6:
            rows.append(
                RecognitionRecord(
                    unit_id=uid,
                    standard="ntm",
                    year=2021,
                    since=dt.date(2021, 12, 31),
                    source="BENCH",
                    origin="import",
                )
            )
        if x < 0.15:
            rows.append(
                RecognitionRecord(
                    unit_id=uid,
                    standard="advanced",
                    year=2023,
                    since=dt.date(2023, 12, 31),
                    source="BENCH",
                    origin="import",
                )
            )
    RecognitionRecord.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _time_page(client, url: str, runs: int) -> tuple[list[float], int, int]:
    """Server time of `runs` GETs (after one warm-up), and the query count of one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = client.get(url).status_code  # warm-up (caches, compiled templates)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        resp = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        status = resp.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return samples, status, len(ctx.captured_queries)


def pages(*, emit, runs: int = 15) -> None:
    """The province dashboard as a province administrator and the public portal home, through
    Django's test client against the bench database: median of `runs` requests (≤ 300 ms, ≤ 200 ms)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from chungsuc.accounts.models import Jurisdiction, Membership, Organisation, Role
    from chungsuc.geo.models import Unit

    records = _seed_register(np.random.default_rng(SEED + 1))
    # Statistics for the planner after the bulk writes (results stored, register seeded), as a
    # production database's autovacuum keeps them; without them PostgreSQL plans the regression watch
    # for empty tables (measured: 47 ms → 13 ms at 1,000 communes). SQLite's ANALYZE fills sqlite_stat1.
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    province = Unit.objects.get(key="bench-900000")
    org = Organisation.objects.create(code="bench-ubnd-tinh", name="UBND tỉnh tổng hợp (BENCH)", kind="ubnd")
    Jurisdiction.objects.create(organisation=org, unit=province)
    user = get_user_model().objects.create_user("bench.tinh", "bench.tinh@invalid", None)
    Membership.objects.create(user=user, organisation=org, role=Role.PROVINCE_ADMIN)
    official = Client()
    official.force_login(user)
    for name, url, client, budget in [
        ("dashboard", "/dashboard/", official, 300),
        ("portal_home", "/", Client(), 200),
    ]:
        samples, status, queries = _time_page(client, url, runs)
        median = statistics.median(samples)
        emit(
            {
                "bench": name,
                "url": url,
                "status": status,
                "runs": len(samples),
                "median_ms": round(median, 2),
                "max_ms": round(max(samples), 2),
                "queries": queries,
                "register_records": records,
                "budget_ms": budget,
                "within_budget": status == 200 and median <= budget,
            }
        )
