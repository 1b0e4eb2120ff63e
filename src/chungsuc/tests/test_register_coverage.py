"""Issue 7 §8 and §5: the register is honest about its coverage — the public list of recognised units
and the dashboard say how many records it holds beside the province's own reported counts (dated,
their sources by document name, never a file path), and the public list and the register show each
commune's district as of the recognition date; the district workbook (a row per commune) has its
button on the import page and on the district's page, and says which units it leaves out and why."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from chungsuc.geo.models import UnitVersion
from chungsuc.geo.selectors import unit_by_code, valid_on


@pytest.fixture
def plan(an_giang):
    """Plan 861 with the province's reported counts (built-in)."""
    from chungsuc.movements import builtin

    builtin.load(stdout=io.StringIO())


def test_the_public_list_says_what_the_register_holds_beside_the_reported_counts(plan, client):
    from chungsuc.recognitions.models import RecognitionRecord

    page = client.get("/public/recognised/?on=01/06/2024").content.decode()
    card = page[page.index('data-testid="register-coverage"') :]
    card = card[: card.index('data-testid="public-recognised"')]
    total = RecognitionRecord.objects.as_of(dt.date(2024, 6, 1)).count()
    assert f"Sổ công nhận đang ghi {total} bản ghi" in card
    # the province's figure of 28/03/2024 (71 communes recognised) beside what the register holds
    assert "28/03/2024" in card and "71/110" in card
    assert "sonongnghiep.angiang.gov.vn" in card  # the source, named by its site and linked
    assert ".yaml" not in page and "data/movements" not in page
    # the district of each commune, as of its recognition (the old province's districts)
    vinh_chanh_district = page.count('data-testid="district">Huyện Thoại Sơn<')
    assert vinh_chanh_district >= 1


def test_the_dashboard_shows_the_coverage(plan, client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="demo.tinh"))
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="register-coverage"' in page and 'data-testid="reported-counts"' in page
    assert "Sổ công nhận đang ghi" in page and ".yaml" not in page


def test_the_register_names_the_district_at_the_recognition_date(plan, client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="demo.nnptnt"))
    page = client.get("/recognitions/register/?on=01/06/2024").content.decode()
    assert 'data-testid="district">Huyện Thoại Sơn<' in page


def test_the_district_workbook_has_its_buttons_and_says_who_is_left_out(
    an_giang, demo, client, acting_in_2024
):
    """Thoại Sơn's 2024 workbook, asked for as of 31/12/2024, while its committee could still import."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="demo.thoaison")
    client.force_login(user)
    thoai_son = unit_by_code("30703", "2024-06-30")
    district = UnitVersion.objects.get(valid_on(dt.date(2024, 6, 30)), unit=thoai_son).parent
    page = client.get(f"/units/{district.pk}/").content.decode()
    assert 'data-testid="district-workbook-link"' in page
    page = client.get(f"/assessments/import/?district={district.pk}").content.decode()
    assert 'data-testid="district-workbook"' in page and f'value="{district.pk}" selected' in page
    response = client.get(
        f"/assessments/export/district.xlsx?district={district.pk}&year=2024&framework=xa-ntm-2021-ag"
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    wb = load_workbook(io.BytesIO(body))
    towns = [
        v.name
        for v in UnitVersion.objects.filter(valid_on(dt.date(2024, 6, 30)), parent=district, kind="thi_tran")
    ]
    communes = UnitVersion.objects.filter(valid_on(dt.date(2024, 6, 30)), parent=district, kind="xa").count()
    assert towns and communes
    data = wb["SoLieu"]
    names = [row[1] for row in data.iter_rows(min_row=4, values_only=True) if row[0]]
    assert len(names) == communes and not set(towns) & set(names)
    readme = "\n".join(
        " ".join(str(c) for c in row if c) for row in wb["Hướng dẫn"].iter_rows(values_only=True)
    )
    assert "Không có trong tệp" in readme
    for town in towns:
        assert town in readme
    assert "Thị trấn: bộ tiêu chí" in readme and "chỉ áp dụng cho xã" in readme


def _level_cells(page: str) -> list[str]:
    """The "Mức" cell of each row of the reported counts, as text."""
    import re

    table = page[page.index('data-testid="reported-counts"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows]
    return [" ".join(re.sub(r"<[^>]+>", " ", c[1]).split()) for c in cells if len(c) > 1]


def test_the_reported_counts_speak_english_in_the_english_interface(plan, client, demo):
    """Issue 7: the level, standard and basis of each reported count are translated (they were shown
    in Vietnamese, "Commune nông thôn mới nâng cao (được công nhận)", on the English pages)."""
    from django.contrib.auth import get_user_model

    client.cookies["django_language"] = "en"
    public = _level_cells(client.get("/public/recognised/?on=01/06/2024").content.decode())
    client.force_login(get_user_model().objects.get(username="demo.tinh"))
    dashboard = _level_cells(client.get("/dashboard/").content.decode())
    from chungsuc.movements.models import ReportedCount

    movement = ReportedCount.objects.first().movement
    progress = _level_cells(client.get(f"/movements/{movement.pk}/progress/").content.decode())
    for cells in (public, dashboard, progress):
        assert cells
        assert "Advanced NTM communes (recognised)" in cells
        assert "New rural (NTM) communes (meeting all criteria (not necessarily decided))" in cells
        assert "New rural (NTM) districts (as reported)" in cells
        for cell in cells:
            assert "nông thôn" not in cell.lower() and "công nhận" not in cell and "báo cáo" not in cell
    client.cookies["django_language"] = "vi"
    vietnamese = _level_cells(client.get("/dashboard/").content.decode())
    assert "Xã nông thôn mới nâng cao (được công nhận)" in vietnamese
    assert "Huyện nông thôn mới (theo báo cáo)" in vietnamese


def test_the_coverage_downloads_beside_it_on_the_public_list_and_the_dashboard(plan, client, demo):
    """Issue 12 §4: the card's table has its Excel / CSV / JSON beside it, with the card's figures —
    the province's count, the register's on that date, "không so sánh" where not comparable, sources
    by name with their addresses, never a file path."""
    import json

    from django.contrib.auth import get_user_model

    from chungsuc.movements.coverage import register_coverage

    on = dt.date(2024, 6, 1)
    expected = register_coverage(on)["reported"]
    page = client.get("/public/recognised/", {"on": "01/06/2024"}).content.decode()
    assert 'data-testid="export-coverage-csv"' in page and "table=coverage" in page
    response = client.get("/public/recognised/", {"on": "01/06/2024", "table": "coverage", "format": "json"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["table"] == "coverage" and len(data["rows"]) == len(expected) > 0
    by_day = {(r["as_of"], r["count"]): r for r in data["rows"]}
    row = by_day[("28/03/2024", 71)]
    assert row["denominator"] == 110 and row["source"] and "sonongnghiep.angiang.gov.vn" in row["links"]
    first = next(r for r in expected if r["as_of"] == dt.date(2024, 3, 28) and r["count"] == 71)
    assert row["in_register"] == first["in_register"]
    for r, e in zip(data["rows"], expected, strict=True):
        assert (r["in_register"] is None) == (not e["comparable"])
        assert r["compared"] == ("có" if e["comparable"] else "không so sánh")
    assert ".yaml" not in response.content.decode() and "data/movements" not in response.content.decode()
    # the officials' home: the same card, the same download, beside the page's own counters
    client.force_login(get_user_model().objects.get(username="demo.tinh"))
    home = client.get("/dashboard/").content.decode()
    assert 'data-testid="export-coverage-xlsx"' in home and 'data-testid="export-overview-xlsx"' in home
    today = register_coverage()["reported"]
    xlsx = client.get("/dashboard/", {"table": "coverage", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert values[0] == "Sổ công nhận và số liệu tỉnh công bố"
    assert sum(1 for v in values if v == "không so sánh") == sum(1 for r in today if not r["comparable"])
    overview = json.loads(client.get("/dashboard/", {"format": "json"}).content)
    assert overview["table"] == "overview"
