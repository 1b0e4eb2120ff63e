"""Who may do what with a movement. The actions and their roles are declared as data in
`data/permissions/movements.yaml`; until `accounts.permissions` (can/restrict) is on main these checks
go through `accounts.selectors` (scope and roles over a unit)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chungsuc.accounts.models import Membership, Role
from chungsuc.accounts.selectors import can_act_on_unit, roles_of, scope_for

MANAGE_ROLES = {Role.PROVINCE_ADMIN}
REVIEW_ROLES = {Role.PROVINCE_ADMIN}
CONSOLIDATE_ROLES = {Role.PROVINCE_ADMIN, Role.PROGRAMME_OFFICE, Role.COUNCIL_MEMBER}
REPORT_ROLES = {
    Role.PARTICIPANT_OFFICER,
    Role.DISTRICT_OFFICER,
    Role.COMMUNE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.PROGRAMME_OFFICE,
}


def can_view(user, movement) -> bool:
    """Officials whose scope reaches the movement's province (or any unit it covered), and members of
    its participants."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    scope = scope_for(user)
    if scope.covers(movement.province_id):
        return True
    if is_participant_member(user, movement):
        return True
    from chungsuc.movements.selectors import movement_units

    return bool(scope.unit_ids & movement_units(movement))


def can_manage(user, movement=None, *, province_id=None) -> bool:
    unit_id = movement.province_id if movement is not None else province_id
    if unit_id is None:
        return bool(getattr(user, "is_superuser", False) or roles_of(user) & MANAGE_ROLES)
    return can_act_on_unit(user, unit_id, MANAGE_ROLES)


def can_review(user, movement) -> bool:
    return can_act_on_unit(user, movement.province_id, REVIEW_ROLES)


def can_consolidate(user, movement) -> bool:
    return can_act_on_unit(user, movement.province_id, CONSOLIDATE_ROLES)


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
