"""The permission layer as seen from below it.

`core` and `geo` sit below `accounts`, which owns who may see what; they reach it through settings
hooks resolved at call time (`CHUNGSUC_UNIT_OR_404`, `CHUNGSUC_RESTRICT`, `CHUNGSUC_CAN`), never an
import, so the import direction of the house (enforced by import-linter in `make lint`) holds. A page
that needs the units a user may see filters `Unit.objects` with `restrict(…, "unit.view")`.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


def unit_or_404(user, pk, **kwargs):
    """The unit if the user may see it; the same 404 for "not yours" and "does not exist"."""
    return import_string(settings.CHUNGSUC_UNIT_OR_404)(user, pk, **kwargs)


def restrict(queryset, user, action: str, **kwargs):
    """`accounts.permissions.restrict`: the rows the user may take `action` on, filtered in the database."""
    return import_string(settings.CHUNGSUC_RESTRICT)(queryset, user, action, **kwargs)


def can(user, action: str, obj=None, **kwargs) -> bool:
    """`accounts.permissions.can`: whether the user may take `action` (on `obj`)."""
    return bool(import_string(settings.CHUNGSUC_CAN)(user, action, obj, **kwargs))
