from __future__ import annotations

import datetime as dt

import pytest


def unit(key):
    from chungsuc.geo.models import Unit

    return Unit.objects.get(key=key)


def record(key, standard, since, *, year=None, verified=True, decision=""):
    from chungsuc.recognitions.models import RecognitionRecord

    return RecognitionRecord.objects.create(
        unit=unit(key),
        standard=standard,
        year=year or since.year,
        since=since,
        decision_text=decision,
        verified=verified,
        origin="import",
    )


@pytest.fixture
def plan861(demo):
    from chungsuc.movements.models import Movement

    return Movement.objects.get(code="kh-861-2022")


@pytest.fixture
def register_fixture(an_giang):
    """A register of our own (the built-in one is set aside inside the test's transaction):
    - Vĩnh Chánh (Thoại Sơn, 30703), new-rural on 15/3/2023 — merged on 1/7/2025 into Xã Phú Hòa;
    - Phú Hòa (the merged commune 30685@2025-07-01) recognised new-rural on 10/10/2025 and 5/3/2026;
    - Nhơn Mỹ (30658) new-rural on 12/4/2023, "năm 2022";
    - Định Mỹ (30706) advanced on 20/12/2021, unverified;
    - Thoại Sơn (894) advanced district on 1/8/2024 (QĐ 750/QĐ-TTg, "năm 2023");
    - Vĩnh Trạch (30697) on 2/11/2020, before the period.
    """
    from chungsuc.recognitions.models import RecognitionRecord

    RecognitionRecord.objects.all().delete()
    return [
        record("30703", "ntm", dt.date(2023, 3, 15), decision="QĐ thử 1"),
        record("30685@2025-07-01", "ntm", dt.date(2025, 10, 10)),
        record("30658", "ntm", dt.date(2023, 4, 12), year=2022),
        record("30706", "advanced", dt.date(2021, 12, 20), verified=False),
        record("894", "advanced", dt.date(2024, 8, 1), year=2023, decision="QĐ 750/QĐ-TTg"),
        record("30697", "ntm", dt.date(2020, 11, 2)),
    ]


def client_for(username):
    from django.contrib.auth import get_user_model
    from django.test import Client

    c = Client()
    c.force_login(get_user_model().objects.get(username=username))
    return c


@pytest.fixture
def outsider(db, user_factory):
    """A logged-in user with no membership: sees no movement."""
    from django.test import Client

    c = Client()
    c.force_login(user_factory(username="nguoi.ngoai"))
    return c
