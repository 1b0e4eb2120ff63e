"""The register through the API (public, as of a date) and the regression watch."""

import datetime as dt

import pytest

from chungsuc.assessments import services
from chungsuc.recognitions import selectors as recognition_selectors
from chungsuc.recognitions.models import RecognitionRecord

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")


@pytest.fixture
def assessment(workflows, users, framework, vinh_chanh):
    return services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )


def test_schema_documents_the_register_endpoints(users):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(users["demo.tinh"])
    text = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/recognitions/" in text and "/api/v1/recognitions/import/" in text


def test_recognitions_api_is_public_and_as_of(an_giang):
    from rest_framework.test import APIClient

    r = APIClient().get("/api/v1/recognitions/?on=2018-11-20&standard=ntm&page_size=500")
    codes = {x["unit_code"] for x in r.json()["results"]}
    assert "30388" in codes  # Tân An, 20/11/2018
    r = APIClient().get("/api/v1/recognitions/?on=2018-11-19&standard=ntm")
    assert "30388" not in {x["unit_code"] for x in r.json()["results"]}


def test_regression_watch_lists_recognised_units_that_slipped(assessment, users, vinh_chanh):
    officer = users["demo.vinhchanh"]
    RecognitionRecord.objects.create(
        unit=vinh_chanh, standard="ntm", year=2022, since=dt.date(2022, 12, 1), source="thử", origin="import"
    )
    services.assessment_values_save(
        actor=officer,
        assessment=assessment,
        values={"1.1": "Đạt", "3.1": 60, "3.2": "Đạt", "10.1": 70, "10.2": 3},
    )
    rows = recognition_selectors.regression_watch(users["demo.nnptnt"])
    assert [r["unit"].code for r in rows] == ["30703"]
    assert rows[0]["failing"][0][0] == "3"
    assert recognition_selectors.regression_watch(users["demo.chomoi"]) == []
    services.assessment_values_save(actor=officer, assessment=assessment, values={"3.1": 90})
    assert recognition_selectors.regression_watch(users["demo.nnptnt"]) == []
