"""The recognition pages moved out of /assessments/ (issue 8): the old addresses still lead there."""

import pytest


@pytest.mark.parametrize(
    "old,new",
    [
        ("/assessments/register/?q=30703", "/recognitions/register/?q=30703"),
        ("/assessments/watch/", "/recognitions/watch/"),
        ("/assessments/units/7/standards/", "/recognitions/units/7/standards/"),
        ("/assessments/decisions/3.pdf", "/recognitions/decisions/3.pdf"),
        ("/assessments/public/consultations/", "/public/consultations/"),
        ("/assessments/public/consultations/4/", "/public/consultations/4/"),
        ("/assessments/public/recognised/?on=01/01/2020", "/public/recognised/?on=01/01/2020"),
    ],
)
def test_old_addresses_redirect_to_the_new_pages(client, old, new):
    r = client.get(old)
    assert r.status_code == 308 and r["Location"] == new


def test_an_old_form_address_keeps_its_post(client, db):
    r = client.post("/assessments/12/decision/", {"number": "1"})
    assert r.status_code == 308 and r["Location"] == "/recognitions/dossiers/12/decision/"


def test_the_public_pages_answer_at_their_new_address(client, an_giang):
    assert "30388" in client.get("/public/recognised/?on=20/11/2018&q=30388").content.decode()
    assert client.get("/public/consultations/").status_code == 200
