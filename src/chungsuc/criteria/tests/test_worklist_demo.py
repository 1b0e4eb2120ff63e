"""The programme office's threshold work list and the DEMO thresholds (issue 7 §1)."""

import pytest

from chungsuc.criteria import demo, selectors
from chungsuc.criteria.models import Framework, Status, ThresholdRule

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


def _current(code):
    return Framework.objects.get(code=code, status=Status.IN_FORCE)


def test_worklist_counts_missing_thresholds_of_the_builtin_an_giang_framework(an_giang):
    fw = _current("xa-ntm-2021-ag")
    work = selectors.threshold_worklist(fw)
    missing_in_db = ThresholdRule.objects.filter(framework=fw, value__isnull=True, value_ref__isnull=True)
    assert work["missing"] == missing_in_db.count() == 18
    assert work["unverified"] == ThresholdRule.objects.filter(framework=fw, verified=False).count() - 18
    codes = {x["indicator"].code for g in work["groups"] for x in g["missing"]}
    assert {"10", "11", "17.10"} <= codes
    gaps = selectors.threshold_gaps()[fw.pk]
    assert gaps["missing"] == 18 and gaps["demo"] == 0


def test_load_demo_fills_missing_thresholds_as_labelled_unverified_demo_values(an_giang):
    before = _current("xa-ntm-2021-ag")
    demo.load()
    fw = _current("xa-ntm-2021-ag")
    assert fw.version == before.version + 1 and fw.origin == "demo"
    assert fw.change_reason.startswith("DEMO")
    filled = ThresholdRule.objects.filter(framework=fw, source=demo.DEMO_SOURCE)
    assert filled.count() == 18
    assert not filled.filter(verified=True).exists()
    assert not ThresholdRule.objects.filter(framework=fw, value__isnull=True, value_ref__isnull=True).exists()
    # the built-in version is untouched, and load_builtin does not overwrite the demo version
    assert ThresholdRule.objects.filter(framework=before, value__isnull=True).count() == 18
    from chungsuc.core.models import DataLoad
    from chungsuc.criteria import builtin

    DataLoad.objects.filter(name="criteria").delete()
    builtin.load()
    assert _current("xa-ntm-2021-ag").pk == fw.pk
    # loading the demo again changes nothing
    demo.load()
    assert _current("xa-ntm-2021-ag").pk == fw.pk
    gaps = selectors.threshold_gaps()[fw.pk]
    assert gaps["missing"] == 0 and gaps["demo"] == 18


def test_a_commune_with_every_value_met_reaches_the_standard_only_with_the_demo_thresholds(an_giang):
    from chungsuc.criteria.selectors import engine_framework, evaluation_for

    def all_met(fw):
        efw = engine_framework(fw)
        values = {}
        for ind in efw.indicators:
            if ind.derived:
                continue
            if ind.value_type == "pass_fail":
                values[ind.code] = True
            else:
                low = any(r.comparator in ("lte", "lt") for r in ind.rules)
                values[ind.code] = 0 if low else 100 if ind.value_type == "percentage" else 1000
            for x in ind.inputs:
                values[x.key] = True if x.value_type == "pass_fail" else 1
        return values

    kw = {"framework": "xa-ntm-2021-ag", "year": 2024, "region": "dong_bang_song_cuu_long", "kind": "xa"}
    builtin_result = evaluation_for(values=all_met(_current("xa-ntm-2021-ag")), **kw)
    assert not builtin_result["standard_met"]
    demo.load()
    demo_result = evaluation_for(values=all_met(_current("xa-ntm-2021-ag")), **kw)
    assert demo_result["criteria_met"] > builtin_result["criteria_met"]
    assert builtin_result["missing_thresholds"] and not demo_result["missing_thresholds"]


@pytest.fixture
def office_client(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="demo.nnptnt"))
    return client


def test_criteria_page_and_dashboard_show_the_work_list_with_edit_links(office_client):
    fw = _current("xa-ntm-2021-ag")
    page = office_client.get("/criteria/").content.decode()
    assert "18 ngưỡng còn thiếu — cần bổ sung trước khi công nhận" in page
    assert f"/criteria/{fw.code}/worklist/" in page
    work = office_client.get(f"/criteria/{fw.code}/worklist/").content.decode()
    rule = ThresholdRule.objects.filter(framework=fw, indicator__code="10", value__isnull=True).first()
    assert f"/criteria/rules/{rule.pk}/edit/" in work
    assert f"/criteria/{fw.code}/export.xlsx" in work  # the bulk path: workbook out, import back
    home = office_client.get("/dashboard/").content.decode()
    assert 'data-testid="threshold-work"' in home
    assert "18 ngưỡng còn thiếu — cần bổ sung trước khi công nhận" in home


def test_dashboard_has_no_work_list_for_a_commune_officer(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="demo.vinhchanh"))
    assert 'data-testid="threshold-work"' not in client.get("/dashboard/").content.decode()


def test_framework_page_shows_sources_as_links_and_no_research_shorthand(office_client):
    page = office_client.get("/criteria/xa-ntm-2021/").content.decode()
    assert "UNVERIFIED" not in page and "recalled:" not in page
    assert "chưa kiểm chứng (nhớ lại: Đạt)" in page


def test_source_links_name_each_address_by_its_site_and_escape_the_rest():
    from chungsuc.criteria.templatetags.criteria_tags import source_links

    html = source_links(
        "QĐ 318 <b> ; https://www.vietnamplus.vn/a-b ; https://xaydungchinhsach.chinhphu.vn/x"
    )
    assert "QĐ 318 &lt;b&gt;" in html
    assert (
        'href="https://www.vietnamplus.vn/a-b" rel="noopener noreferrer" target="_blank">vietnamplus.vn</a>'
        in html
    )
    assert ">xaydungchinhsach.chinhphu.vn</a>" in html
