"""Issue 9, findings 1–3: saving values validates every field's type (a Vietnamese 400 naming the
field, never a 500), requires the version it was loaded with, writes nothing on a no-op save, and
concurrent writers on the same version get 200 or 409 — never a 500 ("database is locked")."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from chungsuc.assessments import services
from chungsuc.assessments.models import Assessment, AssessmentValue, EvaluationResult
from chungsuc.core.models import AuditEntry

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.fixture
def assessment(workflows, users, framework, vinh_chanh):
    return services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def _counts(a):
    return (
        Assessment.objects.get(pk=a.pk).version,
        AssessmentValue.objects.filter(assessment=a).count(),
        EvaluationResult.objects.filter(assessment=a).count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"version": 1, "values": {"3.1": 50}, "comments": ["x"]}, "comments"),
        ({"version": 1, "values": {"3.1": 50}, "comments": 1.5}, "comments"),
        ({"version": 1, "values": {}, "comments": {"3.1": 5}}, "3.1"),
        ({"version": 1, "values": {}, "comments": {"3.1": {"a": 1}}}, "3.1"),
        ({"version": 1, "values": ["3.1", 50]}, "values"),
        ({"version": 1, "values": {"3.1": [50]}}, "3.1"),
        ({"version": 1, "values": {"3.1": {"v": 50}}}, "3.1"),
        ({"version": 1, "values": {"10.1": 10**400}}, "10.1"),
        ({"version": "một", "values": {"3.1": 50}}, "version"),
        ({"version": True, "values": {"3.1": 50}}, "version"),
        ({"version": [1], "values": {"3.1": 50}}, "version"),
        ({"values": {"3.1": 50}}, "version"),
    ],
)
def test_badly_typed_fields_answer_a_vietnamese_400_naming_the_field(assessment, users, body, field):
    before = _counts(assessment)
    r = _api(users["demo.vinhchanh"]).patch(
        f"/api/v1/assessments/{assessment.pk}/values/", body, format="json"
    )
    assert r.status_code == 400, r.content
    errors = r.json()
    assert field in errors, errors
    text = " ".join(errors[field])
    assert not text.isascii()  # a Vietnamese sentence, not a Python error
    assert _counts(assessment) == before


def test_a_body_that_is_not_an_object_is_refused(assessment, users):
    r = _api(users["demo.vinhchanh"]).patch(
        f"/api/v1/assessments/{assessment.pk}/values/", [1, 2], format="json"
    )
    assert r.status_code == 400 and "detail" in r.json()


def test_form_save_without_its_version_is_refused_and_writes_nothing(assessment, users, client):
    client.force_login(users["demo.vinhchanh"])
    before = _counts(assessment)
    r = client.post(f"/assessments/{assessment.pk}/values/", {"v:3.1": "90"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    assert _counts(assessment) == before
    page = client.post(f"/assessments/{assessment.pk}/values/", {"v:3.1": "90"}, follow=True)
    assert "thiếu phiên bản hồ sơ" in page.content.decode()
    assert _counts(assessment) == before
    ok = client.post(
        f"/assessments/{assessment.pk}/values/", {"version": "1", "v:3.1": "90"}, HTTP_HX_REQUEST="true"
    )
    assert ok.status_code == 200
    assert Assessment.objects.get(pk=assessment.pk).version == 2


def test_a_no_op_save_neither_bumps_the_version_nor_writes(assessment, users):
    api = _api(users["demo.vinhchanh"])
    url = f"/api/v1/assessments/{assessment.pk}/values/"
    assert api.patch(url, {"version": 1, "values": {"3.1": 85}}, format="json").status_code == 200
    before = _counts(assessment)
    assert before[0] == 2
    for body in ({"version": 2}, {"version": 2, "values": {}}, {"version": 2, "values": {"3.1": 85}}):
        r = api.patch(url, body, format="json")
        assert r.status_code == 200, r.content
        assert r.json()["version"] == 2
        assert _counts(assessment) == before
    # a no-op with a stale version is still a conflict, not a silent success
    assert api.patch(url, {"version": 1, "values": {}}, format="json").status_code == 409


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_200_or_409_never_500(transactional_demo, framework):
    from django.contrib.auth import get_user_model

    from chungsuc.assessments import builtin
    from chungsuc.geo.selectors import unit_by_code

    builtin._load_workflows()
    user = get_user_model().objects.get(username="demo.vinhchanh")
    a = services.assessment_create(
        actor=user, unit=unit_by_code("30703", "2024-06-30"), year=2024, framework=framework
    )
    url = f"/api/v1/assessments/{a.pk}/values/"
    statuses: list[int] = []
    barrier = threading.Barrier(10)

    def writer(i: int) -> None:
        try:
            c = APIClient(raise_request_exception=False)
            c.force_authenticate(user)
            barrier.wait()
            statuses.append(
                c.patch(url, {"version": 1, "values": {"3.1": 50 + i}}, format="json").status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [409] * 9, statuses
    assert Assessment.objects.get(pk=a.pk).version == 2
    assert AuditEntry.objects.filter(action="assessment.values", target_id=str(a.pk)).count() == 1
