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
