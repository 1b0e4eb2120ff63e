"""Loading, versions (copy-on-write), verification, permissions and audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungsuc.core.models import AuditEntry, DataLoad
from chungsuc.criteria import builtin, selectors, services
from chungsuc.criteria.models import Framework, Indicator, Status, ThresholdRule
from chungsuc.criteria.specs import spec_diff


def rule_of(code: str, indicator: str, n: int = 0) -> ThresholdRule:
    fw = selectors.framework_get(code)
    return ThresholdRule.objects.filter(framework=fw, indicator__code=indicator).order_by("order")[n]


def test_loader_is_idempotent_and_fast_on_reload(frameworks, django_assert_max_num_queries):
    assert Framework.objects.count() == 10
    fw = selectors.framework_get("xa-ntm-2021")
    assert fw.criteria.count() == 19 and fw.indicators.count() == 57
    assert DataLoad.objects.get(name="criteria").checksum == builtin.checksum()
    with django_assert_max_num_queries(4):
        builtin.load()
    # a forced reload with unchanged specs writes nothing either
    DataLoad.objects.filter(name="criteria").update(checksum="x")
    builtin.load()
    assert Framework.objects.count() == 10


def test_unverified_thresholds_are_loaded_and_marked(frameworks):
    fw = selectors.framework_get("xa-ntm-2021")
    assert fw.rules.filter(verified=False).count() > 30
    r = rule_of("xa-ntm-2021", "3.1")
    assert r.verified and r.value == 80 and "dantocmiennui" in r.source_url
    placeholder = rule_of("xa-ntm-2021", "2.2")
    assert not placeholder.verified and placeholder.value is None and "CHƯA KIỂM CHỨNG" in placeholder.source


def test_threshold_update_creates_a_new_version_with_audit(frameworks, office):
    old_rule = rule_of("xa-ntm-2021", "3.1")
    new_rule = services.threshold_update(
        actor=office, rule=old_rule, value="85", reason="Theo văn bản sửa đổi 2024"
    )
    old_fw = Framework.objects.get(pk=old_rule.framework_id)
    assert old_fw.status == Status.RETIRED and old_fw.version == 1
    assert new_rule.framework.version == 2 and new_rule.framework.status == Status.IN_FORCE
    assert new_rule.value == 85 and new_rule.verified is False and new_rule.key == old_rule.key
    assert ThresholdRule.objects.get(pk=old_rule.pk).value == 80  # the old version is untouched
    assert new_rule.framework.indicators.count() == 57
    entry = AuditEntry.objects.filter(action="threshold.update").get()
    assert entry.changes["value"] == [80.0, 85.0] and entry.reason == "Theo văn bản sửa đổi 2024"
    assert entry.actor == office
    # the evaluation follows the version in force
    res = selectors.evaluation_for(
        framework="xa-ntm-2021", year=2024, region="dong_bang_song_cuu_long", values={"3.1": 84}
    )
    assert res["version"] == 2 and res["criteria"][2]["indicators"][0]["status"] == "not_met"
    # versions compare
    changes = spec_diff(selectors.spec_of(old_fw), selectors.spec_of(new_rule.framework))
    assert {(c["code"], c["field"]) for c in changes} >= {("3.1#1", "value"), ("3.1#1", "verified")}


def test_stale_edit_is_refused(frameworks, office):
    rule = rule_of("xa-ntm-2021", "3.1")
    services.threshold_update(actor=office, rule=rule, value=85, reason="lần 1")
    with pytest.raises(ValidationError, match="không còn áp dụng"):
        services.threshold_update(actor=office, rule=rule, value=90, reason="lần 2 từ trang cũ")


@pytest.mark.parametrize(("value", "message"), [(101, "ngoài khoảng 0–100"), ("abc", "không phải là số")])
def test_threshold_update_bad_values(frameworks, office, value, message):
    with pytest.raises(ValidationError, match=message):
        services.threshold_update(actor=office, rule=rule_of("xa-ntm-2021", "3.1"), value=value, reason="x")
    assert Framework.objects.filter(code="xa-ntm-2021").count() == 1


def test_threshold_update_requires_a_reason(frameworks, office):
    with pytest.raises(ValidationError, match="lý do"):
        services.threshold_update(actor=office, rule=rule_of("xa-ntm-2021", "3.1"), value=85, reason=" ")


def test_threshold_verify_in_place_with_audit(frameworks, office):
    rule = rule_of("xa-ntm-2021", "2.1")
    services.threshold_verify(
        actor=office,
        rule=rule,
        source="QĐ 318/QĐ-TTg Phụ lục I, tiêu chí 2",
        source_url="https://vanban.chinhphu.vn/",
    )
    rule.refresh_from_db()
    assert rule.verified and rule.source.startswith("QĐ 318")
    entry = AuditEntry.objects.get(action="threshold.verify")
    assert entry.changes["verified"] == [False, True]
    with pytest.raises(ValidationError, match="nguồn pháp lý"):
        services.threshold_verify(actor=office, rule=rule, source="")


def test_only_the_programme_office_edits(frameworks, commune_officer, user_factory):
    rule = rule_of("xa-ntm-2021", "3.1")
    with pytest.raises(PermissionDenied):
        services.threshold_update(actor=commune_officer, rule=rule, value=85, reason="x")
    with pytest.raises(PermissionDenied):
        services.threshold_verify(actor=commune_officer, rule=rule, source="x")
    admin = user_factory(username="root", is_superuser=True)
    services.threshold_update(actor=admin, rule=rule, value=85, reason="superuser")
    assert not AuditEntry.objects.filter(actor=commune_officer).exists()


def test_loader_keeps_official_edits(frameworks, office):
    services.threshold_update(actor=office, rule=rule_of("xa-ntm-2021", "3.1"), value=85, reason="x")
    DataLoad.objects.filter(name="criteria").update(checksum="changed")
    Framework.objects.filter(code="xa-ntm-2026").update(builtin_checksum="old")  # as if its data changed
    builtin.load()
    assert selectors.framework_get("xa-ntm-2021").version == 2  # not overwritten
    assert selectors.framework_get("xa-ntm-2026").version == 2  # rebuilt from data
    assert Indicator.objects.filter(framework__code="xa-ntm-2026", framework__version=2).count() == 47
