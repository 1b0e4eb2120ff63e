"""The movement's reads go through the one permission layer: `movement.view` reaches a movement from its
province or any unit ever below it and from its participants' members; a participant's obligations and
reports are opened by its own officers, the province acting on its behalf and those who consolidate."""

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404

from chungsuc.accounts import permissions
from chungsuc.movements import selectors
from chungsuc.movements.models import Movement, Obligation


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def ob(plan861):
    return Obligation.objects.get(
        participant__movement=plan861,
        participant__organisation__code="so-tttt",
        kind="annual_report",
        year=2024,
    )


def test_the_movement_list_is_a_query_of_the_layer_without_repeated_rows(plan861, user_factory):
    for username in ("demo.tinh", "demo.so", "demo.thoaison", "demo.vinhchanh", "demo.phuhoa"):
        movements = selectors.movements_for(_user(username))
        pks = list(movements.values_list("pk", flat=True))
        assert plan861.pk in pks, username
        assert len(pks) == len(set(pks)), username  # the participants' join repeats no movement
    # a commune officer reaches Plan 861 from a commune below the province (scope `view`: area)
    assert permissions.can(_user("demo.vinhchanh"), "movement.view", plan861)
    # nobody else
    outsider = user_factory(username="nguoi.ngoai.2")
    assert not selectors.movements_for(outsider).exists()
    with pytest.raises(Http404):
        selectors.movement_or_404(outsider, plan861.pk)
    with pytest.raises(Http404):
        selectors.movement_or_404(_user("demo.so"), Movement.objects.order_by("-pk").first().pk + 1)


def test_a_participants_obligation_is_its_own_officers_the_provinces_and_the_consolidators(plan861, ob):
    assert selectors.obligation_or_404(_user("demo.so"), ob.pk) == ob  # its own officer
    assert selectors.obligation_or_404(_user("demo.tinh"), ob.pk) == ob  # Sở Nội vụ, on its behalf
    for username in ("demo.chomoi", "demo.vinhchanh"):  # another participant, a commune
        with pytest.raises(Http404):
            selectors.obligation_or_404(_user(username), ob.pk)
    # the participant's own officer lists only its own obligations; the province lists everyone's
    own = selectors.obligations_data(plan861, user=_user("demo.so"))["items"]
    assert own and {i["participant_id"] for i in own} == {ob.participant_id}
    every = selectors.obligations_data(plan861, user=_user("demo.tinh"))["items"]
    assert len({i["participant_id"] for i in every}) > 1
    assert len(every) == Obligation.objects.filter(participant__movement=plan861).count()


def test_participant_scope_is_members_only(plan861, ob):
    """`movement.report.edit` (scope participant): another department's officer with a province-wide
    jurisdiction holds the role but is not the participant's member."""
    qs = Obligation.objects.filter(pk=ob.pk)
    assert permissions.restrict(qs, _user("demo.so"), "movement.report.edit").exists()
    assert not permissions.restrict(qs, _user("demo.nnptnt"), "movement.report.edit").exists()
    assert not permissions.restrict(qs, _user("demo.tinh"), "movement.report.edit").exists()
    assert permissions.restrict(qs, _user("demo.tinh"), "movement.manage").exists()
