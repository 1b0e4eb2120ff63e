"""Scoping reads of accounts, over the one permission layer (`accounts.permissions`).

`visible_units(user)` is the queryset of administrative units a user may see (`unit.view` through
`accounts.permissions.units`): a unit is in scope if it was in one of their jurisdictions' subtrees at
some date within the jurisdiction's period (so Thoại Sơn's officer still reaches Thoại Sơn's communes'
2021–2025 records after the district level was abolished), or if its business passed (geo lineage) to
such a unit. Pass `on=` to ask about one date only. Every list is filtered in the database by
`accounts.permissions.restrict`; there is no set of unit ids to carry around.

"Not yours" and "does not exist" both answer 404 (`unit_or_404`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from chungsuc.accounts import permissions
from chungsuc.accounts.models import Membership, Organisation
from chungsuc.geo.models import Unit, UnitAncestor


def subtree_unit_ids(root_id: int, start: dt.date | None = None, end: dt.date | None = None) -> set[int]:
    """The unit and every unit that was below it at some date in [start, end] (one closure read)."""
    return set(
        UnitAncestor.objects.filter(permissions._overlaps("", start, end), ancestor_id=root_id)
        .order_by()
        .values_list("descendant_id", flat=True)
    ) | {root_id}


def _active_memberships(user) -> QuerySet:
    return Membership.objects.filter(user=user, active=True, organisation__active=True)


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {g.role for g in permissions.grants(user)}


def organisations_of(user) -> QuerySet:
    return Organisation.objects.filter(memberships__in=_active_memberships(user)).distinct()


def visible_units(user, *, on: dt.date | None = None) -> QuerySet:
    """The units the user may see (`unit.view`), filtered in the database."""
    return permissions.units(user, "unit.view", on=on)


def unit_or_404(user, pk, *, on: dt.date | None = None) -> Unit:
    """The unit if the user may see it; 404 for both "not yours" and "does not exist"."""
    return permissions.get_or_404(
        Unit.objects.all(), user, "unit.view", pk, message="Không tìm thấy đơn vị", on=on
    )


def can_act_on_unit(
    user, unit_id: int | None, roles: set[str] | list[str], *, on: dt.date | None = None
) -> bool:
    """True if the user holds one of `roles` in an organisation whose jurisdiction covers the unit
    today (or on `on`), an ended unit's business being held by its successor
    (`accounts.permissions.workflow_can_act_on_unit`: the rule of every write)."""
    return permissions.workflow_can_act_on_unit(user, unit_id, roles, on=on)


def users_with_role_over_unit(unit_id: int | None, roles: set[str] | list[str]) -> QuerySet:
    """Users who could act on the unit with one of `roles` (used to notify the next actor)."""
    return permissions.workflow_users_over_unit(unit_id, roles)


def memberships_of(user) -> QuerySet:
    """The user's active memberships with their organisation and its jurisdictions (for the profile)."""
    return (
        Membership.objects.filter(user=user, active=True)
        .select_related("organisation")
        .prefetch_related("organisation__jurisdictions__unit")
        .order_by("organisation__name", "role")
    )


# --- hooks of the workflow engine for subjects that belong to an organisation -------------------


def can_act_for_organisation(user, organisation_id: int | None, roles: set[str] | list[str]) -> bool:
    """True if the user holds one of `roles` in the organisation itself (a department acting on its
    own report); superusers may act for any organisation."""
    if not getattr(user, "is_authenticated", False) or organisation_id is None:
        return False
    if user.is_superuser:
        return True
    return _active_memberships(user).filter(organisation_id=organisation_id, role__in=list(roles)).exists()


def users_of_organisation(organisation_id: int | None, roles: set[str] | list[str]) -> QuerySet:
    """Active users holding one of `roles` in the organisation (to notify them)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__active=True,
            memberships__organisation_id=organisation_id,
            memberships__organisation__active=True,
            memberships__role__in=list(roles),
        )
        .distinct()
    )


def organisation_ids_of(user) -> set[int]:
    """The organisations the user is an active member of (conflict of interest in council votes)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(_active_memberships(user).values_list("organisation_id", flat=True))
