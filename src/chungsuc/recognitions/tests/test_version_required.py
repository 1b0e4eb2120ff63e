"""The version is required on every write path of a versioned record (issue 9, finding 3): a form or
API call without it answers 400 naming the field, in Vietnamese, and writes nothing."""

import pytest
from rest_framework.test import APIClient

from chungsuc.assessments import services
from chungsuc.core.concurrency import VersionRequired, require_version
from chungsuc.core.models import AuditEntry
from chungsuc.core.workflow import case_for

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.mark.parametrize("value", [None, "", True, "abc", "-1", 1.5, [1], {"v": 1}])
def test_require_version_refuses_what_is_not_a_version(value):
    with pytest.raises(VersionRequired) as exc:
        require_version(value, field="case_version")
    assert exc.value.field == "case_version" and "«case_version»" in exc.value.messages[0]


@pytest.mark.parametrize(("value", "expected"), [(3, 3), ("3", 3), (0, 0)])
def test_require_version_reads_a_version(value, expected):
    assert require_version(value) == expected


@pytest.fixture
def dossier(workflows, users, framework, vinh_chanh):
    return services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )


def _snapshot(a):
    case = case_for(a)
    return case.state.code, case.version, AuditEntry.objects.count()


@pytest.mark.parametrize(
    ("user", "path", "data"),
    [
        ("demo.vinhchanh", "/assessments/{pk}/transition/", {"transition": "submit", "confirm_missing": "1"}),
        ("demo.nnptnt", "/recognitions/dossiers/{pk}/consultation/open/", {"days": "10", "summary": "x"}),
        ("demo.nnptnt", "/recognitions/dossiers/{pk}/consultation/close/", {}),
        (
            "demo.nnptnt",
            "/recognitions/dossiers/{pk}/decision/",
            {"recognised": "1", "number": "12/QĐ-UBND", "date": "01/12/2026", "signer": "Chủ tịch"},
        ),
    ],
)
@pytest.mark.parametrize("version", [None, "", "mười"])
def test_page_forms_without_the_version_answer_400_and_write_nothing(
    dossier, users, client, user, path, data, version
):
    client.force_login(users[user])
    before = _snapshot(dossier)
    body = dict(data) if version is None else {**data, "case_version": version}
    r = client.post(path.format(pk=dossier.pk), body)
    assert r.status_code == 400
    text = r.content.decode()
    assert "«case_version»" in text
    assert ("chưa ghi gì" in text) if not version else ("không hợp lệ" in text)
    assert _snapshot(dossier) == before


def test_an_outsider_still_gets_404_not_400(dossier, users, client):
    client.force_login(users["demo.chomoi"])
    assert client.post(f"/assessments/{dossier.pk}/transition/", {"transition": "submit"}).status_code == 404


def test_api_transition_without_the_version_names_the_field(dossier, users):
    api = APIClient()
    api.force_authenticate(users["demo.vinhchanh"])
    before = _snapshot(dossier)
    for body in ({"transition": "submit"}, {"transition": "submit", "case_version": None}):
        r = api.post(f"/api/v1/assessments/{dossier.pk}/transitions/", body, format="json")
        assert r.status_code == 400
        assert "Thiếu phiên bản hồ sơ (trường «case_version»)" in r.json()["case_version"][0]
    assert _snapshot(dossier) == before


def test_the_page_with_the_version_still_moves_the_dossier(dossier, users, client):
    client.force_login(users["demo.vinhchanh"])
    version = case_for(dossier).version
    client.post(
        f"/assessments/{dossier.pk}/transition/",
        {"transition": "submit", "confirm_missing": "1", "case_version": version},
    )
    case = case_for(dossier)
    assert case.state.code == "district_review" and case.version == version + 1
