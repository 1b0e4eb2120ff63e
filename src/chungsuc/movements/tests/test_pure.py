"""The pure modules: progress counting, counts parsing, forecast, timeliness (no database)."""

import datetime as dt

import pytest

from chungsuc.movements import forecast, obligations, progress

T21 = progress.TargetSpec(
    code="2.1",
    name="Xã NTM",
    level="commune",
    standards=("ntm",),
    by_year={2021: 8, 2022: 6, 2023: 8, 2024: 5, 2025: 6},
)
YEARS = [2021, 2022, 2023, 2024, 2025]


def ach(uid, date, standard="ntm", level="commune", district="Huyện A"):
    return progress.Achievement(
        unit_id=uid, unit_name=f"Xã {uid}", level=level, standard=standard, date=date, district=district
    )


def test_target_progress_counts_by_year_of_decision_once_per_unit_and_cumulates():
    found = [
        ach(1, dt.date(2021, 5, 1)),
        ach(1, dt.date(2023, 5, 1)),  # the same unit again: counted once, at its first recognition
        ach(2, dt.date(2022, 1, 3), district="Huyện B"),
        ach(3, dt.date(2022, 12, 31)),
        ach(4, dt.date(2020, 12, 31)),  # before the period
        ach(5, dt.date(2023, 2, 1), standard="advanced"),  # another standard
        ach(6, dt.date(2024, 2, 1), level="district"),  # another level
    ]
    tp = progress.target_progress(T21, found, YEARS)
    assert [(r.year, r.target, r.actual) for r in tp.rows] == [
        (2021, 8, 1),
        (2022, 6, 2),
        (2023, 8, 0),
        (2024, 5, 0),
        (2025, 6, 0),
    ]
    assert [r.cumulative_actual for r in tp.rows] == [1, 3, 3, 3, 3]
    assert [r.cumulative_target for r in tp.rows] == [8, 14, 22, 27, 33]
    assert tp.rows[1].difference == -4 and tp.rows[1].cumulative_difference == -11
    assert tp.total_target == 33 and tp.total_actual == 3
    assert tp.share == pytest.approx(100 * 3 / 33)
    assert [(d.district, d.by_year[2021], d.by_year[2022], d.total) for d in tp.by_district] == [
        ("Huyện A", 1, 1, 2),
        ("Huyện B", 0, 1, 1),
    ]


def test_a_district_target_counts_the_standards_it_lists():
    t23 = progress.TargetSpec(
        code="2.3",
        name="Huyện",
        level="district",
        standards=("ntm", "task_completed"),
        by_year={2024: 1, 2025: 2},
    )
    found = [
        ach(10, dt.date(2024, 6, 1), level="district"),
        ach(11, dt.date(2025, 3, 1), standard="task_completed", level="district"),
        ach(12, dt.date(2025, 4, 1), standard="advanced", level="district"),
    ]
    tp = progress.target_progress(t23, found, YEARS)
    assert [r.actual for r in tp.rows] == [0, 0, 0, 1, 1]
    assert tp.rows[-1].met is False


def test_parse_counts_one_number_per_year_or_a_named_error():
    assert progress.parse_counts("8, 6, 8, 5, 6", YEARS) == {2021: 8, 2022: 6, 2023: 8, 2024: 5, 2025: 6}
    assert progress.parse_counts("1;2;;3;4", YEARS) == {2021: 1, 2022: 2, 2023: 0, 2024: 3, 2025: 4}
    with pytest.raises(ValueError, match="cần 5 số"):
        progress.parse_counts("8, 6, 8", YEARS)
    with pytest.raises(ValueError, match="năm 2022: «x» không phải số"):
        progress.parse_counts("1, x, 3, 4, 5", YEARS)
    with pytest.raises(ValueError, match="chưa nhập"):
        progress.parse_counts("", YEARS)


def test_coverage_is_not_computed_when_not_comparable():
    assert progress.Coverage(reported=71, in_register=31).share == pytest.approx(100 * 31 / 71)
    assert progress.Coverage(reported=71, in_register=31).missing == 40
    assert progress.Coverage(reported=69, in_register=0, comparable=False).share is None


def test_gaps_text_reads_like_an_official():
    assert forecast.gaps_text(("17", "10")) == "thiếu tiêu chí 10 và 17"
    assert forecast.gaps_text(("5", "17", "10")) == "thiếu tiêu chí 5, 10 và 17"
    assert forecast.gaps_text(("10",)) == "thiếu tiêu chí 10"
    assert forecast.gaps_text(()) == "đạt tất cả tiêu chí"
    assert forecast.gaps_text(None) == "chưa có đánh giá"


CANDIDATES = [
    forecast.Candidate(1, "Xã Đủ", gaps=(), evaluated_year=2026),
    forecast.Candidate(2, "Xã Gần", gaps=("10", "17"), evaluated_year=2026, roadmap_year=2027),
    forecast.Candidate(3, "Xã Gần Lộ Trình", gaps=("10", "17"), evaluated_year=2026, roadmap_year=2026),
    forecast.Candidate(4, "Xã Xa", gaps=("2", "5", "10"), evaluated_year=2026, roadmap_year=2025),
    forecast.Candidate(5, "Xã Chưa Đánh Giá", roadmap_year=2027),
    forecast.Candidate(6, "Xã Thiếu Một", gaps=("8",), evaluated_year=2025),
]


def test_forecast_year_lists_who_can_reach_the_standard_and_the_shortfall():
    yf = forecast.forecast_year(year=2026, target=5, achieved=1, candidates=CANDIDATES)
    status = {u.candidate.name: u.status for u in yf.units}
    assert status == {
        "Xã Đủ": forecast.READY,
        "Xã Gần": forecast.LATER,  # its roadmap aims at 2027
        "Xã Gần Lộ Trình": forecast.CLOSE,
        "Xã Xa": forecast.FAR,
        "Xã Chưa Đánh Giá": forecast.UNKNOWN,
        "Xã Thiếu Một": forecast.CLOSE,
    }
    # already recognised this year + ready + close
    assert yf.expected == 1 + 3
    assert yf.shortfall == 1 and yf.at_risk
    far = next(u for u in yf.units if u.candidate.unit_id == 4)
    assert far.behind_roadmap and far.gaps_text == "thiếu tiêu chí 2, 5 và 10"
    # the order: ready first, then the closest
    assert [u.candidate.unit_id for u in yf.units][:3] == [1, 6, 3]


def test_forecast_is_not_at_risk_when_the_candidates_cover_the_target():
    yf = forecast.forecast_year(year=2026, target=3, achieved=0, candidates=CANDIDATES)
    assert yf.expected == 3 and yf.shortfall == 0 and not yf.at_risk


def test_later_years_come_from_roadmaps_without_counting_a_unit_twice():
    years = forecast.forecast_years(
        years=[2026, 2027, 2028],
        targets={2026: 2, 2027: 4, 2028: 1},
        achieved={},
        candidates=CANDIDATES,
    )
    assert [y.year for y in years] == [2026, 2027, 2028]
    assert years[0].expected == 3
    # 2027: roadmap units 2 and 5 (unit 3 was counted in 2026)
    assert years[1].from_roadmap_only and years[1].planned == 2 and years[1].shortfall == 2
    assert years[2].planned == 0 and years[2].at_risk


def test_timeliness_and_the_late_mark_that_stays():
    due = dt.date(2024, 12, 15)
    assert (
        obligations.timeliness(due=due, first_submitted=dt.date(2024, 12, 15), today=dt.date(2025, 1, 1))
        == "on_time"
    )
    assert (
        obligations.timeliness(due=due, first_submitted=dt.date(2024, 12, 16), today=dt.date(2025, 1, 1))
        == "late"
    )
    assert (
        obligations.timeliness(
            due=due, first_submitted=dt.date(2024, 12, 1), today=dt.date(2025, 1, 1), late_mark=True
        )
        == "late"
    )
    assert obligations.timeliness(due=due, first_submitted=None, today=dt.date(2024, 12, 16)) == "missing"
    assert obligations.timeliness(due=due, first_submitted=None, today=dt.date(2024, 12, 15)) == "pending"
    c = obligations.completeness(["on_time", "late", "missing", "pending"])
    assert (c.owed, c.submitted, c.share_submitted) == (4, 2, pytest.approx(100 * 2 / 3))


def test_reminder_kind():
    due = dt.date(2024, 12, 15)
    assert obligations.reminder_kind(due=due, today=dt.date(2024, 12, 1), days_before=7) is None
    assert obligations.reminder_kind(due=due, today=dt.date(2024, 12, 8), days_before=7) == "before"
    assert obligations.reminder_kind(due=due, today=dt.date(2024, 12, 16), days_before=7) == "overdue"
    assert obligations.due_from_template("{year}-12-15", 2023) == dt.date(2023, 12, 15)


def test_cluster_ranking_by_cross_scores_with_shared_ranks():
    from chungsuc.movements.clusters import ScoreLine, standings

    lines = [
        ScoreLine(1, 1, "a", 50),
        ScoreLine(1, 1, "b", 45),  # 1 gives itself 95
        ScoreLine(1, 2, "a", 40),
        ScoreLine(1, 3, "a", 44),  # others give 1: 40 and 44 → 42
        ScoreLine(2, 1, "a", 42),
        ScoreLine(2, 3, "a", 42),  # 2: 42 → ties with 1
        ScoreLine(3, 1, "a", 30),  # 3: 30
        ScoreLine(4, 4, "a", 99),  # 4 only scored itself
        ScoreLine(9, 1, "a", 10),  # not a member: ignored
    ]
    table = standings([1, 2, 3, 4], lines)
    got = [(s.member, s.rank, s.cross_average, s.self_total, s.cross_scorers) for s in table]
    assert got == [
        (1, 1, 42.0, 95.0, 2),  # tie broken for display by the self score, same rank
        (2, 1, 42.0, None, 2),
        (3, 3, 30.0, None, 1),
        (4, 4, None, 99.0, 0),
    ]
    assert table[-1].only_self


def test_a_unit_known_only_by_its_count_of_gaps_is_far_or_close_like_one_with_the_codes():
    """The selector reads the criteria's codes only for units within `max_gaps`; the others come with
    their count, and the outlook is the same as it would be with the codes."""
    counted = forecast.Candidate(7, "", gap_count=5, evaluated_year=2026)
    coded = forecast.Candidate(8, "", gaps=("1", "2", "3", "4", "5"), evaluated_year=2026)
    assert counted.evaluated and counted.missing_criteria == 5
    assert forecast.outlook(counted, 2026).status == forecast.outlook(coded, 2026).status == forecast.FAR
    assert forecast.outlook(counted, 2026, max_gaps=5).status == forecast.CLOSE
    assert forecast.outlook(counted, 2026).gaps_text == "thiếu 5 tiêu chí"
    nothing = forecast.Candidate(9, "")
    assert not nothing.evaluated and forecast.outlook(nothing, 2026).status == forecast.UNKNOWN
    yf = forecast.forecast_year(year=2026, target=1, achieved=0, candidates=[counted, coded, nothing])
    assert yf.with_status(forecast.FAR) and len(yf.with_status(forecast.FAR)) == 2 and yf.expected == 0
