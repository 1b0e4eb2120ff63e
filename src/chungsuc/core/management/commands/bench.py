"""`chungsuc bench`: the performance budgets of the design guide, measured on generated data.

Generic: every app may provide `chungsuc.<app>.bench` with
`add_arguments(parser)` (optional) and `run(*, options, emit)`; `emit(dict)` prints one JSON line.

The benchmarks never touch the user's database. The command re-runs itself in a child process whose
DATABASE_URL points at a throwaway database — a temporary SQLite file by default, or, when
DATABASE_URL names a PostgreSQL server, a database `chungsuc_bench_<pid>` created on that server and
dropped afterwards. The child migrates it, runs the benchmarks and prints JSON lines on stdout.

    chungsuc bench                       # national scale: 10,000 communes, ~700 districts, 5 years
    chungsuc bench --communes 500        # smaller, e.g. for a quick check or a test
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres chungsuc bench

Machines differ (the design guide: a 2.0 GHz Xeon reads the same values about 2.7 × slower than a
2.6 GHz EPYC), so once the raw read of every value has been measured (`read_values`), every later line
with a time budget carries that raw read, its figure scaled to the guide's raw read (1.5 s on SQLite,
1.2 s on PostgreSQL) and `within_budget` judged on the scaled figure, as the guide states the budgets;
the figure as measured stays beside it (`within_budget_unscaled`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from importlib import import_module
from urllib.parse import urlparse, urlunparse

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

CHILD_FLAG = "CHUNGSUC_BENCH_CHILD"
# The design guide's raw read of every value (seconds), against which the budgets are stated.
REFERENCE_RAW_READ = {"sqlite": 1.5, "postgresql": 1.2}
APPS = [
    "core",
    "geo",
    "accounts",
    "criteria",
    "assessments",
    "movements",
    "awards",
    "reports",
    "dashboard",
    "portal",
    "api",  # last: 50 clients through gunicorn on the data the others generated
]


def bench_modules():
    for label in APPS:
        if not apps.is_installed(f"chungsuc.{label}"):
            continue
        try:
            yield label, import_module(f"chungsuc.{label}.bench")
        except ModuleNotFoundError as exc:
            if exc.name != f"chungsuc.{label}.bench":
                raise


class Command(BaseCommand):
    help = "Đo hiệu năng theo ngân sách trong tài liệu thiết kế trên dữ liệu tổng hợp (in ra các dòng JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--only", default="", help="Chỉ chạy các ứng dụng này (phân cách bằng dấu phẩy).")
        parser.add_argument("--keep", action="store_true", help="Giữ lại cơ sở dữ liệu đo (để xem lại).")
        for _label, module in bench_modules():
            adder = getattr(module, "add_arguments", None)
            if adder:
                adder(parser)

    def handle(self, *args, **options):
        if os.environ.get(CHILD_FLAG) == "1":
            return self._child(options)
        return self._parent(options)

    # --- the parent: make a throwaway database and run the child against it ---------------------

    def _parent(self, options):
        url = os.environ.get("DATABASE_URL", "")
        env = dict(os.environ)
        env[CHILD_FLAG] = "1"
        # The throwaway run measures server time, not static files: no collectstatic build needed.
        env.setdefault("CHUNGSUC_STATIC_MANIFEST", "0")
        cleanup = None
        if url.startswith(("postgres://", "postgresql://")):
            import psycopg

            name = f"chungsuc_bench_{os.getpid()}"
            parsed = urlparse(url)
            # create and drop through the server's maintenance database (the named one may not exist)
            url = urlunparse(parsed._replace(path="/postgres"))
            admin = psycopg.connect(url, autocommit=True)
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
            admin.close()
            env["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))

            def cleanup():
                if options["keep"]:
                    self.stderr.write(f"Giữ lại cơ sở dữ liệu đo: {env['DATABASE_URL']}")
                    return
                conn = psycopg.connect(url, autocommit=True)
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.close()

            where = f"PostgreSQL {parsed.hostname}/{name}"
        else:
            folder = tempfile.mkdtemp(prefix="chungsuc-bench-")
            path = os.path.join(folder, "bench.sqlite3")
            env["DATABASE_URL"] = f"sqlite:///{path}"
            env["CHUNGSUC_VAR_DIR"] = folder

            def cleanup():
                if options["keep"]:
                    self.stderr.write(f"Giữ lại cơ sở dữ liệu đo: {path}")
                    return
                import shutil

                shutil.rmtree(folder, ignore_errors=True)

            where = f"SQLite {path}"
        self.stderr.write(f"Cơ sở dữ liệu đo (tạm): {where}")
        argv = [sys.executable, "-m", "chungsuc", "bench", *sys_argv_options(options)]
        try:
            proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, text=True, check=False)
        finally:
            cleanup()
        self.stdout.write(proc.stdout.rstrip("\n"))
        if proc.returncode != 0:
            raise CommandError(f"Tiến trình đo lỗi (mã {proc.returncode}).")

    # --- the child: migrate the throwaway database and run every app's benchmarks ----------------

    def _child(self, options):
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        only = {x.strip() for x in options["only"].split(",") if x.strip()}

        raw_read: dict = {}

        def emit(data: dict) -> None:
            data = scale_to_reference({"engine": connection.vendor, **data}, raw_read)
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            self.stdout.flush()

        emit(
            {
                "bench": "setup",
                "database": str(settings.DATABASES["default"]["NAME"]),
                "seconds": round(time.perf_counter() - started, 3),
            }
        )
        for label, module in bench_modules():
            if only and label not in only:
                continue
            module.run(options=options, emit=emit)


def scale_to_reference(data: dict, raw_read: dict) -> dict:
    """Record the raw read when `data` is it; add the scaled figure to a line with a time budget
    (median_ms against budget_ms, or seconds against budget_seconds) measured after it."""
    if data.get("bench") == "read_values" and data.get("raw_rows_seconds"):
        raw_read["seconds"] = data["raw_rows_seconds"]
        return data
    reference = REFERENCE_RAW_READ.get(data.get("engine"))
    measured = raw_read.get("seconds")
    pairs = (("median_ms", "budget_ms"), ("seconds", "budget_seconds"))
    figure, budget = next(((f, b) for f, b in pairs if f in data and b in data), (None, None))
    if figure is None or not reference or not measured:
        return data
    factor = reference / measured
    scaled = data[figure] * factor
    ok = data.get("status", 200) == 200 and data.get("errors", 0) == 0
    return {
        **data,
        "raw_read_seconds": measured,
        "reference_raw_read_seconds": reference,
        f"scaled_{figure}": round(scaled, 3 if figure == "seconds" else 1),
        "within_budget_unscaled": data.get("within_budget"),
        "within_budget": ok and scaled <= data[budget],
    }


def sys_argv_options(options) -> list[str]:
    """The options again as command-line arguments for the child."""
    out = []
    for key, value in options.items():
        if key in {
            "verbosity",
            "settings",
            "pythonpath",
            "traceback",
            "no_color",
            "force_color",
            "skip_checks",
        }:
            continue
        flag = "--" + key.replace("_", "-")
        if isinstance(value, bool):
            if value:
                out.append(flag)
        elif value not in (None, ""):
            out += [flag, str(value)]
    return out
