"""The one permission layer: who may do which action on what.

    can(user, "assessment.values.edit", assessment)      → bool
    require(user, "recognition.decide", assessment)       → PermissionDenied with a Vietnamese reason
                                                            (Http404 when the subject is not even visible)
    restrict(Assessment.objects.all(), user, "assessment.view")   → the queryset, filtered in the database
    get_or_404(Assessment.objects.all(), user, "assessment.view", pk)  → one row, or the same 404 for
                                                                         "not yours" and "does not exist"

Which roles may take an action, and how, is data (`accounts.matrix`, `data/permissions/*.yaml`).
Where the subject stands is declared per model (`declare(Model, unit=..., organisation=...,
person=...)`, lookups from the model to a unit, an organisation or a user); a model with a `unit`
field needs no declaration.

The rule. A user acts through their active memberships: a role in an organisation whose
`Jurisdiction`s are a unit's subtree over a period.

- A **read** (`mode: read`) reaches a subject whose unit was in a jurisdiction's subtree at some date
  of the jurisdiction's period — Thoại Sơn's officer still reads its communes' 2021–2025 dossiers —
  and a subject of an ended unit whose business passed to a unit of that subtree.
- A **write** is decided as of today (`acting_as_of` moves "today" for a dated test or a replay): the
  jurisdiction must be in force today and cover, today, the unit that holds the subject's business —
  the unit itself while it exists, else its successor through the lineage (`geo.UnitHeir`), else the
  unit that was its parent (an abolished district's business passes to the province). So UBND huyện
  Thoại Sơn reads but no longer changes its records after 30/6/2025, and UBND xã Phú Hòa finishes
  Vĩnh Chánh's pending 2024 dossier.
- Both are computed in the database: the subtree is a join on the `geo.UnitAncestor` closure table,
  so a province-wide user costs one subquery whatever the number of units, never an IN list of ids.
- A subject with no unit (a province-wide row) is reached by users with a province-level jurisdiction.
- A subject of an organisation is reached by that organisation's members, and through the unit rule
  by the organisation's jurisdictions; a subject of a person by that person.
- Superusers may do everything; anonymous users nothing; `system` is the scheduled job (actor None).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.accounts import matrix

# --- "today" -----------------------------------------------------------------------------------------

_as_of: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("permissions_as_of", default=None)


def today() -> dt.date:
    """The day writes are decided on: today, unless inside `acting_as_of` or unless the setting
    `CHUNGSUC_ACTING_AS_OF` (a date; None in every deployment) is set — the tests of the 2021–2025
    history set it through the dated fixture `acting_in_2024`, which also reaches the live server's
    thread of a browser test."""
    from django.conf import settings

    return _as_of.get() or getattr(settings, "CHUNGSUC_ACTING_AS_OF", None) or timezone.localdate()


@contextlib.contextmanager
def acting_as_of(day: dt.date):
    """Decide writes as if today were `day` (tests of the 2021–2025 history, replaying a past act).
    Clearly dated at every use; nothing in the product's requests uses it."""
    token = _as_of.set(day)
    try:
        yield day
    finally:
        _as_of.reset(token)


# --- where a subject stands --------------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    unit: str | None = None
    organisation: str | None = None
    person: str | None = None
    area: str | None = None
    many: bool = False  # a path crosses a to-many relation: the rows are kept by `pk IN (…)`


_PATHS: dict[type, Paths] = {}


def declare(
    model: type[Model],
    *,
    unit: str | None = None,
    organisation: str | None = None,
    person: str | None = None,
    area: str | None = None,
):
    """How rows of `model` reach their unit, organisation or person (Django lookups, e.g.
    `unit="assessment__unit"`, `organisation="obligation__participant__organisation"`).

    `area` names a unit whose whole subtree the subject covers (a movement over its province): for
    an action of scope `view` it is reached by whoever reaches that unit or any unit that was ever
    below it; for other actions it counts as the subject's unit. A path may cross a to-many
    relation (`organisation="participants__organisation"`): the rows are then kept by a `pk IN`
    subquery, so no row comes back twice."""
    paths = [p for p in (unit, organisation, person, area) if p]
    _PATHS[model] = Paths(
        unit=unit,
        organisation=organisation,
        person=person,
        area=area,
        many=any(_crosses_many(model, p) for p in paths),
    )


def _crosses_many(model: type[Model], path: str) -> bool:
    current = model
    for name in path.split("__"):
        if name == "pk":
            return False
        field = current._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation or field.related_model is None:
            return False
        current = field.related_model
    return False


def paths_of(model: type[Model]) -> Paths:
    from chungsuc.geo.models import Unit

    if model in _PATHS:
        return _PATHS[model]
    if issubclass(model, Unit):
        return Paths(unit="pk")
    names = {f.name for f in model._meta.get_fields()}
    if "unit" in names:
        return Paths(unit="unit")
    if "unit_id" in names:  # a plain column (core's audit rows and cases sit below geo)
        return Paths(unit="unit_id")
    raise LookupError(f"{model.__name__}: khai báo accounts.permissions.declare(...) cho mô hình này")


# --- the user's jurisdictions (one query per user and request) ---------------------------------------


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int
    unit_id: int | None
    unit_level: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    def alive_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


def grants(user) -> list[Grant]:
    """The user's (role, jurisdiction) pairs; a membership of an organisation without a jurisdiction
    gives a grant with no unit (it acts on the organisation's own subjects only)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = user.__dict__.get("_chungsuc_grants")
    if cached is not None:
        return cached
    from chungsuc.accounts.models import Membership

    rows = (
        Membership.objects.filter(user=user, active=True, organisation__active=True)
        .order_by()
        .values_list(
            "role",
            "organisation_id",
            "organisation__jurisdictions__unit_id",
            "organisation__jurisdictions__unit__level",
            "organisation__jurisdictions__valid_from",
            "organisation__jurisdictions__valid_to",
        )
    )
    out = [Grant(r, o, u, lvl or "", f, t) for r, o, u, lvl, f, t in rows]
    user.__dict__["_chungsuc_grants"] = out
    return out


def forget(user) -> None:
    """Drop what was cached on the user object (after a membership changed in the same request)."""
    for key in ("_chungsuc_grants", "_chungsuc_roles"):
        user.__dict__.pop(key, None)


def _is_superuser(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def _grants_for(user, act: matrix.Action, day: dt.date | None) -> list[Grant]:
    out = [g for g in grants(user) if g.role in act.roles]
    if act.level:
        out = [g for g in out if g.unit_level == act.level]
    if day is not None:
        out = [g for g in out if g.alive_on(day)]
    return out


# --- the unit condition, in the database ---------------------------------------------------------------


def _overlaps(prefix: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if end is not None:
        q &= Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})
    if start is not None:
        q &= Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    return q


def _covers_day(day: dt.date) -> Q:
    return _overlaps("", day, day)


def unit_ids_subquery(gs: list[Grant], *, write_day: dt.date | None) -> QuerySet | None:
    """A subquery of the unit ids the grants reach (None: nothing). Writes: the units whose business
    a unit of a grant's subtree holds on `write_day`; reads: over each grant's period."""
    from chungsuc.geo.models import UnitAncestor, UnitHeir

    with_unit = [g for g in gs if g.unit_id is not None]
    if not with_unit:
        return None
    if write_day is not None:
        roots = sorted({g.unit_id for g in with_unit})
        below = UnitAncestor.objects.filter(_covers_day(write_day), ancestor_id__in=roots).values(
            "descendant_id"
        )
        return UnitHeir.objects.filter(_covers_day(write_day), heir_id__in=below).values("unit_id")
    cond = Q()
    for key in sorted({(g.unit_id, g.valid_from, g.valid_to) for g in with_unit}, key=str):
        unit_id, start, end = key
        below = UnitAncestor.objects.filter(_overlaps("", start, end), ancestor_id=unit_id).values(
            "descendant_id"
        )
        cond |= Q(_overlaps("", start, end), heir_id__in=below)
    return UnitHeir.objects.filter(cond).values("unit_id")


def _condition(model: type[Model], user, act: matrix.Action, *, on: dt.date | None) -> Q | None:
    """The Q that keeps the rows of `model` the user may take `act` on (None: every row)."""
    if _is_superuser(user):
        return None
    paths = paths_of(model)
    cond = Q(pk__in=[])
    if act.scope == "participant" and paths.organisation:
        # a participant's own business: its members holding one of the roles, whatever the dates of
        # their organisation's jurisdictions (the organisation stays the participant); nobody else —
        # the province acting on a participant's behalf is a separate action (`movement.manage`).
        # A subject without an organisation (a unit) falls to the unit rule below.
        own = sorted({g.organisation_id for g in _grants_for(user, act, None)})
        if not own:
            return cond
        return _flat(model, paths, Q(**{f"{paths.organisation}__in": own}))
    write_day = (on or today()) if act.is_write else on
    gs = _grants_for(user, act, write_day)
    if not gs:
        return cond
    units = unit_ids_subquery(gs, write_day=write_day)
    if paths.unit:
        if units is not None:
            cond |= Q(**{f"{paths.unit}__in": units})
        if any(g.unit_level == "province" for g in gs):
            cond |= Q(**{f"{paths.unit}__isnull": True})
    if paths.area and units is not None:
        if act.scope == "view":
            from chungsuc.geo.models import UnitAncestor

            above = UnitAncestor.objects.filter(descendant_id__in=units).values("ancestor_id")
            cond |= Q(**{f"{paths.area}__in": above})
        else:
            cond |= Q(**{f"{paths.area}__in": units})
    if paths.organisation:
        own = sorted({g.organisation_id for g in gs})
        cond |= Q(**{f"{paths.organisation}__in": own})
        if act.scope != "view" and units is not None:
            from chungsuc.accounts.models import Jurisdiction

            reached = Jurisdiction.objects.filter(unit_id__in=units).values("organisation_id")
            cond |= Q(**{f"{paths.organisation}__in": reached})
    if paths.person:
        cond |= Q(**{paths.person: user})
    return _flat(model, paths, cond)


def _flat(model: type[Model], paths: Paths, cond: Q) -> Q:
    """A condition over to-many paths as one `pk IN (subquery)`, so that the outer query's rows are
    neither repeated nor its other filters multiplied."""
    if not paths.many:
        return cond
    return Q(pk__in=model._default_manager.filter(cond).values("pk"))


# --- the API -------------------------------------------------------------------------------------------


def restrict(queryset: QuerySet, user, action: str, *, on: dt.date | None = None) -> QuerySet:
    """The rows of `queryset` the user may take `action` on, filtered by the database."""
    act = matrix.action(action)
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    cond = _condition(queryset.model, user, act, on=on)
    return queryset if cond is None else queryset.filter(cond)


def holds(user, action: str, *, on: dt.date | None = None) -> bool:
    """True if the user holds a role of `action` at all (for writes: in a jurisdiction in force today,
    at the action's level) — the question a button for no particular subject asks."""
    act = matrix.action(action)
    if _is_superuser(user):
        return True
    day = (on or today()) if act.is_write else on
    return bool(_grants_for(user, act, day))


def can(user, action: str, obj=None, *, on: dt.date | None = None) -> bool:
    """True if `user` may take `action` on `obj` (a model instance, or a unit's id); without `obj`,
    whether they hold the action at all (`holds`)."""
    act = matrix.action(action)
    if user is None:
        return matrix.SYSTEM_ROLE in act.roles
    if not getattr(user, "is_authenticated", False):
        return False
    if obj is None:
        return holds(user, action, on=on)
    if _is_superuser(user):
        return True
    if isinstance(obj, int):
        from chungsuc.geo.models import Unit

        model, pk = Unit, obj
    else:
        model, pk = type(obj), obj.pk
    return restrict(model._default_manager.filter(pk=pk), user, action, on=on).exists()


def visible(user, obj) -> bool:
    """True if any of the user's roles reads `obj` (the line between 404 and 403)."""
    if _is_superuser(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    read = matrix.Action(name="_visible", roles=frozenset(g.role for g in grants(user)), mode="read")
    if isinstance(obj, int):
        from chungsuc.geo.models import Unit

        model, pk = Unit, obj
    else:
        model, pk = type(obj), obj.pk
    if not read.roles:
        return False
    cond = _condition(model, user, read, on=None)
    qs = model._default_manager.filter(pk=pk)
    return (qs if cond is None else qs.filter(cond)).exists()


def refusal(action: str) -> str:
    act = matrix.action(action)
    if act.label:
        return _("Bạn không có quyền %(what)s trên địa bàn này.") % {"what": _(act.label)}
    return _("Bạn không có quyền thực hiện thao tác này.")


def require(user, action: str, obj=None, *, on: dt.date | None = None, not_found: str | None = None) -> None:
    """Raise unless `user` may take `action` on `obj`: Http404 when `obj` is not even visible to them
    (the same words as a missing record), else PermissionDenied with the action's Vietnamese reason."""
    if user is None:  # the system (built-in loaders, the scheduled job) acts without a person
        return
    if can(user, action, obj, on=on):
        return
    if obj is not None and not visible(user, obj):
        raise Http404(not_found or _("Không tìm thấy"))
    raise PermissionDenied(refusal(action))


def require_visible(user, obj, *, not_found: str | None = None) -> None:
    """Http404 unless some role of the user reads `obj` (the system, `user` None, sees everything)."""
    if user is not None and not visible(user, obj):
        raise Http404(not_found or _("Không tìm thấy"))


def get_or_404(
    queryset: QuerySet, user, action: str, pk, *, message: str | None = None, on: dt.date | None = None
):
    """The row `pk` of `queryset` if the user may take `action` on it; otherwise the same 404 whether it
    is not theirs or does not exist."""
    try:
        return restrict(queryset, user, action, on=on).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message or _("Không tìm thấy")) from None


def units(user, action: str = "unit.view", *, on: dt.date | None = None) -> QuerySet:
    """The administrative units `action` reaches, as a queryset filtered in the database (the unit
    tree, the charts, the profile's count). With `on` (a read), through the jurisdictions in force
    that day and the units below them that day."""
    from chungsuc.geo.models import Unit

    return restrict(Unit.objects.all(), user, action, on=on)


def reached(user, action: str, unit_ids, *, on: dt.date | None = None) -> set[int]:
    """Which of `unit_ids` — the units one page shows (a row's link, a file's codes, or a subquery such
    as the tree valid on a day) — `action` reaches: one query, the answer of `can` for each."""
    if not isinstance(unit_ids, QuerySet):
        unit_ids = [i for i in unit_ids if i is not None]
        if not unit_ids:
            return set()
    return set(units(user, action, on=on).filter(pk__in=unit_ids).order_by().values_list("pk", flat=True))


def province_wide(user) -> bool:
    """True if the user holds any role over a province (or is a superuser): the words "toàn tỉnh"
    rather than "trong phạm vi phụ trách" on a list's title."""
    return _is_superuser(user) or any(g.unit_level == "province" for g in grants(user))


def unit_ids(user, action: str, *, on: dt.date | None = None) -> QuerySet | None:
    """The unit ids `action` reaches, as a subquery to filter other tables with (None: every unit)."""
    act = matrix.action(action)
    if _is_superuser(user):
        return None
    write_day = (on or today()) if act.is_write else on
    from chungsuc.geo.models import Unit

    sub = unit_ids_subquery(_grants_for(user, act, write_day), write_day=write_day)
    return sub if sub is not None else Unit.objects.none().values("pk")


# --- hooks of the workflow engine (settings CHUNGSUC_WORKFLOW_PERMISSION, ...) -----------------------


def workflow_can_act_on_unit(user, unit_id, roles, *, on: dt.date | None = None) -> bool:
    """The engine's question "may `user`, with one of `roles`, act on this unit now?" answered by the
    same rule as every write (as of today, successor through the lineage)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_superuser(user):
        return True
    roles = frozenset(roles) - {matrix.SYSTEM_ROLE}
    if not roles:
        return False
    act = matrix.Action(name="_workflow", roles=roles)
    gs = _grants_for(user, act, on or today())
    if not gs:
        return False
    if unit_id is None:
        return any(g.unit_level == "province" for g in gs)
    from chungsuc.geo.models import Unit

    sub = unit_ids_subquery(gs, write_day=on or today())
    return sub is not None and Unit.objects.filter(pk=unit_id, pk__in=sub).exists()


def _level_gone(unit_id: int, level: str, day: dt.date) -> bool:
    """True when no unit of `level` stands above the unit holding `unit_id`'s business on `day`."""
    from chungsuc.geo.models import UnitAncestor, UnitHeir

    holders = UnitHeir.objects.filter(_covers_day(day), unit_id=unit_id).values("heir_id")
    return not UnitAncestor.objects.filter(
        _covers_day(day), descendant_id__in=holders, ancestor__level=level
    ).exists()


def workflow_can_act(user, unit_id, roles, *, on: dt.date | None = None) -> bool:
    """The engine's hook: the write rule, plus the succession of an abolished level's step."""
    if workflow_can_act_on_unit(user, unit_id, roles, on=on):
        return True
    if unit_id is None or not getattr(user, "is_authenticated", False):
        return False
    day = on or today()
    # a step of a level that no longer exists passes to the level above (data: `succession` in
    # data/permissions/core.yaml — after 1/7/2025 a pending dossier's district step is the province's)
    succession = matrix.succession()
    for role in set(roles) & set(succession):
        level, above = succession[role]
        if {g.role for g in grants(user)} & above and _level_gone(unit_id, level, day):
            act = matrix.Action(name="_succession", roles=above, level="province")
            gs = _grants_for(user, act, day)
            sub = unit_ids_subquery(gs, write_day=day)
            from chungsuc.geo.models import Unit

            if sub is not None and Unit.objects.filter(pk=unit_id, pk__in=sub).exists():
                return True
    return False


def workflow_users_over_unit(unit_id, roles) -> QuerySet:
    """Users who could act on the unit now with one of `roles` (the engine notifies them)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    succession = matrix.succession()
    wanted = set(roles) | {r for role in roles if role in succession for r in succession[role][1]}
    candidates = User.objects.filter(
        is_active=True, memberships__active=True, memberships__role__in=list(wanted)
    ).distinct()
    ids = [u.pk for u in candidates if workflow_can_act(u, unit_id, roles)]
    return User.objects.filter(pk__in=ids)
