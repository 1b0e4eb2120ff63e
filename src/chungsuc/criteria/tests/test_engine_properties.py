"""The engine's laws (hypothesis) and the set-at-a-time API agreeing with the one-unit API."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chungsuc.criteria import engine
from chungsuc.criteria.engine import Context, ContextIndex, evaluate, evaluate_matrix, share_met

DBSCL = "dong_bang_song_cuu_long"
CTX = Context(year=2024, region=DBSCL, kind="xa")


def _value_strategy(vt: str):
    if vt == engine.PASS_FAIL:
        return st.booleans()
    if vt == engine.PERCENTAGE:
        return st.floats(min_value=0, max_value=100, allow_nan=False)
    if vt == engine.COUNT:
        return st.integers(min_value=0, max_value=50)
    return st.floats(min_value=0, max_value=500, allow_nan=False)


@st.composite
def commune_values(draw, fw):
    values = {}
    for key, (vt, _code) in fw.value_types.items():
        if draw(st.booleans()) or draw(st.booleans()):  # ~75 % present
            values[key] = draw(_value_strategy(vt))
    return values


@pytest.fixture(scope="module")
def qd318(fws):
    return fws["xa-ntm-2021-ag"]


def _full_framework():
    """A framework in which every threshold is known (so the standard can be met)."""
    return engine.framework_from_dict(
        {
            "code": "t",
            "name": "t",
            "criteria": [
                {
                    "code": str(c),
                    "name": f"c{c}",
                    "indicators": [
                        {
                            "code": f"{c}.1",
                            "name": "a",
                            "value_type": "percentage",
                            "rules": [{"comparator": "gte", "value": 80}],
                        },
                        {
                            "code": f"{c}.2",
                            "name": "b",
                            "value_type": "pass_fail",
                            "rules": [{"comparator": "eq", "value": 1}],
                        },
                        {
                            "code": f"{c}.3",
                            "name": "c",
                            "value_type": "count",
                            "rules": [{"comparator": "lte", "value": 2}],
                        },
                    ],
                }
                for c in range(1, 20)
            ],
        }
    )


FULL = _full_framework()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_raising_a_value_under_gte_never_turns_met_into_not_met(qd318, data):
    values = data.draw(commune_values(qd318))
    gte_codes = [
        i.code
        for i in qd318.indicators
        if i.value_type in (engine.PERCENTAGE, engine.NUMBER)
        and all(r.comparator in ("gte", "gt") for r in i.rules)
    ]
    code = data.draw(st.sampled_from(gte_codes))
    base = data.draw(st.floats(min_value=0, max_value=100, allow_nan=False))
    bump = data.draw(st.floats(min_value=0, max_value=100, allow_nan=False))
    before = evaluate(qd318, Context(2025, DBSCL), {**values, code: base})
    after = evaluate(qd318, Context(2025, DBSCL), {**values, code: min(100.0, base + bump)})
    s_before = next(i for c in before.criteria for i in c.indicators if i.code == code).status
    s_after = next(i for c in after.criteria for i in c.indicators if i.code == code).status
    assert not (s_before == "met" and s_after == "not_met")
    assert after.criteria_met >= before.criteria_met


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_standard_met_exactly_when_every_criterion_met(data):
    values = data.draw(commune_values(FULL))
    res = evaluate(FULL, Context(2024), values)
    assert res.standard_met == all(c.met for c in res.criteria)
    assert res.criteria_met == sum(c.met for c in res.criteria)
    assert (res.band == "all") == res.standard_met


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_missing_is_never_met(qd318, data):
    values = data.draw(commune_values(qd318))
    res = evaluate(qd318, Context(2025, DBSCL), values)
    for c in res.criteria:
        for i in c.indicators:
            if i.code not in values:
                assert i.status == "missing"
            if i.status == "missing":
                assert not c.met
                assert i.code in res.missing or i.code in res.missing_thresholds
        assert c.met == all(i.status == "met" for i in c.indicators)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_matrix_agrees_with_single_unit(qd318, data):
    rows = [data.draw(commune_values(qd318)) for _ in range(5)]
    years = [data.draw(st.sampled_from([2022, 2025])) for _ in rows]
    keys = list(qd318.value_types)
    arrays = {}
    for key in keys:
        vt = qd318.value_types[key][0]
        arrays[key] = (
            np.array([float(r[key]) if key in r else np.nan for r in rows])
            if vt != "pass_fail"
            else np.array([(1.0 if r[key] else 0.0) if key in r else np.nan for r in rows])
        )
    ctxs = [Context(y, DBSCL) for y in years]
    mr = evaluate_matrix(qd318, ctxs, arrays)
    for u, (row, ctx) in enumerate(zip(rows, ctxs, strict=True)):
        single = evaluate(qd318, ctx, row)
        assert bool(mr.standard_met[u]) == single.standard_met
        assert int(mr.criteria_met_count[u]) == single.criteria_met
        flat = [i.status for c in single.criteria for i in c.indicators]
        assert [engine.STATUS_NAMES[int(s)] for s in mr.status[u]] == flat
        assert qd318.bands[int(mr.band_index[u])][1] == single.band


def test_matrix_ten_thousand_units_by_57_indicators(qd318):
    n = 10_000
    rng = np.random.default_rng(7)
    values = {}
    for key, (vt, _c) in qd318.value_types.items():
        if vt == "pass_fail":
            col = (rng.random(n) < 0.9).astype(float)
        elif vt == "percentage":
            col = rng.uniform(60, 100, n)
        elif vt == "count":
            col = rng.integers(0, 6, n).astype(float)
        else:
            col = rng.uniform(40, 90, n)
        col[rng.random(n) < 0.02] = np.nan
        values[key] = col
    contexts = ContextIndex.from_list([Context(2021 + k % 5, DBSCL, kind="xa") for k in range(n)])
    start = time.perf_counter()
    mr = evaluate_matrix(qd318, contexts, values)
    elapsed = time.perf_counter() - start
    assert mr.status.shape == (n, 57) and mr.criteria_met.shape == (n, 19)
    assert mr.standard_met.dtype == bool
    assert ((mr.status == engine.MET).all(axis=1) == mr.standard_met).all()
    assert elapsed < 5  # a sanity guard only; `make bench` measures (typically ~0.05 s)


def test_matrix_bad_input_names_the_code_and_row(qd318):
    with pytest.raises(engine.EvaluationError, match=r"Chỉ tiêu 3.1, đơn vị thứ 2: giá trị 120"):
        evaluate_matrix(qd318, CTX, {"3.1": np.array([80.0, 120.0])})
    with pytest.raises(engine.EvaluationError, match="«zz»"):
        evaluate_matrix(qd318, CTX, {"zz": np.array([1.0])})
    with pytest.raises(engine.EvaluationError, match="có 3 giá trị"):
        evaluate_matrix(qd318, CTX, {"3.1": np.array([80.0, 81.0]), "15.1": np.array([1.0, 2.0, 3.0])})
    with pytest.raises(engine.EvaluationError, match="9.1, đơn vị thứ 1"):
        evaluate_matrix(qd318, CTX, {"9.1": np.array([-1.0])})


def test_share_met_for_derived_district_indicators():
    parent = np.array([0, 0, 0, 1, 1, 2])
    met = np.array([1.0, 1.0, 0.0, 1.0, np.nan, 1.0])
    share = share_met(parent, met, 4)
    assert share[0] == pytest.approx(200 / 3)
    assert np.isnan(share[1])  # a child not evaluated
    assert share[2] == 100.0
    assert np.isnan(share[3])  # no child
