"""Who may generate which document. The actions and roles are declared in
`data/permissions/reports.yaml` for the one permission layer of `accounts`; until that layer is on
main, the same matrix is read here and checked with `accounts.selectors.can_act_on_unit`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings

from chungsuc.accounts.selectors import can_act_on_unit, roles_of


@lru_cache(maxsize=1)
def matrix() -> dict[str, set[str]]:
    path = Path(settings.DATA_DIR) / "permissions" / "reports.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {action: set(spec.get("roles", [])) for action, spec in (data.get("actions") or {}).items()}


def may(user, action: str, unit_id: int | None = None) -> bool:
    """True if `user` may do `action` (on the unit, when given: its jurisdiction must cover it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    roles = matrix().get(action, set())
    if unit_id is None:
        return bool(roles & roles_of(user))
    return can_act_on_unit(user, unit_id, roles)
