"""Fixtures for the criteria tests: built-in frameworks as plain data (no database) and in the database,
and users with and without the programme office role."""

from __future__ import annotations

import pytest

from chungsuc.criteria import builtin, engine

DBSCL = "dong_bang_song_cuu_long"


@pytest.fixture(scope="session")
def specs() -> dict[str, dict]:
    return {s["code"]: s for s in builtin.specs()}


@pytest.fixture(scope="session")
def fws(specs) -> dict[str, engine.Framework]:
    return {code: engine.framework_from_dict(s) for code, s in specs.items()}


@pytest.fixture
def frameworks(db):
    builtin.load()


def _member(user_factory, username: str, role: str):
    from chungsuc.accounts.models import Membership, Organisation

    org, _ = Organisation.objects.get_or_create(
        code=f"org-{role}", defaults={"name": f"Org {role}", "kind": "department"}
    )
    user = user_factory(username=username)
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def office(user_factory):
    from chungsuc.accounts.models import Role

    return _member(user_factory, "office", Role.PROGRAMME_OFFICE)


@pytest.fixture
def commune_officer(user_factory):
    from chungsuc.accounts.models import Role

    return _member(user_factory, "xa", Role.COMMUNE_OFFICER)
