"""Officials and residents never see our internals (issue 7 §4): from the data `make run` loads
(load_builtin, load_demo), the README's first walk is taken through the services — the commune fills
and submits, the province appraises, the consultation opens (a resident comments) and closes, the
official survey is recorded and attested, the conditions are attested, the decision is recorded — and
then the walk's pages, and the pages they link to, are read as every demo role and as the public.
None may show a file path, a Python value (True/False/None), an internal key ("1.1#1", "5:muc_do_1"),
a snake_case code or our English research notes in its visible text."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

LEAKS = {
    "file path": re.compile(r"[\w./-]+\.(?:ya?ml|py|json|md)\b|\bdata/[a-z_]+/"),
    "Python value": re.compile(r"\b(?:True|False|None)\b"),
    "internal key": re.compile(r"\w#\d|\b\d+(?:\.\d+)?:[a-z][a-z0-9_]*"),
    "snake_case code": re.compile(r"\b[a-z]+_[a-z0-9_]+\b"),
    "English note": re.compile(
        r"UNVERIFIED|recalled|\bmapping\b|vietnam-provinces|replacement source|\bnot shown\b|"
        r"\bverify against\b|\bthe source\b",
        re.I,
    ),
}
# Pages that name machine things on purpose: the open data's dictionary lists the files' columns and
# values as they are in the files (CSV/JSON), the map's licences are the licences' own English text.
EXEMPT = {"/public/open-data/": {"snake_case code", "English note"}, "/public/map/licences/": set(LEAKS)}
SKIP_LINK = re.compile(
    r"^/(?:admin|static|media|api|accounts/logout|i18n)|\.(?:xlsx|csv|json|pdf|docx|geojson)\b|"
    r"export|download|/open-data/\w+\.|/licences/"
)
ROLES = [
    "demo.phuhoa",
    "demo.nnptnt",
    "demo.tinh",
    "demo.vinhchanh",
    "demo.thoaison",
    "demo.chomoi",
    "demo.so",
    "demo.hoidong",
    "demo.kiemtra",
]
PAGES_PER_ROLE = 45


class _Text(HTMLParser):
    """The text a reader sees (and the titles, placeholders, labels read aloud), never scripts,
    styles or <code> (machine names shown as such), and the page's same-site links."""

    HIDDEN = {"script", "style", "template", "code"}

    def __init__(self):
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "a" and (a.get("href") or "").startswith("/"):
            self.links.append(a["href"].split("#")[0])
        for key in ("title", "placeholder", "aria-label", "alt"):
            if a.get(key) and not self.hidden:
                self.parts.append(a[key])
        if tag == "option" and a.get("value") is not None:
            pass  # an option's value is for the server; its text is read

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def leaks_of(html: str, path: str) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    exempt = next((kinds for prefix, kinds in EXEMPT.items() if path.startswith(prefix)), set())
    found = []
    for kind, pattern in LEAKS.items():
        if kind in exempt:
            continue
        for m in pattern.finditer(text):
            found.append(f"{path}: {kind} «{m[0]}» in …{text[max(0, m.start() - 50) : m.end() + 50]}…")
    return found, parser.links


@pytest.fixture
def walked(demo, settings, tmp_path):
    """The README's first walk, done, on the data `make run` loads."""
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.auth import get_user_model

    from chungsuc.assessments import services as a_services
    from chungsuc.assessments.models import Assessment
    from chungsuc.recognitions import services as r_services
    from chungsuc.recognitions.models import RecognitionCondition

    call_command("load_demo", stdout=io.StringIO())
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo.")}
    commune, province = users["demo.phuhoa"], users["demo.nnptnt"]
    a = Assessment.objects.get(unit__code="30685", year=2026)
    a_services.assessment_values_save(
        actor=commune,
        assessment=a,
        values=dict.fromkeys(("10.1", "10.2", "10.3", "10.4"), "Đạt"),
        expected_version=a.version,
    )
    a_services.evidence_add(
        actor=commune, assessment=a, upload=SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf")
    )
    a_services.assessment_transition(actor=commune, assessment=a, transition_code="submit")
    a_services.assessment_transition(actor=province, assessment=a, transition_code="approve")
    consultation = r_services.consultation_open(actor=province, assessment=a, days=15)
    r_services.consultation_comment_add(
        consultation=consultation, name="", hamlet="Ấp 3", satisfied=True, text="Đường sạch", client="1"
    )
    r_services.consultation_close(actor=province, assessment=a)
    survey = r_services.survey_record(
        actor=commune,
        assessment=a,
        surveyed=500,
        satisfied=470,
        method="Phát phiếu tại 6 ấp",
        conducted_on=dt.date.today(),
        minutes=SimpleUploadedFile("khao-sat.pdf", PDF, "application/pdf"),
    )
    r_services.survey_attest(actor=province, survey=survey, note="Khớp biên bản")
    for cond in RecognitionCondition.objects.filter(kind="attestation", levels__contains="commune"):
        r_services.condition_check_set(
            actor=province, assessment=a, condition=cond, met=True, note="Đã đối chiếu"
        )
    r_services.decision_record(
        actor=province,
        assessment=a,
        recognised=True,
        number="12/QĐ-UBND",
        date=dt.date.today(),
        signer="Chủ tịch UBND tỉnh",
    )
    return a, users


def _walk_pages(a) -> list[str]:
    from chungsuc.assessments.models import Assessment

    history = Assessment.objects.get(unit__code="30703", year=2024)
    return [
        "/dashboard/",
        "/assessments/",
        f"/assessments/{a.pk}/",
        f"/assessments/{a.pk}/history/10.1/",
        f"/assessments/{history.pk}/",
        "/assessments/import/",
        "/recognitions/register/",
        "/recognitions/watch/",
        f"/recognitions/units/{a.unit_id}/standards/",
        "/criteria/",
        "/criteria/xa-ntm-2026/",
        "/criteria/xa-ntm-2021-ag/",
        "/criteria/xa-ntm-2021-ag/worklist/",
        "/criteria/xa-ntm-2021-ag/compare/?a=1&b=2",
        f"/units/{a.unit_id}/",
        f"/units/{history.unit_id}/",
        "/audit/",
        "/audit/notifications/",
    ]


PUBLIC = [
    "/",
    "/public/consultations/",
    "/public/recognised/",
    "/public/progress/",
    "/public/models/",
    "/public/open-data/",
    "/public/map/",
]


def _crawl(client: Client, start: list[str], limit: int) -> tuple[list[str], int]:
    """The start pages and the pages they link to (one step), at most `limit`; returns the leaks."""
    seen: set[str] = set()
    found: list[str] = []
    queue = [(p, 0) for p in start]
    while queue and len(seen) < limit:
        path, depth = queue.pop(0)
        if path in seen or SKIP_LINK.search(path):
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, f"{path} answered {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        leaks, links = leaks_of(response.content.decode(), path)
        found += leaks
        if depth == 0:
            queue += [(link, 1) for link in links]
    return found, len(seen)


def test_no_page_of_the_walk_shows_internals_to_any_role(walked):
    a, users = walked
    found: list[str] = []
    consultation = a.consultation
    client = Client()
    leaks, n = _crawl(
        client, PUBLIC + [f"/public/consultations/{consultation.pk}/", f"/public/units/{a.unit_id}/"], 30
    )
    assert n >= 9
    found += [f"(công chúng) {x}" for x in leaks]
    for username in ROLES:
        client = Client()
        client.force_login(users[username])
        leaks, n = _crawl(client, _walk_pages(a), PAGES_PER_ROLE)
        assert n >= 10, username
        found += [f"({username}) {x}" for x in leaks]
    unique = sorted(set(found))
    assert not unique, f"{len(unique)} leaks:\n" + "\n".join(unique[:60])


def test_the_leak_patterns_catch_what_they_are_for():
    """The checks themselves: each known leak is caught, plain Vietnamese passes."""
    samples = {
        "file path": "Nguồn: data/movements/an_giang_ntm_timeseries.yaml",
        "Python value": "verified: False → True",
        "internal key": "Ngưỡng 1.1#1 và 5:muc_do_1 = 100",
        "snake_case code": "state: district_review",
        "English note": "UNVERIFIED (recalled: Đạt)",
    }
    for kind, html in samples.items():
        found, _links = leaks_of(f"<p>{html}</p>", "/x/")
        assert any(kind in f for f in found), kind
    ok, _links = leaks_of(
        "<p>Xã Phú Hòa đạt 19/19 tiêu chí ngày 01/12/2026; 1.234,5 triệu đồng</p><code>xa_ntm</code>", "/x/"
    )
    assert ok == []
