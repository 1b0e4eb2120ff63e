"""Emulation clusters: membership per year, the scoring table as data, self- and cross-scoring with
evidence, the year's ranking."""

from chungsuc.core.models import AuditEntry
from chungsuc.movements import selectors, services
from chungsuc.movements.models import Cluster, ClusterScore
from chungsuc.movements.tests.conftest import client_for


def test_a_cluster_scores_and_ranks_its_members(plan861, django_user_model):
    admin = django_user_model.objects.get(username="demo.tinh")
    services.scoring_table_set(
        actor=admin,
        movement=plan861,
        rows=[
            {"code": "1", "name": "Tổ chức phát động phong trào", "max_points": 30},
            {"code": "2", "name": "Kết quả xây dựng nông thôn mới", "max_points": 70},
        ],
    )
    tinh = client_for("demo.tinh")
    tinh.post(f"/movements/{plan861.pk}/clusters/", {"name": "Cụm thi đua số 1", "kind": "cluster"})
    cluster = Cluster.objects.get(movement=plan861, name="Cụm thi đua số 1")
    cm, ts, cp = (
        plan861.participants.get(organisation__code=c) for c in ("ubnd-893", "ubnd-894", "ubnd-889")
    )
    tinh.post(
        f"/movements/clusters/{cluster.pk}/",
        {"action": "members", "year": "2024", "participants": [cm.pk, ts.pk, cp.pk]},
    )
    assert set(cluster.members.filter(year=2024).values_list("participant_id", flat=True)) == {
        cm.pk,
        ts.pk,
        cp.pk,
    }
    assert not cluster.members.filter(year=2023).exists()
    # Chợ Mới's officer scores itself and Thoại Sơn, with evidence; out-of-range refused, nothing written
    cho_moi = client_for("demo.chomoi")
    url = f"/movements/clusters/{cluster.pk}/"
    r = cho_moi.post(
        url, {"year": "2024", "scorer": cm.pk, "scored": ts.pk, "p:1": "31", "p:2": "60"}, follow=True
    )
    assert "điểm phải từ 0 đến 30" in r.content.decode()
    assert not ClusterScore.objects.exists()
    cho_moi.post(url, {"year": "2024", "scorer": cm.pk, "scored": cm.pk, "p:1": "28", "p:2": "65"})
    cho_moi.post(
        url,
        {
            "year": "2024",
            "scorer": cm.pk,
            "scored": ts.pk,
            "p:1": "29,5",
            "p:2": "66",
            "e:2": "14/14 xã nâng cao",
        },
    )
    # Chợ Mới cannot score on Thoại Sơn's behalf
    r = cho_moi.post(url, {"year": "2024", "scorer": ts.pk, "scored": cm.pk, "p:1": "30"})
    assert r.status_code == 403
    # Thoại Sơn's scores, entered by Sở Nội vụ on its behalf
    tinh.post(url, {"year": "2024", "scorer": ts.pk, "scored": cm.pk, "p:1": "25", "p:2": "55"})
    data = selectors.cluster_data(cluster, year=2024)
    ranking = [(r["name"], r["rank"], r["cross_average"], r["self_total"]) for r in data["ranking"]]
    assert ranking == [
        ("UBND Huyện Thoại Sơn", 1, 95.5, None),
        ("UBND Huyện Chợ Mới", 2, 80.0, 93.0),
        ("UBND Huyện Châu Phú", 3, None, None),
    ]
    assert data["evidence"] == [
        {
            "scorer": "UBND Huyện Chợ Mới",
            "scored": "UBND Huyện Thoại Sơn",
            "criterion": "2",
            "points": 66.0,
            "evidence": "14/14 xã nâng cao",
        }
    ]
    page = cho_moi.get(url, {"year": "2024"}).content.decode()
    assert "14/14 xã nâng cao" in page and 'data-testid="cluster-ranking"' in page
    assert AuditEntry.objects.filter(action="movement.cluster_score").count() == 3
    # a participant cannot be in two clusters the same year
    other = services.cluster_create(actor=admin, movement=plan861, name="Cụm thi đua số 2")
    r = tinh.post(
        f"/movements/clusters/{other.pk}/",
        {"action": "members", "year": "2024", "participants": [cm.pk]},
        follow=True,
    )
    assert "đã thuộc «Cụm thi đua số 1» năm 2024" in r.content.decode()
