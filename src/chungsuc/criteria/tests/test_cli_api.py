"""The CLI and the API give the same answer for the same input; bad input is a 400 / CommandError."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

BODY = {
    "framework": "xa-ntm-2021-ag",
    "year": 2025,
    "region": "dong_bang_song_cuu_long",
    "kind": "xa",
    "values": {"3.1": 79.9, "3.2": True, "10": 63, "15.1": 92, "5": 100, "5:muc_do_1": 72, "5:so_truong": 5},
}


def run_cli(tmp_path, body) -> dict:
    path = tmp_path / "values.json"
    path.write_text(json.dumps(body["values"]), encoding="utf-8")
    args = [str(path), "--framework", body["framework"], "--year", str(body["year"])]
    for opt in ("region", "group", "kind"):
        if body.get(opt) is not None:
            args += [f"--{opt}", str(body[opt])]
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out)
    return json.loads(out.getvalue())


def test_cli_and_api_agree(frameworks, client, tmp_path):
    cli = run_cli(tmp_path, BODY)
    api = client.post("/api/v1/evaluate/", BODY, content_type="application/json")
    assert api.status_code == 200
    assert api.json() == cli
    assert cli["standard_met"] is False and cli["criteria_total"] == 19
    c3 = next(c for c in cli["criteria"] if c["code"] == "3")
    assert c3["met"] is False and c3["indicators"][0]["status"] == "not_met"
    c10 = next(c for c in cli["criteria"] if c["code"] == "10")
    assert c10["met"] is True and c10["indicators"][0]["threshold"] == 62
    c5 = next(c for c in cli["criteria"] if c["code"] == "5")
    assert c5["met"] is True
    assert "1.1" in cli["missing"]


def test_cli_and_api_agree_for_2026_groups(frameworks, client, tmp_path):
    body = {"framework": "xa-ntm-2026", "year": 2027, "group": 2, "values": {"1.1": True, "1.2": False}}
    cli = run_cli(tmp_path, body)
    assert client.post("/api/v1/evaluate/", body, content_type="application/json").json() == cli
    assert cli["criteria"][0]["indicators"][0]["status"] == "met"
    assert cli["criteria"][0]["indicators"][1]["status"] == "not_met"


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"framework": "khong-co"}, "Mã bộ tiêu chí «khong-co» không tồn tại"),
        ({"values": {"3.1": "cao"}}, "Chỉ tiêu 3.1: giá trị «cao» không phải là số"),
        ({"values": {"3.1": 120}}, "Chỉ tiêu 3.1: tỷ lệ 120% nằm ngoài khoảng 0–100%"),
        ({"values": {"9.1": -1}}, "Chỉ tiêu 9.1: số đếm -1 không được âm"),
        ({"values": {"x.9": 1}}, "Mã chỉ tiêu «x.9» không có"),
        ({"year": "năm nay"}, "Trường 'year' phải là số nguyên, không phải \"năm nay\""),
        ({"year": "2024"}, "Trường 'year' phải là số nguyên"),  # the API does not guess types
        ({"year": True}, "Trường 'year' phải là số nguyên"),
        ({"region": "mars"}, "Vùng «mars» không hợp lệ"),
        ({"region": []}, "Trường 'region' phải là chuỗi ký tự hoặc null"),
        ({"kind": {}}, "Trường 'kind' phải là chuỗi ký tự hoặc null"),
        ({"kind": "tinh-thanh"}, "Loại đơn vị «tinh-thanh» không hợp lệ"),
        ({"group": 4}, "Nhóm xã «4» không hợp lệ"),
        ({"group": "2"}, "Trường 'group' phải là số nguyên 1, 2, 3 hoặc null"),
        ({"framework": 5}, "Trường 'framework' phải là chuỗi ký tự"),
        ({"version": "x"}, "Trường 'version' phải là số nguyên dương hoặc null"),
        ({"version": 0}, "Phiên bản «0» không hợp lệ"),
        ({"version": 99}, "Bộ tiêu chí «xa-ntm-2021-ag» không có phiên bản 99"),
        ({"values": None}, "Trường 'values' phải là đối tượng JSON"),
        ({"values": [1, 2]}, "Trường 'values' phải là đối tượng JSON"),
        ({"values": {"3.2": "đạt"}}, "Chỉ tiêu 3.2"),
        ({"year": 2030}, "không áp dụng cho năm 2030"),
    ],
)
def test_api_bad_input_is_400_with_vietnamese_message(frameworks, client, patch, message):
    response = client.post("/api/v1/evaluate/", {**BODY, **patch}, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_api_missing_values_is_400_and_names_the_field(frameworks, client):
    body = {k: v for k, v in BODY.items() if k != "values"}
    response = client.post("/api/v1/evaluate/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["values"] == ["Thiếu trường 'values' (đối tượng JSON mã chỉ tiêu → giá trị)."]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ("{oops", "application/json", 400, "Nội dung JSON không hợp lệ (dòng 1, cột 2)."),
        (
            '{"framework": "xa-ntm-2021", "year": 2024, "values": {"3.1": NaN}}',
            "application/json",
            400,
            "NaN và Infinity",
        ),
        ("[1, 2]", "application/json", 400, "Nội dung yêu cầu phải là một đối tượng JSON."),
        ("framework=xa-ntm-2021&year=2024", "application/x-www-form-urlencoded", 415, "application/json"),
        ("", "application/json", 400, "Thiếu trường 'framework'"),
    ],
)
def test_api_malformed_body_is_answered_in_vietnamese(
    frameworks, client, body, content_type, status, message
):
    response = client.post("/api/v1/evaluate/", body, content_type=content_type)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_framework_detail_bad_version_and_code(frameworks, client):
    bad = client.get("/api/v1/frameworks/xa-ntm-2021/", {"version": "abc"})
    assert bad.status_code == 400
    assert bad.json()["version"] == ["Phiên bản 'abc' không hợp lệ: cần một số nguyên dương."]
    missing = client.get("/api/v1/frameworks/xa-ntm-2021/", {"version": 99})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Bộ tiêu chí «xa-ntm-2021» không có phiên bản 99."
    odd = client.get("/api/v1/frameworks/a%20b^/")  # not a slug: still the API's JSON 404
    assert odd.status_code == 404 and odd["Content-Type"] == "application/json"
    assert odd.json()["detail"] == "Không có bộ tiêu chí «a b^»."


def test_api_2026_without_group_is_400(frameworks, client):
    response = client.post(
        "/api/v1/evaluate/",
        {"framework": "xa-ntm-2026", "year": 2027, "values": {}},
        content_type="application/json",
    )
    assert response.status_code == 400 and "không có ngưỡng nào áp dụng" in response.json()["detail"]


def test_cli_bad_input(frameworks, tmp_path):
    with pytest.raises(CommandError, match="tỷ lệ 120%"):
        run_cli(tmp_path, {**BODY, "values": {"3.1": 120}})
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON hợp lệ"):
        call_command("evaluate", str(bad), "--framework", "xa-ntm-2021", "--year", "2024")


def test_frameworks_command_lists_codes(frameworks):
    out = io.StringIO()
    call_command("frameworks", stdout=out)
    codes = [line.split("\t")[0] for line in out.getvalue().splitlines()]
    assert {
        "xa-ntm-2021",
        "xa-ntm-nc-2021",
        "xa-ntm-km-2021",
        "huyen-ntm-2021",
        "thixa-httnv-2021",
        "huyen-ntm-nc-2021",
        "tinh-httnv-2021",
        "xa-ntm-2021-ag",
        "xa-ntm-nc-2021-ag",
        "xa-ntm-2026",
    } == set(codes)


def test_frameworks_api(frameworks, client):
    listing = client.get("/api/v1/frameworks/")
    assert listing.status_code == 200
    assert {f["code"] for f in listing.json()} >= {"xa-ntm-2021", "xa-ntm-2026"}
    detail = client.get("/api/v1/frameworks/xa-ntm-2021/").json()
    assert len(detail["criteria"]) == 19
    rule = detail["criteria"][2]["indicators"][0]["rules"][0]
    assert rule["value"] == 80 and rule["verified"] is True and rule["source_url"]
    assert client.get("/api/v1/frameworks/khong-co/").status_code == 404
    root = client.get("/api/v1/").json()
    assert root["frameworks"].endswith("/api/v1/frameworks/") and root["evaluate"].endswith(
        "/api/v1/evaluate/"
    )


def test_openapi_documents_the_endpoints(db, client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert {"/api/v1/evaluate/", "/api/v1/frameworks/", "/api/v1/frameworks/{code}/"} <= set(schema["paths"])
    assert "requestBody" in schema["paths"]["/api/v1/evaluate/"]["post"]


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"framework": "khong-co"}, "The criteria set code “khong-co” does not exist"),
        ({"group": 4}, "Commune group “4” is not valid"),
        ({"version": 99}, "The criteria set “xa-ntm-2021-ag” has no version 99"),
    ],
)
def test_api_bad_input_answers_in_english_with_the_english_interface(frameworks, client, patch, message):
    """The messages are gettext msgids, not f-strings: the English interface gets them in English."""
    client.cookies["django_language"] = "en"  # the language switch (Vietnamese first, whatever the browser)
    response = client.post("/api/v1/evaluate/", {**BODY, **patch}, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize("field", ["framework", "region", "kind"])
def test_api_a_nul_character_is_a_400_not_a_500(frameworks, client, field):
    """PostgreSQL refuses NUL in a query parameter; schemathesis found the framework code reaching it."""
    response = client.post("/api/v1/evaluate/", {**BODY, field: "a\x00b"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
