"""The DEMO walk happens in the merged province in 2026 (issue 7 §7): a commune officer of Xã Phú Hòa
(91), its 2026 dossier under QĐ 51/2025 on two tiers, the commune's DEMO group; the 2021–2025 users stay."""

import datetime as dt
import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_loaded(an_giang, fast_passwords):
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_load_demo_gives_a_2026_dossier_of_the_merged_province_on_two_tiers(demo_loaded):
    from django.contrib.auth import get_user_model

    from chungsuc.accounts.selectors import can_act_on_unit
    from chungsuc.assessments.models import Assessment, EvaluationResult
    from chungsuc.core.models import AuditEntry
    from chungsuc.core.workflow import case_for
    from chungsuc.geo.selectors import version_of

    a = Assessment.objects.get(year=2026, unit__code="30685")
    assert a.is_demo and a.title.endswith("(DEMO)")
    assert a.framework.code == "xa-ntm-2026"
    case = case_for(a)
    assert case.workflow.code == "ntm-recognition-2-tier" and case.state.code == "draft"
    assert a.unit.commune_group == 2
    assert AuditEntry.objects.filter(action="unit.commune_group", reason__startswith="DEMO").exists()
    # every indicator but criterion 10's is entered; with the group set, only those are missing
    result = EvaluationResult.objects.filter(assessment=a).latest("id")
    assert (
        a.filled == 43
        and result.criteria_met == 9
        and result.criteria
        == {
            **{str(n): "met" for n in range(1, 10)},
            "10": "missing",
        }
    )
    officer = get_user_model().objects.get(username="demo.phuhoa")
    assert "(DEMO)" in officer.get_full_name()
    assert can_act_on_unit(officer, a.unit_id, {"commune_officer"})
    parent = version_of(a.unit, dt.date(2026, 6, 30)).parent
    assert parent.code == "91"  # a commune of the merged province (two-tier government)
    # the 2021–2025 history stays
    old = Assessment.objects.get(year=2024, unit__code="30703")
    assert case_for(old).workflow.code == "ntm-recognition-3-tier"
    assert get_user_model().objects.filter(username__in=["demo.vinhchanh", "demo.thoaison"]).count() == 2


def test_load_builtin_alone_has_no_demo_dossier_group_or_user(an_giang):
    from chungsuc.assessments.models import Assessment
    from chungsuc.criteria.models import Framework
    from chungsuc.geo.selectors import unit_by_code

    assert not Assessment.objects.filter(is_demo=True).exists()
    assert unit_by_code("30685", dt.date(2026, 1, 1)).commune_group is None
    assert not Framework.objects.filter(origin="demo").exists()
