"""Writes for accounts. Every function is one transaction and writes its audit row."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chungsuc.accounts.models import Jurisdiction, Membership, Organisation, Role
from chungsuc.core.audit import audit_record


def _require_admin(actor) -> None:
    from chungsuc.accounts import permissions

    if actor is None:  # built-in data loaders and management commands act as the system
        return
    if not permissions.can(actor, "organisation.manage"):
        raise PermissionDenied("Chỉ quản trị cấp tỉnh được thay đổi tổ chức và phân quyền.")


@transaction.atomic
def organisation_upsert(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    short_name: str = "",
    parent=None,
    unit=None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Organisation:
    """Create or update an organisation (and its jurisdiction over `unit`, if given)."""
    _require_admin(actor)
    org, created = Organisation.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "short_name": short_name, "parent": parent}
    )
    changed = created
    if not created:
        for field, value in {"name": name, "kind": kind, "short_name": short_name, "parent": parent}.items():
            if getattr(org, field) != value:
                setattr(org, field, value)
                changed = True
        if changed:
            org.save()
    if unit is not None:
        _, j_created = Jurisdiction.objects.get_or_create(
            organisation=org, unit=unit, valid_from=valid_from, defaults={"valid_to": valid_to}
        )
        changed = changed or j_created
    if changed:
        audit_record(
            actor=actor,
            action="organisation.create" if created else "organisation.update",
            target=org,
            unit_id=unit.pk if unit else None,
            after={"name": name, "kind": kind},
        )
    return org


@transaction.atomic
def membership_grant(*, actor, user, organisation: Organisation, role: str) -> Membership:
    _require_admin(actor)
    if role not in Role.values:
        raise ValidationError(f"Vai trò không hợp lệ: «{role}».")
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if not created and not membership.active:
        membership.active = True
        membership.save(update_fields=["active"])
        created = True
    if created:
        audit_record(
            actor=actor,
            action="membership.grant",
            target=membership,
            after={"user": user.get_username(), "organisation": organisation.code, "role": role},
        )
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership, reason: str = "") -> None:
    _require_admin(actor)
    if membership.active:
        membership.active = False
        membership.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="membership.revoke",
            target=membership,
            reason=reason,
            before={"active": True},
            after={"active": False},
        )


@transaction.atomic
def user_upsert(*, actor, username: str, full_name: str, email: str = "", password: str | None = None):
    _require_admin(actor)
    User = get_user_model()
    first, _, last = full_name.rpartition(" ")
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": email}
    )
    if password and (created or not user.has_usable_password()):
        user.set_password(password)
        user.save()
    if created:
        audit_record(actor=actor, action="user.create", target=user, after={"username": username})
    return user


@transaction.atomic
def password_change(*, actor, form) -> None:
    """Save a valid SetPasswordForm/PasswordChangeForm for `actor` and audit it, in one transaction
    (the new password is never saved without its audit row)."""
    if form.user.pk != actor.pk:
        raise PermissionDenied("Chỉ được đổi mật khẩu của chính mình.")
    form.save()
    audit_record(actor=actor, action="user.password_change", target=actor)
