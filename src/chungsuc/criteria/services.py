"""Writes for criteria. Each function is one transaction and writes its audit row.

Only the programme office (Văn phòng Điều phối NTM) and superusers change criteria sets; built-in
loaders act as the system (`actor=None`). Versions are copy-on-write: a threshold edit or an import
writes version n+1 and retires version n, so results keep pointing at the thresholds they used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chungsuc.core.audit import audit_record
from chungsuc.core.concurrency import check_version, save_with_version
from chungsuc.core.links import validate_http_url
from chungsuc.criteria import engine
from chungsuc.criteria.excel import parse_workbook
from chungsuc.criteria.models import Criterion, Framework, Indicator, Status, ThresholdRule
from chungsuc.criteria.selectors import spec_of
from chungsuc.criteria.specs import spec_diff


def can_edit(user) -> bool:
    """The programme office edits the criteria sets ("criteria.edit" of the permission matrix)."""
    from chungsuc.accounts import permissions

    return permissions.can(user, "criteria.edit") if user is not None else False


def _require_office(actor) -> None:
    if actor is None:  # built-in loaders act as the system
        return
    if not can_edit(actor):
        raise PermissionDenied(_("Chỉ Văn phòng Điều phối NTM được thay đổi bộ tiêu chí."))


def _validate_spec(spec: dict) -> None:
    try:
        engine.framework_from_dict(spec)
    except engine.EvaluationError as exc:
        raise ValidationError(str(exc))
    _validate_spec_urls(spec)


def _validate_spec_urls(spec: dict) -> None:
    """Every address in a spec is http(s) (core.links), whichever path the spec came from: the
    built-in data, the workbook import, a threshold edit, the API."""
    errors = []
    try:
        validate_http_url(
            spec.get("legal_url"),
            label=_("Nguồn căn cứ của bộ tiêu chí %(code)s") % {"code": spec.get("code")},
        )
    except ValidationError as exc:
        errors.extend(exc.messages)
    for c in spec.get("criteria") or []:
        for i in c.get("indicators") or []:
            for r in i.get("rules") or []:
                try:
                    validate_http_url(
                        r.get("source_url"),
                        label=_("Đường dẫn nguồn của ngưỡng %(key)s (chỉ tiêu %(indicator)s)")
                        % {"key": r.get("key") or "?", "indicator": i.get("code")},
                    )
                except ValidationError as exc:
                    errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _write(
    spec: dict,
    *,
    previous: Framework | None,
    origin: str,
    reason: str,
    builtin_checksum: str = "",
    actor=None,
) -> Framework:
    _validate_spec_urls(spec)
    code = spec["code"]
    last = Framework.objects.filter(code=code).aggregate(m=Max("version"))["m"] or 0
    Framework.objects.filter(code=code, status=Status.IN_FORCE).update(status=Status.RETIRED)
    fw = Framework.objects.create(
        code=code,
        version=last + 1,
        name=spec["name"],
        level=spec["level"],
        standard=spec["standard"],
        period_start=spec.get("period_start"),
        period_end=spec.get("period_end"),
        kinds=spec.get("kinds") or [],
        legal_basis=spec.get("legal_basis") or "",
        legal_url=spec.get("legal_url") or "",
        legal_verified=bool(spec.get("legal_verified")),
        presupposes=spec.get("presupposes") or "",
        bands=[list(b) for b in spec.get("bands") or []],
        note=spec.get("note") or "",
        previous=previous,
        change_reason=reason,
        origin=origin,
        builtin_checksum=builtin_checksum,
        status=Status.IN_FORCE,
    )
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(
                framework=fw,
                code=c["code"],
                name=c["name"],
                group=c.get("group") or "",
                order=n,
                verified=bool(c.get("verified")),
                source=c.get("source") or "",
            )
            for n, c in enumerate(spec["criteria"])
        ]
    )
    indicators, pairs = [], []
    order = 0
    for crit, c in zip(criteria, spec["criteria"], strict=True):
        for i in c["indicators"]:
            ind = Indicator(
                framework=fw,
                criterion=crit,
                code=i["code"],
                name=i["name"],
                unit=i.get("unit") or "",
                value_type=i["value_type"],
                decimals=i.get("decimals"),
                comparator=i.get("comparator") or "gte",
                inputs=i.get("inputs") or [],
                derived=i.get("derived"),
                order=order,
                verified=bool(i.get("verified")),
                source=i.get("source") or "",
                note=i.get("note") or "",
            )
            order += 1
            indicators.append(ind)
            pairs.append((ind, i))
    Indicator.objects.bulk_create(indicators)
    rules = []
    for ind, i in pairs:
        for n, r in enumerate(i["rules"]):
            rules.append(
                ThresholdRule(
                    framework=fw,
                    indicator=ind,
                    key=r.get("key") or f"{i['code']}#{n + 1}",
                    order=n,
                    comparator=r["comparator"],
                    value=r.get("value"),
                    value_ref=r.get("ref"),
                    region=r.get("region") or "",
                    group=r.get("group"),
                    kinds=r.get("kinds") or [],
                    year_from=r.get("year_from"),
                    year_to=r.get("year_to"),
                    when=r.get("when") or [],
                    also=r.get("also") or [],
                    source=r.get("source") or "",
                    source_url=(r.get("source_url") or "")[:500],
                    verified=bool(r.get("verified")),
                    note=r.get("note") or "",
                )
            )
    ThresholdRule.objects.bulk_create(rules)
    audit_record(
        actor=actor,
        action="framework.version" if previous else "framework.create",
        target=fw,
        reason=reason,
        changes={"version": [previous.version if previous else None, fw.version], "origin": [None, origin]},
    )
    return fw


@transaction.atomic
def framework_create_from_spec(
    *,
    actor,
    spec: dict,
    previous: Framework | None = None,
    origin: str = "builtin",
    reason: str = "",
    builtin_checksum: str = "",
) -> Framework:
    """Write `spec` as a new version of its code (version 1 if new), retiring the one in force."""
    _require_office(actor)
    _validate_spec(spec)
    return _write(
        spec, previous=previous, origin=origin, reason=reason, builtin_checksum=builtin_checksum, actor=actor
    )


def _check_current(fw: Framework) -> None:
    if fw.status != Status.IN_FORCE:
        newest = Framework.objects.filter(code=fw.code).order_by("-version").first()
        raise ValidationError(
            _(
                "Phiên bản %(version)s của bộ tiêu chí %(code)s không còn áp dụng (phiên bản hiện hành: "
                "%(newest)s); có thể người khác vừa sửa — hãy mở lại phiên bản hiện hành."
            )
            % {"version": fw.version, "code": fw.code, "newest": newest.version if newest else "?"}
        )


def _threshold_value(rule: ThresholdRule, value) -> float | None:
    if value in (None, ""):
        return None
    vt = rule.indicator.value_type
    if vt == engine.PASS_FAIL:
        if isinstance(value, str):
            value = value.strip().lower() in ("1", "true", "đạt", "có")
        value = bool(value)
    elif isinstance(value, str):
        try:
            value = float(value.replace(",", "."))
        except ValueError:
            raise ValidationError(
                _("Ngưỡng «%(value)s» của chỉ tiêu %(indicator)s không phải là số.")
                % {"value": value, "indicator": rule.indicator.code}
            )
    try:
        return engine.coerce_value(rule.indicator.code, vt, value)
    except engine.EvaluationError as exc:
        raise ValidationError(str(exc))


UNCHANGED = object()


def _decimals_value(rule: ThresholdRule, decimals) -> int | None:
    """The indicator's precision as typed ("" or None: the value type's default), or a Vietnamese
    refusal naming the indicator."""
    if decimals is None or (isinstance(decimals, str) and not decimals.strip()):
        return None
    try:
        number = int(str(decimals).strip()) if not isinstance(decimals, bool) else None
    except ValueError:
        number = None
    problem = (
        engine.decimals_problem(rule.indicator.value_type, number)
        if number is not None
        else _("số chữ số thập phân «%(value)s» không phải số nguyên") % {"value": decimals}
    )
    if problem:
        raise ValidationError(
            _("Chỉ tiêu %(indicator)s: %(problem)s") % {"indicator": rule.indicator.code, "problem": problem}
        )
    return number


@transaction.atomic
def threshold_update(
    *,
    actor,
    rule: ThresholdRule,
    value,
    reason: str,
    comparator: str | None = None,
    decimals=UNCHANGED,
    expected_version: int | None = None,
) -> ThresholdRule:
    """Change one threshold with a reason: writes a new framework version (copy-on-write) in which the
    rule has the new value and is unverified until marked verified; returns the rule in the new version.
    `expected_version` is the rule's version the form showed (None: no check).

    `decimals` (when given) also sets the precision of the rule's indicator (0–2 digits, None for the
    value type's default); a save that changes only the precision keeps the threshold's verification."""
    _require_office(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần nêu lý do thay đổi ngưỡng."))
    fw = Framework.objects.select_for_update().get(pk=rule.framework_id)
    _check_current(fw)
    check_version(rule, expected_version)
    new_value = _threshold_value(rule, value)
    if comparator is not None and comparator not in engine.COMPARATORS:
        raise ValidationError(_("Phép so sánh «%(value)s» không hợp lệ.") % {"value": comparator})
    spec = spec_of(fw)
    indicator, target = next(
        (i, r) for c in spec["criteria"] for i in c["indicators"] for r in i["rules"] if r["key"] == rule.key
    )
    before = {"value": target["value"], "comparator": target["comparator"], "verified": target["verified"]}
    precision_changed = False
    if decimals is not UNCHANGED:
        new_decimals = _decimals_value(rule, decimals)
        precision_changed = new_decimals != indicator.get("decimals")
        if precision_changed:
            before["decimals"] = indicator.get("decimals")
            indicator["decimals"] = new_decimals
    threshold_same = (
        new_value == target["value"] and (comparator or target["comparator"]) == target["comparator"]
    )
    target["value"] = new_value
    if comparator:
        target["comparator"] = comparator
    if not (precision_changed and threshold_same):
        target["verified"] = False
    target["note"] = (f"Sửa ở phiên bản {fw.version + 1}: {reason}. " + (target.get("note") or "")).strip()
    _validate_spec(spec)
    new_fw = _write(
        spec, previous=fw, origin="edit", reason=f"Sửa ngưỡng {rule.indicator.code}: {reason}", actor=actor
    )
    new_rule = ThresholdRule.objects.select_related("indicator").get(framework=new_fw, key=rule.key)
    audit_record(
        actor=actor,
        action="threshold.update",
        target=new_rule,
        target_repr=f"{fw.code} v{new_fw.version} — chỉ tiêu {rule.indicator.code} ({rule.key})",
        before=before,
        after={
            "value": new_value,
            "comparator": target["comparator"],
            "verified": target["verified"],
            **({"decimals": indicator["decimals"]} if precision_changed else {}),
        },
        reason=reason,
    )
    return new_rule


@transaction.atomic
def threshold_verify(
    *, actor, rule: ThresholdRule, source: str, source_url: str = "", expected_version: int | None = None
) -> ThresholdRule:
    """Mark a threshold verified against its legal source (in place: the value does not change), only
    if the rule is still at `expected_version` (the version the form showed; None: as loaded here)."""
    _require_office(actor)
    source = (source or "").strip()
    if not source:
        raise ValidationError(
            _("Cần ghi nguồn pháp lý (số, ngày văn bản, điều khoản) khi đánh dấu đã kiểm chứng.")
        )
    fw = Framework.objects.select_for_update().get(pk=rule.framework_id)
    _check_current(fw)
    rule = ThresholdRule.objects.select_related("indicator").get(pk=rule.pk)
    before = {"verified": rule.verified, "source": rule.source, "source_url": rule.source_url}
    source_url = validate_http_url(source_url, label=_("Đường dẫn nguồn"))
    check_version(rule, expected_version)
    rule.verified = True
    rule.source = source
    if source_url:
        rule.source_url = source_url
    save_with_version(rule, expected_version, ["verified", "source", "source_url"])
    fw.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="threshold.verify",
        target=rule,
        target_repr=f"{fw.code} v{fw.version} — chỉ tiêu {rule.indicator.code} ({rule.key})",
        before=before,
        after={"verified": True, "source": rule.source, "source_url": rule.source_url},
    )
    return rule


@dataclass
class ImportReport:
    ok: bool
    dry_run: bool
    code: str = ""
    is_new: bool = False
    errors: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    framework: Framework | None = None


def framework_import_excel(
    *, actor, file, dry_run: bool = True, reason: str = "", name: str | None = None
) -> ImportReport:
    """Read a framework workbook. Dry run: report changes and errors (by sheet/row/column). Otherwise
    write it as a new version (or a new framework) — only when there are no errors and something changed."""
    _require_office(actor)
    size = getattr(file, "size", None)
    if size is not None and size > settings.FILE_UPLOAD_MAX_BYTES:
        return ImportReport(
            ok=False,
            dry_run=dry_run,
            errors=[
                {
                    "sheet": "",
                    "row": None,
                    "column": None,
                    "message": _("Tệp quá lớn (%(size)s byte; tối đa %(max)s byte).")
                    % {"size": size, "max": settings.FILE_UPLOAD_MAX_BYTES},
                }
            ],
        )
    spec, errors = parse_workbook(file, name=name)
    if errors or spec is None:
        return ImportReport(ok=False, dry_run=dry_run, errors=errors)
    current = Framework.objects.filter(code=spec["code"], status=Status.IN_FORCE).order_by("-version").first()
    if current is not None:
        spec["bands"] = current.bands
    changes = spec_diff(spec_of(current), spec) if current else []
    report = ImportReport(
        ok=True, dry_run=dry_run, code=spec["code"], is_new=current is None, changes=changes
    )
    if dry_run or (current is not None and not changes):
        return report
    with transaction.atomic():
        if current is not None:
            current = Framework.objects.select_for_update().get(pk=current.pk)
            _check_current(current)
        report.framework = _write(
            spec, previous=current, origin="import", reason=reason or "Nhập từ tệp Excel", actor=actor
        )
        audit_record(
            actor=actor,
            action="framework.import",
            target=report.framework,
            reason=reason,
            changes={"changes": len(changes), "new": current is None},
        )
    return report
