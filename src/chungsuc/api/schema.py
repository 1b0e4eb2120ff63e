"""The OpenAPI schema documents every status an operation can answer (issue 9): drf-spectacular writes
the success answers each view declares; this post-processing hook adds the error answers the project's
conventions give everywhere, with their JSON body (`core.api_errors`: Vietnamese, always JSON):

- 400 on every operation (a malformed parameter or body is a Vietnamese 400 naming the field; where an
  operation declares its own 400 body, the field errors are documented beside it);
- 401 and 403 on every operation that needs a login (no or a bad token / a role that may not act);
- 404 on every operation with a path parameter ("not yours" and "does not exist" answer the same) or
  a page number (past the last page);
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
    "415": "Kiểu dữ liệu gửi lên không được nhận.",
    "429": "Thử quá nhiều lần; hãy đợi rồi thử lại.",
}


def _error(code: str) -> dict:
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": ERROR}}}


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
