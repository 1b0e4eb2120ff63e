"""DEMO thresholds: the commune frameworks of 2021–2025 ship with 18 thresholds nobody has found in the
legal annex (the built-in data leaves them empty, so no commune can meet the standard). For trying the
product only, `load_demo` writes a new version of each framework in which those empty thresholds carry
DEMO values, every one marked unverified with the source "DEMO — không phải văn bản pháp lý". The
built-in data is never changed: `load_builtin` leaves an edited (here: demo) version alone, and the
programme office's work list still counts these thresholds as unverified DEMO values.

Idempotent: a framework whose version in force already came from the demo is left alone.
"""

from __future__ import annotations

from django.db import transaction

DEMO_SOURCE = "DEMO — không phải văn bản pháp lý"
DEMO_REASON = "DEMO: điền các ngưỡng còn thiếu bằng giá trị mẫu để dùng thử (không phải văn bản pháp lý)"
DEMO_NOTE = "Giá trị mẫu (DEMO) chỉ để dùng thử sản phẩm; cần thay bằng ngưỡng của phụ lục chính thức."

# indicator code -> DEMO threshold (the comparator stays the built-in one: ≥, or ≤ for poverty and
# stunting). Plausible orders of magnitude for the Mekong delta, not legal values.
DEMO_THRESHOLDS: dict[str, float] = {
    "2.2": 70,
    "2.3": 70,
    "2.4": 70,
    "4.2": 98,
    "9.2": 75,
    "10": 54,
    "11": 4,
    "12.1": 90,
    "12.2": 70,
    "12.3": 25,
    "14.2": 80,
    "15.3": 24,
    "15.4": 50,
    "16": 50,
    "17.1": 95,
    "17.7": 70,
    "17.8": 80,
    "17.10": 30,
}

DEMO_FRAMEWORKS = ["xa-ntm-2021-ag", "xa-ntm-2021"]


def demo_spec(spec: dict) -> tuple[dict, int]:
    """`spec` with its empty thresholds filled from DEMO_THRESHOLDS (pure); returns (spec, filled)."""
    filled = 0
    for c in spec["criteria"]:
        for i in c["indicators"]:
            for r in i["rules"]:
                if r.get("value") is None and not r.get("ref") and i["code"] in DEMO_THRESHOLDS:
                    value = DEMO_THRESHOLDS[i["code"]]
                    r["value"] = float(value)
                    r["verified"] = False
                    r["source"] = DEMO_SOURCE
                    r["source_url"] = ""
                    r["note"] = DEMO_NOTE
                    filled += 1
    return spec, filled


@transaction.atomic
def load(*, stdout=None) -> None:
    from chungsuc.criteria.models import Framework, Status
    from chungsuc.criteria.selectors import spec_of
    from chungsuc.criteria.services import framework_create_from_spec

    for code in DEMO_FRAMEWORKS:
        current = Framework.objects.filter(code=code, status=Status.IN_FORCE).order_by("-version").first()
        if current is None or current.origin == "demo":
            continue
        spec, filled = demo_spec(spec_of(current))
        if not filled:
            continue
        spec["note"] = (f"{DEMO_NOTE} " + (spec.get("note") or "")).strip()
        fw = framework_create_from_spec(
            actor=None, spec=spec, previous=current, origin="demo", reason=DEMO_REASON
        )
        if stdout is not None:
            stdout.write(f"Bộ tiêu chí: {code} v{fw.version} — {filled} ngưỡng DEMO (chưa kiểm chứng).")
