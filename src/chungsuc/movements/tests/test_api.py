"""The movements API: scoped like the pages (404 for an outsider), plain data, Vietnamese errors."""

from rest_framework.test import APIClient

from chungsuc.core.workflow import case_for
from chungsuc.movements import services
from chungsuc.movements.models import Obligation


def api_for(username=None, user=None):
    from django.contrib.auth import get_user_model

    c = APIClient()
    if username or user:
        c.force_authenticate(user or get_user_model().objects.get(username=username))
    return c


def test_progress_forecast_obligations_consolidation_through_the_api(plan861, register_fixture):
    c = api_for("demo.tinh")
    listed = c.get("/api/v1/movements/").json()
    assert any(m["code"] == "kh-861-2022" and m["act_reference"] == "861/KH-UBND" for m in listed)
    p = c.get(f"/api/v1/movements/{plan861.pk}/progress/", {"on": "2026-12-01"}).json()
    t21 = next(t for t in p["targets"] if t["code"] == "2.1")
    assert [r["actual"] for r in t21["rows"]] == [0, 0, 2, 0, 0] and t21["total_target"] == 33
    assert any(r["count"] == 71 and r["in_register"] == 4 for r in p["reported"])
    f = c.get(f"/api/v1/movements/{plan861.pk}/forecast/", {"on": "2026-12-01"}).json()
    assert f["remaining"] == []
    o = c.get(f"/api/v1/movements/{plan861.pk}/obligations/", {"year": "2024"}).json()
    assert {i["year"] for i in o["items"]} == {2024}
    k = c.get(f"/api/v1/movements/{plan861.pk}/consolidation/", {"year": "2024"}).json()
    assert k["owed"] == 20 and k["included"] == 0


def test_bad_parameters_get_a_vietnamese_400(plan861):
    c = api_for("demo.tinh")
    r = c.get(f"/api/v1/movements/{plan861.pk}/progress/", {"on": "31/02/2026"})
    assert r.status_code == 400 and "không hợp lệ" in r.json()["on"][0]
    r = c.get(f"/api/v1/movements/{plan861.pk}/consolidation/", {"year": "2031"})
    assert r.status_code == 400 and "từ 2021 đến 2025" in r.json()["year"][0]
    r = c.get(f"/api/v1/movements/{plan861.pk}/consolidation/")
    assert r.status_code == 400


def test_outsiders_get_404_and_anonymous_401_or_403(plan861, user_factory):
    outsider = api_for(user=user_factory(username="ngoai"))
    for path in ["progress/", "forecast/", "obligations/", "consolidation/?year=2024"]:
        assert outsider.get(f"/api/v1/movements/{plan861.pk}/{path}").status_code == 404, path
    assert api_for().get(f"/api/v1/movements/{plan861.pk}/progress/").status_code in (401, 403)
    # a district officer sees the plan but not the consolidation
    officer = api_for("demo.chomoi")
    assert officer.get(f"/api/v1/movements/{plan861.pk}/progress/").status_code == 200
    assert officer.get(f"/api/v1/movements/{plan861.pk}/consolidation/?year=2024").status_code == 404


def test_report_transitions_through_the_api(plan861, django_user_model):
    so = django_user_model.objects.get(username="demo.so")
    ob = Obligation.objects.get(
        participant__movement=plan861,
        participant__organisation__code="so-tttt",
        kind="annual_report",
        year=2023,
    )
    report = services.report_save(actor=so, obligation=ob, data={"articles": "4"})
    url = f"/api/v1/movements/reports/{report.pk}/transitions/"

    def version():
        return case_for(report, services.WORKFLOW_CODE).version

    missing = api_for(user=so).post(url, {"transition": "submit"}, format="json")
    assert missing.status_code == 400 and "case_version" in missing.json()
    r = api_for(user=so).post(url, {"transition": "submit", "case_version": version()}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    r = api_for(user=so).post(url, {"transition": "accept", "case_version": version()}, format="json")
    assert r.status_code == 403
    admin = api_for("demo.tinh")
    r = admin.post(url, {"transition": "return", "case_version": version()}, format="json")
    assert r.status_code == 400 and "lý do" in str(r.json()).lower()
    r = admin.post(url, {"transition": "accept", "case_version": 1}, format="json")
    assert r.status_code == 409
    r = admin.post(url, {"transition": "accept", "case_version": version()}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    outsider = api_for("demo.chomoi").post(url, {"transition": "accept", "case_version": 9}, format="json")
    assert outsider.status_code == 404


def test_the_other_lists_through_the_api(plan861, user_factory):
    c = api_for("demo.tinh")
    pilots = c.get(f"/api/v1/movements/{plan861.pk}/pilots/").json()
    assert len(pilots["items"]) == 38 and pilots["unverified"] == 38
    assert c.get(f"/api/v1/movements/{plan861.pk}/roadmaps/").status_code == 200
    versions = c.get(f"/api/v1/movements/{plan861.pk}/versions/").json()
    assert [v["number"] for v in versions["versions"]] == [1] and versions["amendments"] == []
    assert c.get(f"/api/v1/movements/{plan861.pk}/clusters/").status_code == 400  # year required
    assert c.get(f"/api/v1/movements/{plan861.pk}/clusters/", {"year": "2024"}).json() == []
    assert c.get(f"/api/v1/movements/{plan861.pk}/models/").json() == []
    assert c.get(f"/api/v1/movements/{plan861.pk}/inspections/").json() == []
    assert api_for().get("/api/v1/movements/public-models/").status_code == 200
    outsider = api_for(user=user_factory(username="ngoai2"))
    for path in ["pilots/", "roadmaps/", "versions/", "models/", "inspections/"]:
        assert outsider.get(f"/api/v1/movements/{plan861.pk}/{path}").status_code == 404, path
