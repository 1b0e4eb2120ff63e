"""Fixtures for the geo tests: the built-in units alone (fast). The pages' fixture with organisations and
demo users (`geo_demo`) is in the root conftest, above accounts. These load only geo (and accounts for
the pages), not the whole `load_builtin`, so the geo tests do not depend on the other apps' data."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from chungsuc.geo.builtin import data_dir
from chungsuc.geo.unitdata import load_dataset, read_sources


@pytest.fixture
def geo_units(db):
    from chungsuc.geo import builtin

    builtin.load()


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dataset():
    """A private copy of the validated built-in dataset (safe to mutate)."""
    return copy.deepcopy(load_dataset(data_dir()))


@pytest.fixture(scope="session")
def _raw_sources():
    return read_sources(data_dir())


@pytest.fixture
def raw(_raw_sources):
    """Private copies of the raw documents: (units yaml, supplement, crosswalk rows, geojson by file)."""
    doc, supplement, crosswalk, geojson = _raw_sources
    return copy.deepcopy(doc), copy.deepcopy(supplement), copy.deepcopy(crosswalk), geojson


@pytest.fixture
def api_units(client):
    """All units of GET /api/v1/units/ with the given query, following the pagination."""

    def fetch(**params) -> list[dict]:
        results, page = [], 1
        while True:
            response = client.get("/api/v1/units/", {**params, "page": page})
            assert response.status_code == 200, response.content
            body = response.json()
            results += body["results"]
            if not body["next"]:
                assert len(results) == body["count"]
                return results
            page += 1

    return fetch


D = dt.date
