"""Inspection teams (đoàn kiểm tra, VI.4 and VII.6 of Plan 861): the teams of each year's inspection
plan with the decision that set each up and its members. Thin views over `services`; a refused form is
shown again with each message beside its field (422), nothing written."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chungsuc.accounts.models import Organisation
from chungsuc.core.http import service_errors
from chungsuc.core.tables import export_if_asked, export_query
from chungsuc.movements import access, selectors, services, tables
from chungsuc.movements.forms import VNDateField
from chungsuc.movements.models import InspectionTeamMember


def _errors_of(exc: ValidationError) -> dict[str, list[str]]:
    """The messages by field, those of no field under "general" (shown above the form)."""
    if hasattr(exc, "message_dict"):
        errors = dict(exc.message_dict)
        if "__all__" in errors:
            errors["general"] = errors.pop("__all__")
        return errors
    return {"general": list(exc.messages)}


def _date(raw, field: str, errors: dict):
    from django import forms

    try:
        return VNDateField(required=False).clean(raw)
    except forms.ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return None


@login_required
def inspection_teams(request, pk):
    """A movement's inspection teams by year; Sở Nội vụ sets a team up (with its decision)."""
    movement = selectors.movement_or_404(request.user, pk)
    manage = access.can_manage(request.user, movement, action="movement.inspection.plan")
    teams = movement.inspection_teams.select_related("decision").prefetch_related(
        "members__organisation", "inspections"
    )
    if request.GET.get("format"):
        from chungsuc.core.tables import EXPORT_FORMATS, export_response

        if request.GET["format"] in EXPORT_FORMATS:
            return export_response(
                tables.inspection_teams_table(movement, teams),
                request.GET["format"],
                f"doan-kiem-tra-{movement.code}",
            )
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("Chỉ Sở Nội vụ thành lập đoàn kiểm tra."))
        decision_date = _date(request.POST.get("decision_date"), "decision_issued_on", errors)
        if not errors:
            try:
                team = services.inspection_team_create(
                    actor=request.user,
                    movement=movement,
                    year=request.POST.get("year", ""),
                    name=request.POST.get("name", ""),
                    decision_reference=request.POST.get("decision_reference", ""),
                    decision_date=decision_date,
                    decision_signer=request.POST.get("decision_signer", ""),
                    decision_signer_title=request.POST.get("decision_signer_title", ""),
                    signed_file=request.FILES.get("decision_file"),
                )
            except ValidationError as exc:
                errors = _errors_of(exc)
            else:
                messages.success(request, _("Đã thành lập %(t)s.") % {"t": team})
                return redirect(team.get_absolute_url())
        status = 422
    return render(
        request,
        "movements/inspection_teams.html",
        {
            "movement": movement,
            "tab": "inspections",
            "teams": teams,
            "can_manage": manage,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@login_required
def inspection_team(request, pk):
    """A team: its decision and its members; Sở Nội vụ adds and removes members."""
    team = selectors.inspection_team_or_404(request.user, pk)
    movement = team.movement
    manage = access.can_manage(request.user, movement, action="movement.inspection.plan")
    members = team.members.select_related("organisation", "user")
    if request.method != "POST":
        exported = export_if_asked(
            request,
            lambda: tables.team_members_table(team, members),
            f"thanh-vien-doan-kiem-tra-{team.year}-{team.pk}",
        )
        if exported:
            return exported
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("Chỉ Sở Nội vụ sửa thành phần đoàn kiểm tra."))
        if request.POST.get("action") == "remove":
            raw_member = request.POST.get("member") or ""
            member = team.members.filter(pk=raw_member).first() if raw_member.isdecimal() else None
            if member is None:
                messages.error(request, _("Không tìm thấy thành viên này trong đoàn."))
            else:
                with service_errors(request):
                    services.inspection_team_member_remove(actor=request.user, member=member)
                    messages.success(request, _("Đã bỏ %(n)s khỏi đoàn.") % {"n": member.full_name})
            return redirect(team.get_absolute_url())
        raw_user = request.POST.get("user") or ""
        raw_org = request.POST.get("organisation") or ""
        user = selectors.inspector_accounts().filter(pk=raw_user).first() if raw_user.isdecimal() else None
        organisation = Organisation.objects.filter(pk=raw_org).first() if raw_org.isdecimal() else None
        if raw_user and user is None:
            errors["user"] = [_("Tài khoản đã chọn không có vai trò thành viên đoàn kiểm tra.")]
        if raw_org and organisation is None:
            errors["organisation"] = [_("Không tìm thấy cơ quan đã chọn.")]
        if not errors:
            try:
                member = services.inspection_team_member_add(
                    actor=request.user,
                    team=team,
                    full_name=request.POST.get("full_name", ""),
                    position=request.POST.get("position", ""),
                    role=request.POST.get("role", ""),
                    organisation=organisation,
                    user=user,
                )
            except ValidationError as exc:
                errors = _errors_of(exc)
            else:
                messages.success(request, _("Đã thêm %(n)s vào đoàn.") % {"n": member.full_name})
                return redirect(team.get_absolute_url())
        status = 422
    return render(
        request,
        "movements/inspection_team.html",
        {
            "movement": movement,
            "tab": "inspections",
            "team": team,
            "members": members,
            "export_q": export_query(request),
            "inspections": team.inspections.select_related("unit"),
            "can_manage": manage,
            "roles": InspectionTeamMember.Role.choices,
            "inspectors": selectors.inspector_accounts() if manage else [],
            "organisations": Organisation.objects.filter(active=True).order_by("name") if manage else [],
            "errors": errors,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@login_required
def inspection_team_decision(request, pk):
    """The team's signed decision, named by its number (who may read the movement may read it)."""
    from chungsuc.core.legal import signed_file_response

    team = selectors.inspection_team_or_404(request.user, pk)
    if team.decision is None:
        raise Http404(_("Đoàn chưa có quyết định thành lập."))
    return signed_file_response(team.decision)
