"""Fixtures of the assessments tests: a small framework (independent of the built-in criteria data),
the built-in workflows, and helpers."""

from __future__ import annotations

import pytest


def make_framework(code: str = "xa-thu", *, version: int = 1):
    """A small commune framework: 3 criteria, 5 indicators (pass/fail, %, count, number)."""
    from chungsuc.criteria.models import Criterion, Framework, Indicator, ThresholdRule

    fw = Framework.objects.create(
        code=code,
        version=version,
        name="Bộ tiêu chí thử",
        level="commune",
        standard="ntm",
        period_start=2021,
        period_end=2025,
        kinds=["xa"],
    )
    spec = [
        ("1", "Quy hoạch", [("1.1", "Có quy hoạch", "pass_fail", "", "eq", 1.0, True)]),
        (
            "3",
            "Thủy lợi",
            [
                ("3.1", "Tỷ lệ tưới tiêu chủ động", "percentage", "%", "gte", 80.0, True),
                ("3.2", "PCTT 4 tại chỗ", "pass_fail", "", "eq", 1.0, False),
            ],
        ),
        (
            "10",
            "Thu nhập",
            [
                ("10.1", "Thu nhập bình quân", "number", "triệu đồng/người", "gte", 62.0, False),
                ("10.2", "Số hộ nghèo", "count", "hộ", "lte", 30.0, False),
            ],
        ),
    ]
    order = 0
    for ci, (ccode, cname, inds) in enumerate(spec):
        crit = Criterion.objects.create(framework=fw, code=ccode, name=cname, order=ci)
        for icode, iname, vtype, unit, cmp, val, verified in inds:
            order += 1
            ind = Indicator.objects.create(
                framework=fw,
                criterion=crit,
                code=icode,
                name=iname,
                unit=unit,
                value_type=vtype,
                comparator=cmp,
                order=order,
                verified=verified,
            )
            ThresholdRule.objects.create(
                framework=fw,
                indicator=ind,
                key=f"{icode}",
                comparator=cmp,
                value=val,
                source="thử",
                verified=verified,
            )
    return fw


@pytest.fixture
def framework(db):
    return make_framework()


@pytest.fixture
def workflows(an_giang):
    from chungsuc.assessments import builtin

    builtin._load_workflows()


@pytest.fixture
def users(demo):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__startswith="demo.")}


@pytest.fixture
def vinh_chanh(an_giang):
    from chungsuc.geo.selectors import unit_by_code

    return unit_by_code("30703", "2024-06-30")
