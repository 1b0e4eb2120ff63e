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


def can_manage(user, movement=None, *, province_id=None, action: str = "movement.manage") -> bool:
    """`action` over the movement's province (scope `province`; or a province not yet a movement's);
    with neither, whether the user holds the action at all (the "create" button). Each service asks its
    own line of the matrix ("movement.create", "movement.pilot.edit", "movement.cluster.manage", …), so
    a change of roles in `data/permissions/movements.yaml` reaches it; "movement.manage" by default."""
    unit_id = movement.province_id if movement is not None else province_id
    if unit_id is None:
        return permissions.holds(user, action)
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
    (an account of the plan line, or of the team's record) holding a role of the action, or Sở Nội vụ
    for the province."""
    action = "movement.inspection.record"
    if on_behalf(user, inspection.movement, action):
        return True
    pk = getattr(user, "pk", None)
    member = inspection.members.filter(pk=pk).exists() or (
        inspection.team_id is not None and inspection.team.members.filter(user_id=pk).exists()
    )
    return bool(member and permissions.holds(user, action))


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


def can_write_report(user, participant, action: str = "movement.report.edit") -> bool:
    """`action` for a participant (scope `participant`; "movement.report.edit" by default, and the
    submission, amendments, cluster scores and models each ask their own line): a member, with a role
    of the action, of the participant's own organisation; a province administrator may also act on a
    participant's behalf while the action's line names their role."""
    return permissions.can(user, action, participant) or on_behalf(user, participant.movement, action)


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
