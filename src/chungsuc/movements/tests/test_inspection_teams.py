"""Inspection teams as records: a team of the year's plan set up by a decision (a legal act), its
members as the decision lists them, the plan's inspections carried out by the team, the team's member
accounts recording findings, and the conclusion naming the team's decision."""

import json

import pytest
from django.contrib.auth import get_user_model

from chungsuc.core.models import AuditEntry, LegalAct
from chungsuc.movements.models import Inspection, InspectionTeam, InspectionTeamMember
from chungsuc.movements.tests.conftest import client_for, unit


@pytest.mark.usefixtures("acting_in_2024")
def test_a_team_with_its_decision_members_and_inspections_end_to_end(plan861):
    tinh, kiemtra = client_for("demo.tinh"), client_for("demo.kiemtra")
    inspector = get_user_model().objects.get(username="demo.kiemtra")
    teams_url = f"/movements/{plan861.pk}/inspection-teams/"
    assert tinh.get(teams_url).status_code == 200
    # a bad decision date and a symbol of another kind: 422, each message beside its field, nothing written
    acts, audits = LegalAct.objects.count(), AuditEntry.objects.count()
    r = tinh.post(
        teams_url,
        {
            "year": "2024",
            "name": "Đoàn kiểm tra số 2",
            "decision_reference": "12/KH-SNV",
            "decision_date": "32/10/2024",
            "decision_signer": "Lê Văn Ký",
        },
    )
    assert r.status_code == 422
    body = r.content.decode()
    assert "is-invalid" in body and "dd/mm/yyyy" in body
    assert (InspectionTeam.objects.count(), LegalAct.objects.count(), AuditEntry.objects.count()) == (
        0,
        acts,
        audits,
    )
    r = tinh.post(
        teams_url,
        {
            "year": "2024",
            "name": "Đoàn kiểm tra số 2",
            "decision_reference": "12/KH-SNV",
            "decision_date": "01/10/2024",
            "decision_signer": "Lê Văn Ký",
        },
    )
    assert r.status_code == 422 and "phải bắt đầu bằng «QĐ-»" in r.content.decode()
    assert not InspectionTeam.objects.exists()
    r = tinh.post(
        teams_url,
        {
            "year": "2024",
            "name": "Đoàn kiểm tra số 2",
            "decision_reference": "12/QĐ-SNV",
            "decision_date": "01/10/2024",
            "decision_signer": "Lê Văn Ký",
            "decision_signer_title": "Giám đốc Sở Nội vụ",
        },
    )
    team = InspectionTeam.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/movements/inspection-teams/{team.pk}/"
    assert team.decision.reference == "12/QĐ-SNV" and team.decision.kind == "quyet_dinh"
    # the same name twice in a year is refused
    r = tinh.post(teams_url, {"year": "2024", "name": "Đoàn kiểm tra số 2"})
    assert r.status_code == 422 and "đã có đoàn «Đoàn kiểm tra số 2»" in r.content.decode()
    # members: a leader, then an account; a second leader is refused beside its field
    team_url = team.get_absolute_url()
    tinh.post(
        team_url, {"full_name": "Nguyễn Văn An", "position": "Phó Giám đốc Sở Nội vụ", "role": "leader"}
    )
    r = tinh.post(team_url, {"full_name": "Người thứ hai", "role": "leader"})
    assert r.status_code == 422 and "Đoàn đã có trưởng đoàn (Nguyễn Văn An)" in r.content.decode()
    tinh.post(team_url, {"user": inspector.pk, "position": "Chuyên viên", "role": "member"})
    assert [(m.full_name, m.role) for m in team.members.all()] == [
        ("Nguyễn Văn An", "leader"),
        (inspector.get_full_name(), "member"),
    ]
    # the inspector (not Sở Nội vụ) cannot change the team: 403, nothing written
    before = InspectionTeamMember.objects.count()
    assert kiemtra.post(team_url, {"full_name": "X", "role": "member"}).status_code == 403
    assert InspectionTeamMember.objects.count() == before
    # the plan's line names the team: name, leader and accounts come from it
    r = tinh.post(
        f"/movements/{plan861.pk}/inspections/",
        {"year": "2024", "team": team.pk, "unit": unit("893").pk, "planned_on": "15/10/2024"},
    )
    insp = Inspection.objects.get(movement=plan861)
    assert (insp.team, insp.team_name, insp.leader) == (team, "Đoàn kiểm tra số 2", "Nguyễn Văn An")
    assert list(insp.members.all()) == [inspector]
    # the team's account records the findings
    kiemtra.post(
        insp.get_absolute_url(),
        {"action": "findings", "r:K1": "met", "inspected_on": "16/10/2024"},
    )
    insp.refresh_from_db()
    assert insp.state == "inspected"
    page = tinh.get(insp.get_absolute_url()).content.decode()
    assert 'data-testid="inspection-team-link"' in page and "12/QĐ-SNV" in page
    # the conclusion's data names the team's decision and its members with their positions (the
    # document's text: reports/tests/test_annual.py)
    from chungsuc.movements.selectors import inspection_data

    data = inspection_data(insp)
    assert data["team_decision"]["reference"] == "12/QĐ-SNV"
    assert data["members"] == [f"{inspector.get_full_name()} (Chuyên viên)"]
    assert data["leader"] == "Nguyễn Văn An"
    # every change audited with labels; the list exports every team
    actions = set(
        AuditEntry.objects.filter(target_type="movements.inspectionteam").values_list("action", flat=True)
    )
    assert actions == {"movement.inspection_team_create", "movement.inspection_team_member_add"}
    rows = json.loads(tinh.get(teams_url, {"format": "json"}).content)["rows"]
    assert rows == [
        {
            "year": 2024,
            "team": "Đoàn kiểm tra số 2",
            "decision": "12/QĐ-SNV",
            "decided_on": "2024-10-01",
            "leader": "Nguyễn Văn An",
            "members": "Nguyễn Văn An (Trưởng đoàn, Phó Giám đốc Sở Nội vụ); "
            f"{inspector.get_full_name()} (Thành viên, Chuyên viên)",
            "member_count": 2,
            "inspections": 1,
        }
    ]
    # removing a member: audited, and the open inspection's accounts follow
    member = team.members.get(user=inspector)
    tinh.post(team_url, {"action": "remove", "member": member.pk})
    assert not insp.members.exists()


@pytest.mark.usefixtures("acting_in_2024")
def test_a_team_of_another_year_or_movement_is_refused_for_a_plan_line(plan861):
    from chungsuc.movements import services

    admin = get_user_model().objects.get(username="demo.tinh")
    team = services.inspection_team_create(actor=admin, movement=plan861, year=2023, name="Đoàn 2023")
    r = client_for("demo.tinh").post(
        f"/movements/{plan861.pk}/inspections/",
        {"year": "2024", "team": team.pk, "unit": unit("893").pk},
        follow=True,
    )
    assert "cùng năm kiểm tra" in r.content.decode()
    assert not Inspection.objects.exists()


def test_the_demo_team_of_the_merged_province(demo):
    from chungsuc.movements import demo as movement_demo
    from chungsuc.movements.models import Movement

    movement_demo.load()
    movement = Movement.objects.get(code=movement_demo.DEMO_CODE)
    team = movement.inspection_teams.get()
    assert team.name.endswith("(DEMO)") and team.decision is None  # the demo invents no act number
    assert team.leader.full_name == "Nguyễn Văn An (DEMO)"
    insp = team.inspections.get()
    assert [u.username for u in insp.members.all()] == ["demo.kiemtra"]
    page = client_for("demo.tinh").get(team.get_absolute_url())
    assert page.status_code == 200 and "Chưa ghi quyết định thành lập đoàn." in page.content.decode()


@pytest.mark.usefixtures("acting_in_2024")
@pytest.mark.parametrize("bad", ["²", "abc", "-1", "9999999999999"])
def test_unreadable_choices_on_the_team_pages_are_refused_never_a_500(plan861, bad):
    """A year, a team, an account, a body or a member that is not a number is a refusal with a
    Vietnamese message (or nothing found), never a server error, and writes nothing."""
    from chungsuc.movements import services

    tinh = client_for("demo.tinh")
    admin = get_user_model().objects.get(username="demo.tinh")
    team = services.inspection_team_create(actor=admin, movement=plan861, year=2024, name="Đoàn thử")
    before = (
        InspectionTeam.objects.count(),
        InspectionTeamMember.objects.count(),
        Inspection.objects.count(),
    )
    r = tinh.post(f"/movements/{plan861.pk}/inspection-teams/", {"year": bad, "name": "Đoàn khác"})
    assert r.status_code == 422 and "Năm phải trong giai đoạn" in r.content.decode()
    r = tinh.post(team.get_absolute_url(), {"full_name": "Người thử", "role": "member", "user": bad})
    assert r.status_code == 422
    r = tinh.post(team.get_absolute_url(), {"full_name": "Người thử", "role": "member", "organisation": bad})
    assert r.status_code == 422
    r = tinh.post(team.get_absolute_url(), {"action": "remove", "member": bad}, follow=True)
    assert r.status_code == 200 and "Không tìm thấy thành viên này trong đoàn." in r.content.decode()
    r = tinh.post(
        f"/movements/{plan861.pk}/inspections/",
        {"year": "2024", "team": bad, "unit": unit("893").pk},
        follow=True,
    )
    assert r.status_code == 200 and "Không tìm thấy đoàn kiểm tra đã chọn." in r.content.decode()
    after = (InspectionTeam.objects.count(), InspectionTeamMember.objects.count(), Inspection.objects.count())
    assert after == before
