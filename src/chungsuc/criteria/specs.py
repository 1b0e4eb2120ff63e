"""Framework specs (nested plain data) compared field by field: what changed between two versions."""

from __future__ import annotations

FRAMEWORK_FIELDS = [
    "name",
    "level",
    "standard",
    "period_start",
    "period_end",
    "kinds",
    "legal_basis",
    "legal_url",
    "legal_verified",
    "presupposes",
    "note",
]
CRITERION_FIELDS = ["name", "group", "verified", "source"]
INDICATOR_FIELDS = [
    "criterion",
    "name",
    "unit",
    "value_type",
    "decimals",
    "comparator",
    "inputs",
    "derived",
    "verified",
    "source",
    "note",
]
RULE_FIELDS = [
    "indicator",
    "comparator",
    "value",
    "ref",
    "region",
    "group",
    "kinds",
    "year_from",
    "year_to",
    "when",
    "also",
    "verified",
    "source",
    "source_url",
    "note",
]


def _flat(spec: dict) -> tuple[dict, dict, dict]:
    criteria, indicators, rules = {}, {}, {}
    for c in spec["criteria"]:
        criteria[c["code"]] = c
        for i in c["indicators"]:
            indicators[i["code"]] = dict(i, criterion=c["code"])
            for r in i["rules"]:
                rules[r["key"]] = dict(r, indicator=i["code"])
    return criteria, indicators, rules


def spec_diff(old: dict, new: dict) -> list[dict]:
    """Changes from `old` to `new`: dicts {what, code, change, field, before, after}
    (change is added, removed or changed)."""
    out: list[dict] = []
    for f in FRAMEWORK_FIELDS:
        if old.get(f) != new.get(f):
            out.append(
                {
                    "what": "framework",
                    "code": new.get("code"),
                    "change": "changed",
                    "field": f,
                    "before": old.get(f),
                    "after": new.get(f),
                }
            )
    for what, fields, a, b in zip(
        ("criterion", "indicator", "rule"),
        (CRITERION_FIELDS, INDICATOR_FIELDS, RULE_FIELDS),
        _flat(old),
        _flat(new),
        strict=True,
    ):
        for code in a.keys() - b.keys():
            out.append(
                {
                    "what": what,
                    "code": code,
                    "change": "removed",
                    "field": "",
                    "before": a[code].get("name") or a[code].get("value"),
                    "after": None,
                }
            )
        for code in b.keys() - a.keys():
            out.append(
                {
                    "what": what,
                    "code": code,
                    "change": "added",
                    "field": "",
                    "before": None,
                    "after": b[code].get("name") or b[code].get("value"),
                }
            )
        for code in a.keys() & b.keys():
            for f in fields:
                if a[code].get(f) != b[code].get(f):
                    out.append(
                        {
                            "what": what,
                            "code": code,
                            "change": "changed",
                            "field": f,
                            "before": a[code].get(f),
                            "after": b[code].get(f),
                        }
                    )
    order = {"framework": 0, "criterion": 1, "indicator": 2, "rule": 3}
    out.sort(key=lambda d: (order[d["what"]], str(d["code"]), d["field"]))
    return out
