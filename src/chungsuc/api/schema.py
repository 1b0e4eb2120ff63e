"""The OpenAPI schema documents every status an operation can answer (issue 9): drf-spectacular writes
the success answers each view declares; this post-processing hook adds the error answers the project's
conventions give everywhere, with their JSON body (`core.api_errors`: Vietnamese, always JSON):

- 400 on every operation (a malformed parameter or body is a Vietnamese 400 naming the field; where an
  operation declares its own 400 body, the field errors are documented beside it);
- 401 and 403 on every operation that needs a login (no or a bad token / a role that may not act);
- 404 on every operation with a path parameter ("not yours" and "does not exist" answer the same) or
  a page number (past the last page);
- 409 on every operation whose body carries the version the client read (`version`, `case_version`:
  another write came first);
- 415 on every operation with a request body (sent as another media type);
- 429 on the token endpoint (login throttling).
Answers an operation declares itself are left as they are."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": "Lỗi: thông báo tiếng Việt (`detail`) hoặc danh sách lỗi theo từng trường.",
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Dữ liệu gửi lên không hợp lệ (thông báo nêu trường sai).",
    "401": "Chưa đăng nhập hoặc mã truy cập (token) không hợp lệ.",
    "403": "Không có quyền thực hiện thao tác này.",
    "404": "Không tìm thấy (hoặc không thuộc phạm vi của người dùng).",
    "409": "Hồ sơ đã được người khác thay đổi (phiên bản gửi lên đã cũ); chưa ghi gì.",
    "415": "Kiểu dữ liệu gửi lên không được nhận.",
    "429": "Thử quá nhiều lần; hãy đợi rồi thử lại.",
}


def _error(code: str) -> dict:
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": ERROR}}}


def _carries_version(body: dict, result: dict) -> bool:
    schemas = result.get("components", {}).get("schemas", {})
    for media in body.get("content", {}).values():
        schema = media.get("schema", {})
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            schema = schemas.get(ref.rsplit("/", 1)[1], {})
        if {"version", "case_version"} & set(schema.get("properties", {})):
            return True
    return False


def document_error_responses(result, generator, request, public):
    default_security = result.get("security", [])
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            codes = ["400"]
            security = operation.get("security", default_security)
            if not any(s == {} for s in security):
                codes += ["401", "403"]
            params = {p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)}
            if "{" in path or "page" in params:  # an object by id, or a page past the last
                codes.append("404")
            if "requestBody" in operation:  # a body of another media type
                codes.append("415")
                if _carries_version(operation["requestBody"], result):
                    codes.append("409")
            if path.endswith("/auth/token/"):
                codes.append("429")
            for code in codes:
                responses.setdefault(code, _error(code))
            # A declared 400 body (an import's report with its errors) or the field errors of a request
            # that did not get that far (no file at all): either is the answer.
            declared = responses["400"].get("content", {}).get("application/json", {}).get("schema")
            if declared is not None and declared is not ERROR:
                responses["400"]["content"]["application/json"]["schema"] = {"anyOf": [declared, ERROR]}
    return result


# --- OpenAPI links ----------------------------------------------------------------------------------
# drf-spectacular writes no links; these say which answer feeds which next call (a created or listed
# object → reading and changing it, a changed object → reading it again with its new version), so that a
# client, and schemathesis's stateful run (`tests/test_schemathesis_stateful.py`), can follow them.
# (source path, method, status) → [(name, target path, method, parameters, request body)]
_ID_IN_PATH = {"id": "$request.path.id"}
_DOSSIER = "/api/v1/assessments/{id}/"
LINKS = {
    ("/api/v1/assessments/", "get", "200"): [
        ("DossierDetail", _DOSSIER, "get", {"id": "$response.body#/results/0/id"}, None),
        ("DossierEvidence", _DOSSIER + "evidence/", "get", {"id": "$response.body#/results/0/id"}, None),
    ],
    (_DOSSIER, "get", "200"): [
        ("ValuesUpdate", _DOSSIER + "values/", "patch", _ID_IN_PATH, {"version": "$response.body#/version"}),
        (
            "Transition",
            _DOSSIER + "transitions/",
            "post",
            _ID_IN_PATH,
            {"case_version": "$response.body#/case_version"},
        ),
        ("EvidenceList", _DOSSIER + "evidence/", "get", _ID_IN_PATH, None),
        ("EvidenceCreate", _DOSSIER + "evidence/", "post", _ID_IN_PATH, None),
        ("Survey", "/api/v1/recognitions/dossiers/{id}/survey/", "get", _ID_IN_PATH, None),
    ],
    (_DOSSIER + "values/", "patch", "200"): [
        ("DossierDetail", _DOSSIER, "get", _ID_IN_PATH, None),
        (
            "ValuesUpdateAgain",
            _DOSSIER + "values/",
            "patch",
            _ID_IN_PATH,
            {"version": "$response.body#/version"},
        ),
    ],
    (_DOSSIER + "transitions/", "post", "200"): [("DossierDetail", _DOSSIER, "get", _ID_IN_PATH, None)],
    (_DOSSIER + "evidence/", "post", "201"): [
        ("EvidenceList", _DOSSIER + "evidence/", "get", _ID_IN_PATH, None),
        ("DossierDetail", _DOSSIER, "get", _ID_IN_PATH, None),
    ],
    ("/api/v1/recognitions/dossiers/{id}/survey/", "post", "201"): [
        ("SurveyRead", "/api/v1/recognitions/dossiers/{id}/survey/", "get", _ID_IN_PATH, None),
        ("SurveyAttest", "/api/v1/recognitions/dossiers/{id}/survey/attest/", "post", _ID_IN_PATH, None),
    ],
    ("/api/v1/movements/", "get", "200"): [
        (
            f"Movement{name.title()}",
            f"/api/v1/movements/{{id}}/{name}/",
            "get",
            {"id": "$response.body#/0/id"},
            None,
        )
        for name in ("progress", "forecast", "obligations", "versions", "models", "inspections")
    ],
    ("/api/v1/units/", "get", "200"): [
        ("UnitDetail", "/api/v1/units/{id}/", "get", {"id": "$response.body#/results/0/id"}, None)
    ],
    ("/api/v1/frameworks/", "get", "200"): [
        ("FrameworkDetail", "/api/v1/frameworks/{code}/", "get", {"code": "$response.body#/0/code"}, None)
    ],
}


def add_links(result, generator, request, public):
    """Write `LINKS` into the schema (a link whose source or target is not in this schema is left out)."""
    paths = result.get("paths", {})
    for (path, method, status), links in LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        for name, target_path, target_method, parameters, body in links:
            target = paths.get(target_path, {}).get(target_method)
            if target is None or "operationId" not in target:
                continue
            link = {"operationId": target["operationId"], "parameters": dict(parameters)}
            if body is not None:
                link["requestBody"] = dict(body)
            response.setdefault("links", {})[name] = link
    return result
