"""The OpenAPI schema builds without warnings or errors and is valid OpenAPI 3."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_generation_has_no_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    # --fail-on-warn raises SchemaGenerationError on any warning (e.g. an enum-name collision)
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    paths = schema["paths"]
    for public in ("/api/v1/units/", "/api/v1/units/{id}/", "/api/v1/frameworks/{code}/"):
        assert "404" in paths[public]["get"]["responses"] or "400" in paths[public]["get"]["responses"]
    assert set(paths["/api/v1/evaluate/"]["post"]["requestBody"]["content"]) == {"application/json"}
