"""Nothing fails silently on the value sheet (issue 7 §3): every HTMX answer — a refused entry (422), a
conflict (409), a refusal (403) — is the sheet itself with its errors on the cells and its message,
in the same response; success says so where the action happened."""

import pytest

from chungsuc.assessments import services

# The three-tier history (2021–2025): writes decided as of 31/12/2024, before the merger.
pytestmark = pytest.mark.usefixtures("acting_in_2024")

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def dossier(workflows, users, framework, vinh_chanh):
    return services.assessment_create(
        actor=users["demo.vinhchanh"], unit=vinh_chanh, year=2024, framework=framework
    )


def test_an_invalid_value_answers_422_with_the_message_on_its_cell(dossier, users, client):
    client.force_login(users["demo.vinhchanh"])
    response = client.post(
        f"/assessments/{dossier.pk}/values/",
        {"version": dossier.version, "v:3.1": "tám mươi", "v:1.1": "Đạt"},
        **HX,
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="sheet">')  # the partial HTMX swaps in place
    assert 'data-testid="error-3.1"' in page and "is-invalid" in page
    assert 'data-testid="sheet-messages"' in page and "Chưa lưu: 1 giá trị không hợp lệ" in page
    assert 'value="tám mươi"' in page  # what was typed stays on the cell
    dossier.refresh_from_db()
    assert dossier.filled == 0  # nothing half-written


def test_a_conflict_answers_409_in_place_and_keeps_the_values_typed(dossier, users, client):
    services.assessment_values_save(actor=users["demo.vinhchanh"], assessment=dossier, values={"3.1": "70"})
    client.force_login(users["demo.vinhchanh"])
    response = client.post(f"/assessments/{dossier.pk}/values/", {"version": 1, "v:3.1": "85"}, **HX)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-testid="sheet-messages"' in page and 'value="85"' in page
    assert "vẫn ở trên các ô" in page


def test_a_refusal_answers_403_in_place_with_its_reason(dossier, users, client):
    client.force_login(users["demo.hoidong"])  # sees the province, may not enter values
    response = client.post(f"/assessments/{dossier.pk}/values/", {"version": 1, "v:3.1": "85"}, **HX)
    assert response.status_code == 403
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="sheet">') and 'data-testid="sheet-messages"' in page
    assert "không có quyền" in page


def test_a_locked_dossier_answers_422_in_place(dossier, users, client):
    from chungsuc.core import workflow as wf
    from chungsuc.core.workflow import case_for

    wf.case_transition(actor=users["demo.vinhchanh"], case=case_for(dossier), transition_code="submit")
    client.force_login(users["demo.vinhchanh"])
    response = client.post(f"/assessments/{dossier.pk}/values/", {"version": 1, "v:3.1": "85"}, **HX)
    assert response.status_code == 422
    assert "chỉ được xem, không được sửa" in response.content.decode()


def test_a_save_says_so_above_the_sheet(dossier, users, client):
    client.force_login(users["demo.vinhchanh"])
    response = client.post(f"/assessments/{dossier.pk}/values/", {"version": 1, "v:3.1": "85"}, **HX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="sheet-messages"' in page and "Đã lưu số liệu" in page


def test_the_layout_swaps_4xx_answers(client, users):
    client.force_login(users["demo.vinhchanh"])
    page = client.get("/assessments/").content.decode()
    assert '"code":"(403|409|422)","swap":true' in page
