"""DEMO assessments (clearly labelled `is_demo`, titles end with "(DEMO)"), idempotent:

- Xã Phú Hòa's 2026 self-assessment under the 2026–2030 framework (QĐ 51/2025, two tiers commune →
  province) — the commune of the merged province where the README's first walk happens: every
  indicator entered except the four of criterion 10, which the walk fills before submitting;
- Xã Vĩnh Chánh's 2024 self-assessment against An Giang's 2021–2025 framework (three tiers), partly
  filled — the history of the district era, finished through its successor Xã Phú Hòa."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from chungsuc.accounts.permissions import acting_as_of

DEMO_VALUES = {
    "1.1": "Đạt",
    "1.2": "Đạt",
    "3.1": "85",
    "3.2": "Đạt",
    "4.1": "Đạt",
    "8.1": "Đạt",
    "10": "58",
    "11": "1,2",
}


# The DEMO history's dossier (2024, three tiers) is written as it was entered, before the 1/7/2025 merger;
# writes are otherwise decided as of today (accounts.permissions).
HISTORY_ENTERED_ON = dt.date(2025, 6, 15)


def _history_dossier(services, officer, unit, fw):
    from chungsuc.assessments.frameworks import engine_framework, fields
    from chungsuc.assessments.models import Assessment

    a = services.assessment_create(actor=officer, unit=unit, year=2024, framework=fw, is_demo=True)
    Assessment.objects.filter(pk=a.pk).update(title=f"{a.title} (DEMO)")
    a.refresh_from_db()
    keys = {f.key for f in fields(engine_framework(fw))}
    values = {k: v for k, v in DEMO_VALUES.items() if k in keys}
    services.assessment_values_save(
        actor=officer,
        assessment=a,
        values=values,
        comments=dict.fromkeys(list(values)[:3], "Số liệu mẫu (DEMO)"),
    )
    a.refresh_from_db()
    return a


@transaction.atomic
def load(*, stdout=None) -> None:
    from chungsuc.assessments import services
    from chungsuc.assessments.models import Assessment
    from chungsuc.criteria.models import Framework, Status
    from chungsuc.geo.selectors import unit_by_code

    fw = (
        Framework.objects.filter(code__in=["xa-ntm-2021-ag", "xa-ntm-2021"], status=Status.IN_FORCE)
        .order_by("-code", "-version")
        .first()
    )
    unit = unit_by_code("30703", dt.date(2024, 6, 30))
    officer = get_user_model().objects.filter(username="demo.vinhchanh").first()
    if fw is None or unit is None or officer is None:
        return
    a = Assessment.objects.filter(unit=unit, year=2024, framework__code=fw.code).first()
    if a is None:
        # the history: entered by Vĩnh Chánh's officer while the commune and its jurisdiction existed
        with acting_as_of(HISTORY_ENTERED_ON):
            a = _history_dossier(services, officer, unit, fw)
    if stdout is not None:
        stdout.write(f"assessments: hồ sơ DEMO {a.title} ({a.filled} chỉ tiêu đã nhập).")
    _load_2026(stdout=stdout)


# The walk fills these itself (criterion 10 of QĐ 51/2025), then submits.
LEFT_FOR_THE_WALK_2026 = ("10.",)


def _load_2026(*, stdout=None) -> None:
    from chungsuc.assessments import services
    from chungsuc.assessments.frameworks import engine_framework
    from chungsuc.assessments.models import Assessment
    from chungsuc.criteria.models import Framework, Status
    from chungsuc.geo import demo as geo_demo
    from chungsuc.geo.selectors import unit_by_code

    geo_demo.load()  # the commune's DEMO group picks its 2026–2030 thresholds (idempotent)
    fw = Framework.objects.filter(code="xa-ntm-2026", status=Status.IN_FORCE).order_by("-version").first()
    unit = unit_by_code(geo_demo.DEMO_COMMUNE, dt.date(2026, 1, 1))
    officer = get_user_model().objects.filter(username="demo.phuhoa").first()
    if fw is None or unit is None or officer is None:
        return
    a = Assessment.objects.filter(unit=unit, year=2026, framework__code=fw.code).first()
    if a is None:
        # today's dossier, entered today (whatever day a test of the history acts on)
        with acting_as_of(timezone.localdate()):
            a = services.assessment_create(actor=officer, unit=unit, year=2026, framework=fw, is_demo=True)
            Assessment.objects.filter(pk=a.pk).update(title=f"{a.title} (DEMO)")
            a.refresh_from_db()
            efw = engine_framework(fw)
            values = {
                ind.code: "Đạt"
                for ind in efw.indicators
                if ind.derived is None and not ind.code.startswith(LEFT_FOR_THE_WALK_2026)
            }
            services.assessment_values_save(
                actor=officer,
                assessment=a,
                values=values,
                comments=dict.fromkeys(list(values)[:2], "Số liệu mẫu (DEMO)"),
            )
    if stdout is not None:
        stdout.write(f"assessments: hồ sơ DEMO {a.title} ({a.filled} chỉ tiêu đã nhập).")
