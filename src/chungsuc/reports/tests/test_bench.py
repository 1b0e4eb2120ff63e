"""The reports bench lines' shape (never their times): the final review laid out as DOCX and PDF."""

import pytest

from chungsuc.reports import bench
from chungsuc.reports.tests.conftest import pdf_text


@pytest.mark.django_db
def test_bench_prints_the_final_review_lines():
    lines = []
    bench.run(options={}, emit=lines.append)
    names = {line["bench"]: line for line in lines}
    # without the movements bench's national data set, the national annual report says so
    assert set(names) == {"final_review_docx", "final_review_pdf", "annual_report_national"}
    assert names.pop("annual_report_national")["skipped"]
    for line in names.values():
        assert line["participants"] == 1000 and line["bytes"] > 10_000
        assert {"seconds", "cold_seconds", "budget_seconds", "within_budget"} <= set(line)


def test_bench_figures_make_a_real_report():
    import datetime as dt
    from types import SimpleNamespace

    from chungsuc.reports import annual, documents
    from chungsuc.reports.render_pdf import render_pdf

    progress, reports = bench.figures(participants=20)
    movement = SimpleNamespace(short_name="Phong trào thử", act_number="", is_demo=False)
    doc = annual.annual_report(
        movement,
        progress,
        reports,
        documents.Options(),
        years=bench.YEARS,
        today=dt.date(2025, 12, 15),
        final=True,
    )
    text = " ".join(pdf_text(render_pdf(doc)).split())
    included = sum(r["included"] for r in reports)
    assert f"Có {included}/100 báo cáo đã nộp" in text
    assert "Tổng kết phong trào thử" in text
