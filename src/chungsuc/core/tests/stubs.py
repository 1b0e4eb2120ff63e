"""Stand-ins for the accounts hooks, so the engine is tested on its own (settings override)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

# user pk → set of (unit_id, role)
GRANTS: dict[int, set[tuple[int | None, str]]] = {}


def grant(user, unit_id, role) -> None:
    GRANTS.setdefault(user.pk, set()).add((unit_id, role))


def can_act(user, unit_id, roles) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    held = GRANTS.get(user.pk, set())
    return any((unit_id, role) in held for role in roles)


def recipients(unit_id, roles):
    ids = [pk for pk, held in GRANTS.items() if any((unit_id, role) in held for role in roles)]
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


# organisation id → set of (user pk, role)
ORG_MEMBERS: dict[int, set[tuple[int, str]]] = {}


def join(user, organisation_id, role) -> None:
    ORG_MEMBERS.setdefault(organisation_id, set()).add((user.pk, role))


def can_act_for_organisation(user, organisation_id, roles) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return any((user.pk, role) in ORG_MEMBERS.get(organisation_id, set()) for role in roles)


def users_of_organisation(organisation_id, roles):
    ids = [pk for pk, role in ORG_MEMBERS.get(organisation_id, set()) if role in roles]
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def organisation_ids_of(user) -> set[int]:
    return {org for org, members in ORG_MEMBERS.items() if any(pk == user.pk for pk, _ in members)}
