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
from chungsuc.accounts.selectors import can_act_on_unit, roles_of, scope_for

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
    scope = scope_for(user)
    if scope.covers(movement.province_id):
        return True
    if is_participant_member(user, movement):
        return True
    from chungsuc.movements.selectors import movement_units

    return bool(scope.unit_ids & movement_units(movement))


def can_manage(user, movement=None, *, province_id=None, action: str = "movement.manage") -> bool:
    """`action` over the movement's province (scope `province`). Each service asks its own line of the
    matrix ("movement.create", "movement.pilot.edit", "movement.cluster.manage", …), so a change of
    roles in `data/permissions/movements.yaml` reaches it; "movement.manage" is the default."""
    unit_id = movement.province_id if movement is not None else province_id
    if unit_id is None:
        return bool(getattr(user, "is_superuser", False) or roles_of(user) & set(roles_for(action)))
    return permissions.can(user, action, unit_id)


def on_behalf(user, movement, action: str) -> bool:
    """Sở Nội vụ acting for the province itself (no participant chosen): the movement's manager, and
    only while `action`'s line names their role."""
    return can_manage(user, movement) and can_manage(user, movement, action=action)


def can_set_roadmap(user, unit_id: int) -> bool:
    """A unit's roadmap: the roles of "movement.roadmap.set" over the unit (its own officers, the
    province administrator), as of today."""
    return permissions.can(user, "movement.roadmap.set", unit_id)


def is_inspector(user, inspection) -> bool:
    """Findings and recommendations ("movement.inspection.record", scope `team`): a member of the team
    holding a role of the action, or Sở Nội vụ for the province."""
    action = "movement.inspection.record"
    if on_behalf(user, inspection.movement, action):
        return True
    return bool(
        inspection.members.filter(pk=getattr(user, "pk", None)).exists() and permissions.holds(user, action)
    )


def can_follow_up(user, inspection) -> bool:
    """A recommendation's follow-up ("movement.inspection.follow_up"): the inspected unit's officers
    (over the unit, as of today), or Sở Nội vụ."""
    action = "movement.inspection.follow_up"
    if on_behalf(user, inspection.movement, action):
        return True
    return inspection.unit_id is not None and permissions.can(user, action, inspection.unit_id)


def can_review(user, movement) -> bool:
    return permissions.can(user, "movement.report.review", movement.province_id)


def can_consolidate(user, movement) -> bool:
    return permissions.can(user, "movement.consolidate", movement.province_id)


def is_participant_member(user, movement) -> bool:
    """A member, with a role of "movement.view", of one of the movement's participants."""
    return Membership.objects.filter(
        user=user,
        active=True,
        role__in=sorted(roles_for("movement.view")),
        organisation__movement_participations__movement=movement,
    ).exists()


def can_write_report(user, participant, action: str = "movement.report.edit") -> bool:
    """`action` for a participant (scope `participant`; "movement.report.edit" by default, and the
    submission, amendments, cluster scores and models each ask their own line): a member, with a role
    of the action, of the participant's own organisation; a province administrator may also act on a
    participant's behalf while the action's line names their role."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    roles = set(roles_for(action))
    member = Membership.objects.filter(
        user=user, active=True, organisation_id=participant.organisation_id, role__in=sorted(roles)
    ).exists()
    return member or can_act_on_unit(
        user, participant.movement.province_id, set(roles_for("movement.manage")) & roles
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
        return can_write_report(user, participant, "movement.report.submit")
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
