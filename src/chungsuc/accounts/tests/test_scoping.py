"""The one scoping selector: who sees which units, and 404 for what is not theirs."""

import datetime as dt

import pytest
from django.http import Http404

from chungsuc.accounts import permissions, selectors
from chungsuc.accounts.models import Role
from chungsuc.accounts.permissions import acting_as_of
from chungsuc.geo.models import Unit, UnitVersion


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _unit(code, on="2024-06-30"):
    from chungsuc.geo.selectors import unit_by_code

    return unit_by_code(code, on)


def _ids(user, **kw):
    return set(selectors.visible_units(user, **kw).values_list("pk", flat=True))


def _thoai_son_commune_ids():
    district = _unit("894")
    return set(UnitVersion.objects.filter(parent=district).values_list("unit_id", flat=True))


def test_commune_officer_sees_only_their_commune(demo):
    user = _user("demo.vinhchanh")
    assert _ids(user) == {_unit("30703").pk}
    assert not permissions.province_wide(user)


def test_district_officer_sees_the_district_and_its_17_communes(demo):
    communes = _thoai_son_commune_ids()
    assert len(communes) == 17
    assert _ids(_user("demo.thoaison")) == communes | {_unit("894").pk}


def test_district_scope_on_a_date_after_the_abolition_of_districts_is_empty(demo):
    user = _user("demo.thoaison")
    assert _ids(user, on=dt.date(2025, 7, 1)) == set()
    assert _unit("30703").pk in _ids(user, on=dt.date(2025, 6, 30))


def test_province_admin_sees_old_and_merged_province(demo):
    user = _user("demo.tinh")
    assert permissions.province_wide(user)
    ids = _ids(user)
    assert _unit("30703").pk in ids  # old commune
    assert _unit("30292", on="2025-07-01").pk in ids  # merged province's ward
    assert len(ids) == 1 + 11 + 156 + 1 + 102


def test_out_of_scope_and_missing_units_both_answer_404(demo):
    officer = _user("demo.thoaison")
    own = _unit("30703")
    other = _unit("30637")  # Xã Mỹ Hội Đông, huyện Chợ Mới
    assert selectors.unit_or_404(officer, own.pk) == own
    with pytest.raises(Http404):
        selectors.unit_or_404(officer, other.pk)
    with pytest.raises(Http404):
        selectors.unit_or_404(officer, Unit.objects.order_by("-pk").first().pk + 1000)


BEFORE_THE_MERGER = dt.date(2024, 12, 31)


def test_can_act_needs_both_the_role_and_the_jurisdiction(demo):
    officer = _user("demo.thoaison")
    own, other = _unit("30703"), _unit("30637")
    with acting_as_of(BEFORE_THE_MERGER):  # Thoại Sơn's jurisdiction ended on 30/6/2025
        assert selectors.can_act_on_unit(officer, own.pk, {Role.DISTRICT_OFFICER})
        assert not selectors.can_act_on_unit(officer, other.pk, {Role.DISTRICT_OFFICER})
        assert not selectors.can_act_on_unit(officer, own.pk, {Role.COMMUNE_OFFICER})
        assert not selectors.can_act_on_unit(_user("demo.vinhchanh"), own.pk, {Role.DISTRICT_OFFICER})
        assert selectors.can_act_on_unit(_user("demo.vinhchanh"), own.pk, {Role.COMMUNE_OFFICER})


def test_writes_are_decided_as_of_today_and_pass_to_the_successor(demo):
    """December 2026: UBND huyện Thoại Sơn and UBND xã Vĩnh Chánh ended on 30/6/2025; Vĩnh Chánh's
    business is held by Xã Phú Hòa (its successor), so Phú Hòa's officer and the province act on it."""
    vinh_chanh = _unit("30703")
    assert not selectors.can_act_on_unit(_user("demo.thoaison"), vinh_chanh.pk, {Role.DISTRICT_OFFICER})
    assert not selectors.can_act_on_unit(_user("demo.vinhchanh"), vinh_chanh.pk, {Role.COMMUNE_OFFICER})
    assert selectors.can_act_on_unit(_user("demo.phuhoa"), vinh_chanh.pk, {Role.COMMUNE_OFFICER})
    assert selectors.can_act_on_unit(_user("demo.nnptnt"), vinh_chanh.pk, {Role.PROGRAMME_OFFICE})
    assert not selectors.can_act_on_unit(_user("demo.chomoi"), vinh_chanh.pk, {Role.DISTRICT_OFFICER})
    # reading stays over the jurisdiction's whole period
    assert permissions.reached(_user("demo.thoaison"), "unit.view", [vinh_chanh.pk]) == {vinh_chanh.pk}


def test_users_with_role_over_unit_finds_the_next_actor(demo):
    commune = _unit("30703")
    with acting_as_of(BEFORE_THE_MERGER):
        users = set(
            selectors.users_with_role_over_unit(commune.pk, {Role.DISTRICT_OFFICER}).values_list(
                "username", flat=True
            )
        )
    assert users == {"demo.thoaison"}
    # today the commune's business is Phú Hòa's
    today = selectors.users_with_role_over_unit(commune.pk, {Role.COMMUNE_OFFICER})
    assert set(today.values_list("username", flat=True)) == {"demo.phuhoa"}


def test_inactive_membership_gives_no_scope(demo):
    from chungsuc.accounts.services import membership_revoke

    user = _user("demo.vinhchanh")
    membership_revoke(actor=None, membership=user.memberships.get(), reason="chuyển công tác")
    fresh = _user("demo.vinhchanh")
    assert _ids(fresh) == set()


def _walk(root_id, start, end):
    """The subtree walked level by level over the versions (what the closure table replaces)."""
    from chungsuc.accounts.permissions import _overlaps

    ids, frontier = {root_id}, {root_id}
    while frontier:
        children = set(
            UnitVersion.objects.filter(_overlaps("", start, end), parent_id__in=frontier).values_list(
                "unit_id", flat=True
            )
        )
        frontier = children - ids
        ids |= frontier
    return ids


def test_the_closure_table_gives_the_level_by_level_walk(demo):
    """geo.UnitAncestor, read in one query, holds the same subtree as walking the versions."""
    cases = [(None, None), (dt.date(2023, 6, 30), dt.date(2023, 6, 30)), (None, dt.date(2020, 12, 31))]
    for code, on in [("89", "2024-06-30"), ("894", "2024-06-30"), ("91", "2025-07-01")]:
        root = _unit(code, on)
        for c in cases:
            assert selectors.subtree_unit_ids(root.pk, *c) == _walk(root.pk, *c), (code, c)
    assert len(selectors.subtree_unit_ids(_unit("89").pk)) == 1 + 11 + 156
