"""Who may do what with a movement. The actions and their roles are data in
`data/permissions/movements.yaml`, read by the one permission layer (`accounts.matrix`); the checks
over a unit go through `accounts.permissions` (writes as of today, an ended unit's business held by its
successor: Plan 861's old province passes to the merged one). The movement's own scopes ("view": the
movement's units or its participants; "participant": the participant's own organisation) are composed
here from the same layer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chungsuc.accounts import permissions
from chungsuc.accounts.matrix import roles_for
from chungsuc.accounts.models import Membership
from chungsuc.accounts.selectors import can_act_on_unit, roles_of

MANAGE_ROLES = set(roles_for("movement.manage"))
REVIEW_ROLES = set(roles_for("movement.report.review"))
CONSOLIDATE_ROLES = set(roles_for("movement.consolidate"))
REPORT_ROLES = set(roles_for("movement.report.submit"))


def can_view(user, movement) -> bool:
    """Officials whose scope reaches the movement's province (or any unit it covered), and members of
    its participants."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    units = permissions.units(user, "movement.view")
    if units.filter(pk=movement.province_id).exists():
        return True
    if is_participant_member(user, movement):
        return True
    from chungsuc.movements.selectors import movement_units_qs

    return units.filter(pk__in=movement_units_qs(movement)).exists()


def can_manage(user, movement=None, *, province_id=None) -> bool:
    unit_id = movement.province_id if movement is not None else province_id
    if unit_id is None:
        return bool(getattr(user, "is_superuser", False) or roles_of(user) & MANAGE_ROLES)
    return permissions.can(user, "movement.manage", unit_id)


def can_review(user, movement) -> bool:
    return permissions.can(user, "movement.report.review", movement.province_id)


def can_consolidate(user, movement) -> bool:
    return permissions.can(user, "movement.consolidate", movement.province_id)


def is_participant_member(user, movement) -> bool:
    return Membership.objects.filter(
        user=user,
        active=True,
        organisation__movement_participations__movement=movement,
    ).exists()


def can_write_report(user, participant) -> bool:
    """A member (with a reporting role) of the participant's own organisation; a province
    administrator may also write on a participant's behalf."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    member = Membership.objects.filter(
        user=user, active=True, organisation_id=participant.organisation_id, role__in=list(REPORT_ROLES)
    ).exists()
    return member or can_act_on_unit(user, participant.movement.province_id, MANAGE_ROLES)


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
