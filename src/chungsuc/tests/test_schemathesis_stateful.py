"""Schemathesis's stateful run over the schema's OpenAPI links (issue 9): drf-spectacular writes none,
so `api/schema.py` adds them (a listed dossier → reading it, its values' update with the version just
read, its transition with the case version, its evidence; a created evidence or survey → reading it; a
changed dossier → reading it again and changing it once more with its new version; movements, units and
frameworks → their detail). Hypothesis then chains calls along the links as Vĩnh Chánh's officer (writes
decided as of 31/12/2024, when Xã Vĩnh Chánh still held its 2024 dossier), straight into the WSGI
application: never a 5xx, every answer as the schema documents it, and the links really are followed."""

from __future__ import annotations

import datetime as dt
import warnings
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance


class StatefulFigures(UserWarning):
    """Not a problem: how many calls the stateful run made and how many followed a link."""


@pytest.fixture
def linked_api(demo, acting_in_2024, settings, tmp_path):
    from django.contrib.auth import get_user_model
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from rest_framework.authtoken.models import Token

    from chungsuc.assessments import services
    from chungsuc.criteria.models import Framework
    from chungsuc.geo.selectors import unit_by_code

    settings.MEDIA_ROOT = str(tmp_path / "media")
    officer = get_user_model().objects.get(username="demo.vinhchanh")
    framework = Framework.objects.filter(code="xa-ntm-2021-ag").order_by("-version").first()
    services.assessment_create(
        actor=officer, unit=unit_by_code("30703", dt.date(2024, 6, 30)), year=2024, framework=framework
    )
    token, _ = Token.objects.get_or_create(user=officer)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
        yield schema, {"Authorization": f"Token {token.key}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_schema_has_links_for_the_create_read_update_pairs(linked_api):
    schema, _headers = linked_api
    raw = schema.raw_schema
    detail = raw["paths"]["/api/v1/assessments/{id}/"]["get"]["responses"]["200"]["links"]
    values = raw["paths"]["/api/v1/assessments/{id}/values/"]["patch"]
    assert detail["ValuesUpdate"] == {
        "operationId": values["operationId"],
        "parameters": {"id": "$request.path.id"},
        "requestBody": {"version": "$response.body#/version"},
    }
    assert "DossierDetail" in values["responses"]["200"]["links"]
    evidence = raw["paths"]["/api/v1/assessments/{id}/evidence/"]["post"]["responses"]["201"]["links"]
    assert set(evidence) == {"EvidenceList", "DossierDetail"}


def test_stateful_run_along_the_links(linked_api):
    schema, headers = linked_api

    def run(schema, examples):
        calls: Counter = Counter()
        followed: Counter = Counter()
        statuses: Counter = Counter()

        class Machine(schema.as_state_machine()):
            def step(self, input):
                output = super().step(input)
                calls[input.case.operation.label] += 1
                statuses[output.response.status_code] += 1
                if input.transition is not None and input.is_applied:
                    followed[input.transition.id] += 1
                return output

            def get_call_kwargs(self, case):
                return {"headers": headers}

            def validate_response(self, response, case, additional_checks=None, **kwargs):
                assert response.status_code < 500, f"{case.operation.label}: {response.status_code}"
                # as in test_schemathesis_all: a well-typed unknown id rightly answers a documented 4xx,
                # and the token sent here still authenticates when schemathesis spoils another credential
                case.validate_response(
                    response,
                    excluded_checks=[positive_data_acceptance, ignored_auth],
                    transport_kwargs=kwargs,
                )

        Machine.run(
            settings=settings(
                max_examples=examples,
                stateful_step_count=8,
                deadline=dt.timedelta(seconds=20),
                database=None,
                derandomize=True,  # the same chains on every run: a link that stops working fails the test
                suppress_health_check=list(HealthCheck),
            )
        )
        return calls, followed, statuses

    # the whole schema: never a 5xx, every answer as documented, most of our links followed
    calls, followed, statuses = run(schema, 60)
    # the dossier's own operations: the chains list → dossier → a write carrying the version just read
    # (among every operation of the schema those chains depend on the data the run meets)
    _calls, dossier_followed, _statuses = run(
        schema.include(path_regex=r"^/api/v1/assessments/(\{id\}/((values|transitions)/)?)?$"), 100
    )
    line = (
        f"stateful run: {sum(calls.values())} calls, {sum(followed.values())} along a link "
        f"({len(followed)} links); statuses {dict(sorted(statuses.items()))}"
    )
    print("\n" + line)
    for name, count in sorted(followed.items()):
        print(f"  {count:4} {name}")
    warnings.warn(line, StatefulFigures, stacklevel=1)
    # the schema's own links are followed (schemathesis also infers some: PatchAssessment, GetMovement…):
    # most of them, among them a dossier read from the list and a write carrying the version just read
    from chungsuc.api.schema import LINKS

    ours = {name for links in LINKS.values() for name, *_rest in links}
    used = {name.split("] ", 1)[1].split(" -> ", 1)[0] for name in followed} & ours
    assert len(used) >= 10, sorted(used)
    dossier_used = {name.split("] ", 1)[1].split(" -> ", 1)[0] for name in dossier_followed} & ours
    assert "DossierDetail" in used | dossier_used, sorted(used)
    assert {"ValuesUpdate", "Transition"} & dossier_used, "\n".join(sorted(dossier_followed))
