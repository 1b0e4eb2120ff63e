"""The child units' results behind a district's (or the province's) derived indicators.

QĐ 320/321 state some conditions over the units below: "100 % of the district's communes meet the
new-rural standard", "≥ 10 % advanced". For a parent unit and an assessment year this module answers,
for every child unit of that year and every framework a derived indicator refers to, whether the child
meets that framework's standard, where the answer comes from, and a line of explanation.

Which children: those whose `UnitVersion` had the parent on the reference date — 31/12 of the year, or
the parent's last day if it ended earlier (districts ended on 30/6/2025, so 2025 uses 30/6/2025).

Which source wins (the register is the legal fact):
1. The recognition register. A record of the required standard or a higher one (advanced ⊇ new-rural,
   model ⊇ advanced) in force on the reference date — or recognised *for* the year or earlier by a
   decision signed after it (Thoại Sơn's 2023 recognition was signed on 01/8/2024) — means met, whatever
   any evaluation says. A recognition revoked before the reference date means not met.
2. Only when the register says nothing about the child for that standard: the child's latest evaluation
   of that year, from a dossier that has been appraised (approved by the district or the province, in
   consultation, decided). A dossier refused by decision means not met.
3. Neither: not known (None). The engine then reports the derived indicator as missing and names how
   many children are not known — never as failed.

Set-at-a-time: four queries for any number of parents (framework standards, child versions, register
records, appraised assessments with their latest result), never a query per child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chungsuc.assessments.models import STANDARD_RANK, Standard
from chungsuc.criteria import engine

# States in which a dossier's evaluation has been appraised by a level above the unit.
APPRAISED_STATES = {
    "district_approved",
    "province_approved",
    "consultation",
    "consultation_closed",
    "recognised",
}
# In the three-tier workflow the district has approved before the province reviews.
APPRAISED_STATES_3_TIER = APPRAISED_STATES | {"province_review"}
REFUSED_STATES = {"not_recognised"}

SOURCE_LABELS = {
    "register": "Sổ công nhận",
    "revoked": "Sổ công nhận (đã thu hồi)",
    "evaluation": "Kết quả đánh giá đã thẩm định",
    "refused": "Quyết định không công nhận",
    "none": "Chưa có thông tin",
}


def reference_date(unit, year: int) -> dt.date:
    """31/12 of the year, or the unit's last day when it ended earlier (districts: 30/6/2025)."""
    ref = dt.date(int(year), 12, 31)
    if unit.valid_to is not None and unit.valid_to < ref:
        ref = unit.valid_to
    return ref


def derived_refs(efw: engine.Framework) -> list[engine.Indicator]:
    return [i for i in efw.indicators if i.derived is not None]


@dataclass
class ChildStatus:
    """One child unit and, per referenced framework code, whether it meets that standard."""

    unit_id: int
    code: str
    name: str
    kind: str
    met: dict[str, bool | None] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    detail: dict[str, str] = field(default_factory=dict)
    verified: dict[str, bool] = field(default_factory=dict)

    def engine_child(self) -> engine.Child:
        return engine.Child(self.kind, dict(self.met))

    def as_json(self) -> dict:
        return {
            "unit_id": self.unit_id,
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "met": self.met,
            "source": self.source,
            "detail": self.detail,
            "verified": self.verified,
        }


def _framework_standards(codes) -> dict[str, str]:
    from chungsuc.criteria.models import Framework, Status

    out: dict[str, str] = {}
    rows = (
        Framework.objects.filter(code__in=list(codes))
        .order_by("code", "-version")
        .values_list("code", "standard", "status")
    )
    for code, standard, status in rows:
        if code not in out or status == Status.IN_FORCE:
            out[code] = standard
    return out


def _fmt(d: dt.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def children_status(parents: list[tuple[object, int]], efw: engine.Framework) -> dict[tuple[int, int], list]:
    """{(parent unit id, year): [ChildStatus, …]} for every (parent unit, year) in `parents`."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import OuterRef, Q, Subquery
    from django.utils.module_loading import import_string

    from chungsuc.assessments.models import Assessment, EvaluationResult
    from chungsuc.core.models import WorkflowCase
    from chungsuc.geo.models import UnitVersion

    refs = derived_refs(efw)
    out: dict[tuple[int, int], list[ChildStatus]] = {(u.pk, int(y)): [] for u, y in parents}
    if not refs or not parents:
        return out
    fw_codes = sorted({i.derived.framework for i in refs})
    standards = _framework_standards(fw_codes)
    ref_dates = {(u.pk, int(y)): reference_date(u, y) for u, y in parents}
    lo, hi = min(ref_dates.values()), max(ref_dates.values())

    # 1. the children on each parent's reference date (one query over every parent)
    versions = (
        UnitVersion.objects.filter(parent_id__in={u.pk for u, _kind in parents})
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=hi))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=lo))
        .values_list("parent_id", "unit_id", "code", "name", "kind", "valid_from", "valid_to")
        .order_by("code")
    )
    children: dict[tuple[int, int], dict[int, tuple]] = {key: {} for key in out}
    by_parent: dict[int, list[tuple[int, int]]] = {}
    for key in out:
        by_parent.setdefault(key[0], []).append(key)
    for parent_id, unit_id, code, name, kind, vf, vt in versions:
        for key in by_parent.get(parent_id, []):
            ref = ref_dates[key]
            if (vf is None or vf <= ref) and (vt is None or vt >= ref):
                children[key][unit_id] = (code, name, kind)
    child_ids = {uid for d in children.values() for uid in d}
    if not child_ids:
        return out

    # 2. the register entries of every child (one query)
    records: dict[int, list[dict]] = {}
    # The register belongs to the app above (recognitions); it is read through a settings hook.
    register_records = import_string(settings.CHUNGSUC_REGISTER_RECORDS)
    for rec in (
        register_records()
        .filter(unit_id__in=child_ids)
        .values(
            "unit_id",
            "standard",
            "year",
            "since",
            "until",
            "verified",
            "decision_text",
            "revocation_id",
            "revocation__number",
            "revocation__date",
        )
    ):
        records.setdefault(rec["unit_id"], []).append(rec)

    # 3. appraised assessments of every child in the years asked, with their latest result (one query)
    years = {key[1] for key in out}
    ct = ContentType.objects.get_for_model(Assessment)
    cases = WorkflowCase.objects.filter(content_type=ct, object_id=OuterRef("pk")).order_by("-id")
    latest = EvaluationResult.objects.filter(assessment=OuterRef("pk")).order_by("-id")
    evaluations: dict[tuple[int, int], list[dict]] = {}
    for a in (
        Assessment.objects.filter(unit_id__in=child_ids, year__in=years)
        .annotate(
            state_code=Subquery(cases.values("state__code")[:1]),
            workflow_code=Subquery(cases.values("workflow__code")[:1]),
            latest_met=Subquery(latest.values("standard_met")[:1]),
            latest_crit=Subquery(latest.values("criteria_met")[:1]),
            latest_total=Subquery(latest.values("criteria_total")[:1]),
        )
        .values(
            "id",
            "unit_id",
            "year",
            "framework__code",
            "framework__standard",
            "state_code",
            "workflow_code",
            "latest_met",
            "latest_crit",
            "latest_total",
        )
    ):
        evaluations.setdefault((a["unit_id"], a["year"]), []).append(a)

    for key, kids in children.items():
        year = key[1]
        ref = ref_dates[key]
        for unit_id, (code, name, kind) in sorted(kids.items(), key=lambda kv: kv[1][0]):
            status = ChildStatus(unit_id=unit_id, code=code, name=name, kind=kind)
            for fw_code in fw_codes:
                standard = standards.get(fw_code)
                met, source, detail, verified = _status_one(
                    standard, year, ref, records.get(unit_id, []), evaluations.get((unit_id, year), [])
                )
                status.met[fw_code] = met
                status.source[fw_code] = source
                status.detail[fw_code] = detail
                status.verified[fw_code] = verified
            out[key].append(status)
    return out


def _label(standard: str) -> str:
    return str(Standard(standard).label) if standard in Standard.values else standard


def _status_one(standard, year, ref, recs, evals) -> tuple[bool | None, str, str, bool]:
    if standard is None:
        return None, "none", "Bộ tiêu chí được tham chiếu không có trên hệ thống.", False
    need = STANDARD_RANK.get(standard, 1)
    label = _label(standard)
    held = [
        r
        for r in recs
        if STANDARD_RANK.get(r["standard"], 0) >= need
        and (r["since"] <= ref or r["year"] <= year)
        and (r["until"] is None or r["until"] >= ref)
    ]
    if held:
        best = max(held, key=lambda r: (STANDARD_RANK.get(r["standard"], 0), r["since"]))
        best_label = _label(best["standard"])
        text = _("Công nhận %(std)s năm %(year)s") % {"std": best_label, "year": best["year"]}
        if best["decision_text"]:
            text += f" ({best['decision_text']})"
        elif best["since"]:
            text += _(", từ %(d)s") % {"d": _fmt(best["since"])}
        return True, "register", text, bool(best["verified"])
    revoked = [
        r
        for r in recs
        if r["revocation_id"]
        and r["until"] is not None
        and r["until"] < ref
        and STANDARD_RANK.get(r["standard"], 0) <= need
    ]
    if revoked:
        r = max(revoked, key=lambda r: r["until"])
        rlabel = _label(r["standard"])
        text = _("Đã bị thu hồi công nhận %(std)s từ %(d)s") % {
            "std": rlabel,
            "d": _fmt(r["until"] + dt.timedelta(days=1)),
        }
        if r["revocation__number"]:
            text += _(" (QĐ %(n)s)") % {"n": r["revocation__number"]}
        return False, "revoked", text, True
    best_eval = None
    for a in evals:
        appraised = APPRAISED_STATES_3_TIER if "3-tier" in (a["workflow_code"] or "") else APPRAISED_STATES
        rank = STANDARD_RANK.get(a["framework__standard"], 0)
        if a["state_code"] in REFUSED_STATES and rank == need:
            text = _("Không công nhận theo hồ sơ %(fw)s năm %(year)s") % {
                "fw": a["framework__code"],
                "year": year,
            }
            return False, "refused", text, True
        if a["state_code"] not in appraised or a["latest_met"] is None:
            continue
        usable = rank == need or (rank > need and a["latest_met"])
        if usable and (best_eval is None or (a["latest_met"] and not best_eval["latest_met"])):
            best_eval = a
    if best_eval is not None:
        met = bool(best_eval["latest_met"])
        params = {
            "fw": best_eval["framework__code"],
            "met": best_eval["latest_crit"],
            "total": best_eval["latest_total"],
        }
        text = (
            _(
                "Đạt theo kết quả đánh giá đã thẩm định (%(fw)s, %(met)s/%(total)s tiêu chí); "
                "chưa có trong sổ công nhận"
            )
            if met
            else _(
                "Chưa đạt theo kết quả đánh giá đã thẩm định (%(fw)s, %(met)s/%(total)s tiêu chí); "
                "chưa có trong sổ công nhận"
            )
        ) % params
        return met, "evaluation", text, True
    return (
        None,
        "none",
        _("Chưa có trong sổ công nhận %(std)s và chưa có kết quả đánh giá đã thẩm định năm %(year)s")
        % {"std": label, "year": year},
        False,
    )


def _kinds_label(kinds) -> str:
    from chungsuc.geo.models import UnitKind

    names = [str(UnitKind(k).label).lower() for k in kinds if k in UnitKind.values]
    return ", ".join(names) or _("đơn vị cấp dưới")


def summary(
    efw: engine.Framework, kids: list[ChildStatus], labels: dict[str, str] | None = None
) -> list[dict]:
    """Per derived indicator: counted children, how many meet, the share, the children that do not
    and those not known, and a line such as "17/17 xã đạt chuẩn Nông thôn mới (100 %)"."""
    if labels is None:
        labels = standard_labels({i.derived.framework for i in derived_refs(efw)})
    out = []
    for ind in derived_refs(efw):
        d = ind.derived
        counted = [c for c in kids if not d.kinds or c.kind in d.kinds]
        yes = [c for c in counted if c.met.get(d.framework) is True]
        no = [c for c in counted if c.met.get(d.framework) is False]
        unknown = [c for c in counted if c.met.get(d.framework) is None]
        share = round(100.0 * len(yes) / len(counted), 1) if counted and not unknown else None
        what = _kinds_label(d.kinds)
        std = labels.get(d.framework, d.framework)
        params = {"yes": len(yes), "n": len(counted), "what": what, "std": std, "unknown": len(unknown)}
        if not counted:
            text = _("Không có %(what)s trực thuộc để tính") % params
        elif unknown:
            text = (
                _(
                    "%(yes)s/%(n)s %(what)s đạt chuẩn %(std)s; %(unknown)s %(what)s chưa có thông tin "
                    "(chỉ tiêu thiếu số liệu)"
                )
                % params
            )
        else:
            text = _("%(yes)s/%(n)s %(what)s đạt chuẩn %(std)s (%(share)s %%)") % {
                **params,
                "share": _pct(share),
            }
        out.append(
            {
                "indicator": ind.code,
                "name": ind.name,
                "framework": d.framework,
                "standard_label": std,
                "kinds": list(d.kinds),
                "counted": len(counted),
                "met": len(yes),
                "not_met": [c.code for c in no],
                "unknown": [c.code for c in unknown],
                "share": share,
                "text": text,
            }
        )
    return out


def _pct(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:g}".replace(".", ",")


def standard_labels(fw_codes) -> dict[str, str]:
    """Framework code → the label of its standard ("Nông thôn mới nâng cao")."""
    out = {}
    for code, standard in _framework_standards(fw_codes).items():
        out[code] = str(Standard(standard).label) if standard in Standard.values else standard
    return out


def snapshot(efw: engine.Framework, ref: dt.date, kids: list[ChildStatus], labels: dict[str, str]) -> dict:
    """What an `EvaluationResult` stores about the children it used."""
    return {
        "as_of": ref.isoformat(),
        "rule": "register_then_appraised_evaluation",
        "children": [c.as_json() for c in kids],
        "indicators": summary(efw, kids, labels),
    }
