"""The one scoping function every query goes through.

`scope_for(user)` answers which administrative units a user may see and act on. An organisation's
jurisdiction is a unit's subtree over a period; a unit is in scope if it was in that subtree at some
date within the period (so Thoại Sơn's officer still reaches Thoại Sơn's communes' 2021–2025 records
after the district level was abolished). Pass `on=` to ask about one date only.

Every list, detail, export and API endpoint filters through here; "not yours" and "does not exist"
both answer 404 (`unit_or_404`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from chungsuc.accounts.models import Jurisdiction, Membership, Organisation, Role
from chungsuc.geo.models import Unit, UnitLevel, UnitVersion

PROVINCE_WIDE_ROLES = {Role.PROVINCE_ADMIN, Role.PROGRAMME_OFFICE, Role.COUNCIL_MEMBER, Role.INSPECTOR}


@dataclass(frozen=True)
class Scope:
    """What a user may see. `is_all` for superusers; otherwise the unit ids covered."""

    is_all: bool = False
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    province_wide: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)

    def covers(self, unit_id: int | None) -> bool:
        if self.is_all:
            return True
        if unit_id is None:
            return self.province_wide
        return unit_id in self.unit_ids


def _overlap(prefix: str, start: dt.date | None, end: dt.date | None) -> Q:
    """Versions whose [valid_from, valid_to] overlaps [start, end] (None = open)."""
    q = Q()
    if end is not None:
        q &= Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})
    if start is not None:
        q &= Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    return q


# Past this many units in one level's frontier, reading every (parent, child) pair of the period in one
# query is cheaper than an IN list of the frontier (national scale: 700 districts → 10,000 communes).
_FRONTIER_IN_LIMIT = 200


def subtree_unit_ids(root_id: int, start: dt.date | None = None, end: dt.date | None = None) -> set[int]:
    """The unit and every unit that was below it at some date in [start, end]."""
    ids = {root_id}
    frontier = {root_id}
    for _depth in range(6):  # province → district → commune, with room to spare; stops early
        if not frontier:
            break
        if len(frontier) > _FRONTIER_IN_LIMIT:
            return ids | _descendants_in_memory(frontier, start, end)
        children = set(
            # no ORDER BY: the model's default ordering joins geo_unit and sorts every row for nothing
            UnitVersion.objects.filter(_overlap("", start, end), parent_id__in=frontier)
            .order_by()
            .values_list("unit_id", flat=True)
        )
        frontier = children - ids
        ids |= frontier
    return ids


def _descendants_in_memory(frontier: set[int], start: dt.date | None, end: dt.date | None) -> set[int]:
    """Every unit below `frontier` in [start, end], from one read of the period's parent links."""
    children: dict[int, set[int]] = {}
    pairs = (
        UnitVersion.objects.filter(_overlap("", start, end), parent_id__isnull=False)
        .order_by()
        .values_list("parent_id", "unit_id")
    )
    for parent_id, unit_id in pairs:
        children.setdefault(parent_id, set()).add(unit_id)
    found: set[int] = set()
    stack = list(frontier)
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        stack.extend(children.get(node, ()))
    return found


def _active_memberships(user) -> QuerySet:
    return Membership.objects.filter(user=user, active=True, organisation__active=True)


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_chungsuc_roles", None)
    if cached is None:
        cached = set(_active_memberships(user).values_list("role", flat=True))
        user._chungsuc_roles = cached
    return set(cached)


def organisations_of(user) -> QuerySet:
    return Organisation.objects.filter(memberships__in=_active_memberships(user)).distinct()


def scope_for(user, *, on: dt.date | None = None, roles: set[str] | None = None) -> Scope:
    """The units `user` may see (with any of `roles`, if given), optionally at one date."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(is_all=True, province_wide=True, roles=frozenset(roles_of(user)))
    cache = user.__dict__.setdefault("_chungsuc_scope_cache", {})
    key = (on, frozenset(roles) if roles else None)
    if key in cache:
        return cache[key]
    memberships = _active_memberships(user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    member_roles = set(memberships.values_list("role", flat=True))
    if not roles:
        user._chungsuc_roles = set(member_roles)  # the same query roles_of() would make
    jurisdictions = Jurisdiction.objects.filter(
        organisation__in=memberships.values("organisation")
    ).select_related("unit")
    unit_ids: set[int] = set()
    province_wide = bool(member_roles & PROVINCE_WIDE_ROLES)
    for j in jurisdictions:
        start, end = j.valid_from, j.valid_to
        if on is not None:
            if (start and on < start) or (end and on > end):
                continue
            start = end = on
        unit_ids |= subtree_unit_ids(j.unit_id, start, end)
        if j.unit.level == UnitLevel.PROVINCE:
            province_wide = province_wide or bool(member_roles)
    scope = Scope(unit_ids=frozenset(unit_ids), province_wide=province_wide, roles=frozenset(member_roles))
    cache[key] = scope
    return scope


def visible_units(user, *, on: dt.date | None = None) -> QuerySet:
    scope = scope_for(user, on=on)
    qs = Unit.objects.all()
    return qs if scope.is_all else qs.filter(pk__in=scope.unit_ids)


def unit_or_404(user, pk, *, on: dt.date | None = None) -> Unit:
    """The unit if the user may see it; 404 for both "not yours" and "does not exist"."""
    try:
        unit = Unit.objects.get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy đơn vị")
    if not scope_for(user, on=on).covers(unit.pk):
        raise Http404("Không tìm thấy đơn vị")
    return unit


def can_act_on_unit(
    user, unit_id: int | None, roles: set[str] | list[str], *, on: dt.date | None = None
) -> bool:
    """True if the user holds one of `roles` in an organisation whose jurisdiction covers the unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    roles = set(roles)
    if not roles & roles_of(user):
        return False
    return scope_for(user, on=on, roles=roles).covers(unit_id)


def users_with_role_over_unit(unit_id: int | None, roles: set[str] | list[str]) -> QuerySet:
    """Users who could act on the unit with one of `roles` (used to notify the next actor)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    candidates = User.objects.filter(
        is_active=True, memberships__active=True, memberships__role__in=list(roles)
    ).distinct()
    ids = [u.pk for u in candidates if can_act_on_unit(u, unit_id, roles)]
    return User.objects.filter(pk__in=ids)


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
