"""`chungsuc bench` under load (runs last, after `assessments` generated the national-scale data and
the province administrator `bench.tinh`): 50 concurrent clients for 30 seconds against the officials'
dashboard and an API list, through gunicorn on the bench's throwaway database (PostgreSQL when
DATABASE_URL names one). The bench starts gunicorn itself on a free loopback port, waits for
/healthz, runs the clients (threads, one keep-alive connection each, one request at a time, bounded by
the duration and a request cap) and stops gunicorn. It prints requests, errors (any status but 200, or
no answer), p50 and p95 per address and overall; the budget (0 errors, p95 ≤ 1 s) is printed, never
asserted.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time

TARGETS = [
    ("dashboard", "/dashboard/", "session"),
    ("api_assessments", "/api/v1/assessments/", "token"),
]
BUDGET_P95_MS = 1000


def add_arguments(parser):
    parser.add_argument("--load-clients", type=int, default=50, help="Số máy khách đồng thời (mặc định 50).")
    parser.add_argument("--load-seconds", type=float, default=30.0, help="Thời gian tải (giây, mặc định 30).")
    parser.add_argument(
        "--load-workers", type=int, default=0, help="Số tiến trình gunicorn (mặc định 2 × số lõi + 1)."
    )
    parser.add_argument("--load-max-requests", type=int, default=200_000, help="Trần số yêu cầu.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return 0.0
    i = min(len(sorted_ms) - 1, max(0, round(q * (len(sorted_ms) - 1))))
    return sorted_ms[i]


def _credentials():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.filter(username="bench.tinh").first()
    if user is None:  # `--only api`: no generated data; measure the empty pages
        from chungsuc.accounts.models import Organisation, Role
        from chungsuc.accounts.services import membership_grant

        user = get_user_model().objects.create_user("bench.tinh", "bench.tinh@invalid", None)
        org = Organisation.objects.filter(code="so-noi-vu").first()
        if org is not None:
            membership_grant(actor=None, user=user, organisation=org, role=Role.PROVINCE_ADMIN)
    client = Client()
    client.force_login(user)  # a session row in the database, which gunicorn's workers read
    session = client.cookies["sessionid"].value
    token, _ = Token.objects.get_or_create(user=user)
    return {
        "session": {"Cookie": f"sessionid={session}"},
        "token": {"Authorization": f"Token {token.key}", "Accept": "application/json"},
    }


def _wait_ready(port: int, proc, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
            if ok:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def _client(port, plan, stop_at, budget, out, lock):
    """One client: a keep-alive connection, one request after another until the time is up."""
    conn = None
    samples: dict[str, list[float]] = {name: [] for name, _u, _a in plan}
    errors: dict[str, int] = {name: 0 for name, _u, _a in plan}
    i = 0
    while time.monotonic() < stop_at:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        name, url, headers = plan[i % len(plan)]
        i += 1
        t = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors[name] += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            errors[name] += 1
            if conn is not None:
                conn.close()
            conn = None
        samples[name].append((time.perf_counter() - t) * 1000)
    if conn is not None:
        conn.close()
    with lock:
        for name in samples:
            out["samples"][name].extend(samples[name])
            out["errors"][name] += errors[name]


def run(*, options, emit) -> None:
    from django.db import connection

    clients = int(options.get("load_clients") or 50)
    seconds = float(options.get("load_seconds") or 30)
    workers = int(options.get("load_workers") or 0) or (2 * (os.cpu_count() or 1) + 1)
    cap = int(options.get("load_max_requests") or 200_000)
    creds = _credentials()
    connection.close()  # the bench's own connection must not hold locks while gunicorn serves
    plan = [(name, url, creds[auth]) for name, url, auth in TARGETS]
    port = _free_port()
    env = dict(os.environ)
    env.update({"CHUNGSUC_SECURE_COOKIES": "0", "CHUNGSUC_SSL_REDIRECT": "0", "CHUNGSUC_AXES_ENABLED": "0"})
    env.pop("CHUNGSUC_BENCH_CHILD", None)
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "chungsuc.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",  # loopback only
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        if not _wait_ready(port, proc):
            err = proc.stderr.read()[-2000:] if proc.poll() is not None else "no answer from /healthz"
            emit({"bench": "load", "error": f"gunicorn did not start: {err}"})
            return
        # warm every worker a little (first requests compile templates, open connections)
        warm = {
            "samples": {n: [] for n, _u, _a in plan},
            "errors": dict.fromkeys([n for n, _u, _a in plan], 0),
        }
        lock = threading.Lock()
        threads = [
            threading.Thread(
                target=_client, args=(port, plan, time.monotonic() + 3, [workers * 4], warm, lock)
            )
            for _ in range(workers)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        out = {
            "samples": {n: [] for n, _u, _a in plan},
            "errors": dict.fromkeys([n for n, _u, _a in plan], 0),
        }
        budget = [cap]
        started = time.monotonic()
        stop_at = started + seconds
        threads = [
            threading.Thread(target=_client, args=(port, plan, stop_at, budget, out, lock), daemon=True)
            for _ in range(clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=seconds + 60)
        elapsed = time.monotonic() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    every: list[float] = []
    total_errors = 0
    for name, url, _h in plan:
        samples = sorted(out["samples"][name])
        every.extend(samples)
        total_errors += out["errors"][name]
        emit(
            {
                "bench": f"load_{name}",
                "url": url,
                "requests": len(samples),
                "errors": out["errors"][name],
                "p50_ms": round(_percentile(samples, 0.50), 1),
                "p95_ms": round(_percentile(samples, 0.95), 1),
                "max_ms": round(samples[-1], 1) if samples else 0,
            }
        )
    every.sort()
    p95 = _percentile(every, 0.95)
    emit(
        {
            "bench": "load",
            "clients": clients,
            "seconds": round(elapsed, 1),
            "gunicorn_workers": workers,
            "requests": len(every),
            "requests_per_second": round(len(every) / elapsed, 1) if elapsed else 0,
            "errors": total_errors,
            "p50_ms": round(_percentile(every, 0.50), 1),
            "p95_ms": round(p95, 1),
            "budget": "0 errors, p95 <= 1000 ms",
            "within_budget": total_errors == 0 and p95 <= BUDGET_P95_MS and bool(every),
        }
    )
