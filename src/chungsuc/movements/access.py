"""What the permission layer cannot say by itself about a movement.

The actions and their roles are data (`data/permissions/movements.yaml`); the movement's rows are
declared to the layer in `MovementsConfig.ready` (a movement covers its province's subtree, a
participant's rows belong to its organisation), and lists and details go through
`permissions.restrict` / `get_or_404` / `can` like every app (scope `view`: the movement's area or its
participants; scope `participant`: the participant's own officers). What stays here, and why:

- `can_manage` / `can_review` / `can_consolidate`: the action over the movement's province (`can`
  with the province's id), named for the many services and pages that ask it;
- `can_write_report`: two actions of the matrix at once — the participant's own officers
  (`movement.report.edit`) or the province acting on its behalf (`movement.manage` over the
  movement's province);
- `require(ok, message)`: the movement's services refuse with their own Vietnamese words (which
  participant, which step), not the matrix's generic refusal;
- the workflow engine's per-subject hooks for reports (`report_can_act`, `report_recipients`): the
  submit transition belongs to the participant's organisation, the review to the province — the
  engine's anchors (`unit`, `organisation`, `person`) cannot say "organisation for one transition,
  unit for the others".
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chungsuc.accounts import permissions
from chungsuc.accounts.matrix import roles_for
from chungsuc.accounts.selectors import can_act_on_unit

MANAGE_ROLES = set(roles_for("movement.manage"))
REVIEW_ROLES = set(roles_for("movement.report.review"))
REPORT_ROLES = set(roles_for("movement.report.submit"))


def can_manage(user, movement=None, *, province_id=None) -> bool:
    """`movement.manage` over the movement's province (or a province not yet a movement's); with
    neither, whether the user holds the action at all (the "create" button)."""
    unit_id = movement.province_id if movement is not None else province_id
    if unit_id is None:
        return permissions.holds(user, "movement.manage")
    return permissions.can(user, "movement.manage", unit_id)


def can_review(user, movement) -> bool:
    return permissions.can(user, "movement.report.review", movement.province_id)


def can_consolidate(user, movement) -> bool:
    return permissions.can(user, "movement.consolidate", movement.province_id)


def can_write_report(user, participant) -> bool:
    """A member (with a reporting role) of the participant's own organisation; a province
    administrator may also write on a participant's behalf."""
    return permissions.can(user, "movement.report.edit", participant) or can_manage(
        user, participant.movement
    )


def require(ok: bool, message: str | None = None) -> None:
    if not ok:
        raise PermissionDenied(message or _("Bạn không có quyền thực hiện thao tác này."))


# --- the workflow engine's per-subject hooks for reports (registered in apps.py) -----------------


def report_can_act(user, case, roles, transition) -> bool:
    """Submit: the participant's own officers (or Sở Nội vụ on its behalf); accept, return, reopen:
    Sở Nội vụ over the movement's province."""
    report = case.subject
    if report is None:
        return False
    participant = report.obligation.participant
    if transition is not None and transition.code == "submit":
        return can_write_report(user, participant)
    return can_act_on_unit(user, participant.movement.province_id, set(roles) & REVIEW_ROLES)


def report_recipients(case, roles, transition):
    """Who is told the report needs them next: the participant's officers for a submission, Sở Nội vụ
    for a review."""
    from django.contrib.auth import get_user_model

    from chungsuc.accounts.selectors import users_with_role_over_unit

    report = case.subject
    if report is None:
        return []
    participant = report.obligation.participant
    if transition is not None and transition.code == "submit":
        return (
            get_user_model()
            .objects.filter(
                is_active=True,
                memberships__active=True,
                memberships__organisation_id=participant.organisation_id,
                memberships__role__in=list(REPORT_ROLES),
            )
            .distinct()
        )
    return users_with_role_over_unit(participant.movement.province_id, set(roles) & REVIEW_ROLES)
