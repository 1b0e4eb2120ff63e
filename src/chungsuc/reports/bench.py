"""`chungsuc bench` for the reports app: the province's final review (2021–2025) as DOCX and as PDF
(budget ≤ 10 s each), laid out from figures of national-scale size: the plan's targets by year and the
consolidation of 1,000 participants' reports for each of the five years. The figures are generated
here as the plain data the movements selectors return (the movements bench measures reading them);
this measures drafting and laying out the document, which is the reports app's own cost."""

from __future__ import annotations

import datetime as dt
import random
import time
from types import SimpleNamespace

from chungsuc.reports import annual, documents
from chungsuc.reports.render_docx import render_docx
from chungsuc.reports.render_pdf import render_pdf

YEARS = [2021, 2022, 2023, 2024, 2025]
SOURCES = [
    ("state_budget", "Ngân sách nhà nước"),
    ("credit", "Vốn tín dụng"),
    ("enterprises", "Doanh nghiệp"),
    ("community", "Cộng đồng dân cư"),
]
NUMBERS = [
    "articles",
    "columns",
    "broadcasts",
    "state_budget",
    "credit",
    "enterprises",
    "community",
    "land_m2",
    "workdays",
    "models_replicated",
    "awards_proposed",
]


def figures(participants: int = 1000, seed: int = 861) -> tuple[dict, list[dict]]:
    rng = random.Random(seed)
    targets = []
    for i, name in enumerate(
        [
            "Xã đạt chuẩn nông thôn mới (thêm)",
            "Xã đạt chuẩn nông thôn mới nâng cao (thêm)",
            "Xã đạt chuẩn nông thôn mới kiểu mẫu (thêm)",
            "Huyện đạt chuẩn nông thôn mới",
        ]
    ):
        rows, ct, ca = [], 0, 0
        for y in YEARS:
            t, a = rng.randint(50, 400) // (i + 1), rng.randint(40, 420) // (i + 1)
            ct, ca = ct + t, ca + a
            rows.append(
                {"year": y, "target": t, "actual": a, "cumulative_target": ct, "cumulative_actual": ca}
            )
        targets.append({"name": name, "rows": rows})
    reports = []
    for y in YEARS:
        by_participant = [{"late": rng.random() < 0.1} for _ in range(participants)]
        totals = {k: rng.randint(10**6, 10**9) for k in NUMBERS}
        reports.append(
            {
                "year": y,
                "owed": participants,
                "included": participants - rng.randint(0, 50),
                "by_participant": by_participant,
                "totals": totals,
                "by_source": [{"source": k, "label": label, "amount": totals[k]} for k, label in SOURCES],
            }
        )
    return {"targets": targets}, reports


def national(*, emit) -> None:
    """The annual report of the movements bench's national-scale movement (10,000 communes, 1,000
    participants' reports for 2024), read through the same selectors as the background job and laid
    out as DOCX and PDF: reading and laying out are timed apart."""
    from django.contrib.auth import get_user_model

    from chungsuc.movements import selectors
    from chungsuc.movements.models import Movement

    movement = Movement.objects.filter(name="Phong trào tổng hợp (BENCH)").order_by("-pk").first()
    user = get_user_model().objects.filter(username="bench.tinh").first()
    if movement is None or user is None:
        emit({"bench": "annual_report_national", "skipped": "the movements bench did not run"})
        return
    on = dt.date(2024, 12, 31)
    for fmt, render in (("docx", render_docx), ("pdf", render_pdf)):
        t = time.perf_counter()
        movement = selectors.movement_or_404(user, movement.pk)
        figures = selectors.progress_data(movement, on=on)
        reports = [selectors.consolidation(movement, year=2024)]
        read = time.perf_counter() - t
        doc = annual.annual_report(
            movement, figures, reports, documents.Options(number="1"), years=[2024], today=on
        )
        data = render(doc)
        total = time.perf_counter() - t
        emit(
            {
                "bench": f"annual_report_national_{fmt}",
                "units": len(selectors.movement_units(movement)),
                "participants": reports[0]["owed"],
                "bytes": len(data),
                "read_seconds": round(read, 3),
                "seconds": round(total, 3),
                "budget_seconds": 10,
                "within_budget": total <= 10,
            }
        )


def run(*, options, emit) -> None:
    movement = SimpleNamespace(
        short_name="Phong trào thi đua “Chung sức xây dựng nông thôn mới” (BENCH)",
        act_number="861",
        act_symbol="KH-UBND",
        act_date=dt.date(2022, 12, 19),
        issuing_body="UBND tỉnh",
        is_demo=False,
    )
    progress, reports = figures()
    for fmt, render in (("docx", render_docx), ("pdf", render_pdf)):
        timings = []
        for _run in range(2):  # the first includes loading the library (a worker pays it once)
            t = time.perf_counter()
            doc = annual.annual_report(
                movement,
                progress,
                reports,
                documents.Options(number="1"),
                years=YEARS,
                today=dt.date(2025, 12, 15),
                final=True,
            )
            data = render(doc)
            timings.append(time.perf_counter() - t)
        emit(
            {
                "bench": f"final_review_{fmt}",
                "participants": 1000,
                "years": len(YEARS),
                "bytes": len(data),
                "cold_seconds": round(timings[0], 3),
                "seconds": round(timings[1], 3),
                "budget_seconds": 10,
                "within_budget": timings[1] <= 10,
            }
        )
    national(emit=emit)
