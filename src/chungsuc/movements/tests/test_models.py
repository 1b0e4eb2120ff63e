"""Exemplary models: proposed by a participant with evidence, endorsed and published by Sở Nội vụ
(then on the public portal), replicated elsewhere."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chungsuc.core.models import AuditEntry
from chungsuc.movements.models import ExemplaryModel
from chungsuc.movements.tests.conftest import client_for, unit


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (0, 128, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()  # a real image: uploads must decode (issue 9, finding 5)


def test_a_model_from_proposal_to_the_public_portal_with_its_replication(plan861):
    so, tinh = client_for("demo.so"), client_for("demo.tinh")
    participant = plan861.participants.get(organisation__code="so-tttt")
    vinh_chanh = unit("30703")
    # bad input: named fields, nothing written
    r = so.post(
        f"/movements/{plan861.pk}/models/",
        {
            "participant": participant.pk,
            "title": "",
            "who": "Ấp Hòa Long",
            "unit": "",
            "description": "x",
            "media_links": "baoangiang.com.vn/abc",
        },
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert (
        'data-testid="error-title"' in html
        and 'data-testid="error-unit"' in html
        and "phải bắt đầu bằng http" in html
    )
    assert not ExemplaryModel.objects.exists()
    r = so.post(
        f"/movements/{plan861.pk}/models/",
        {
            "participant": participant.pk,
            "kind": "model",
            "title": "Tuyến đường hoa do dân tự góp",
            "who": "Ấp Hòa Long, xã Vĩnh Chánh",
            "unit": vinh_chanh.pk,
            "description": "Người dân góp 1,2 km đường hoa.",
            "media_links": "https://baoangiang.com.vn/vi-du",
        },
    )
    model = ExemplaryModel.objects.get()
    assert (
        r.status_code == 302
        and model.state == "proposed"
        and model.links == ["https://baoangiang.com.vn/vi-du"]
    )
    so.post(
        f"/movements/models/{model.pk}/", {"action": "attach", "file": SimpleUploadedFile("anh.png", PNG)}
    )
    assert [a.original_name for a in model.attachments.all()] == ["anh.png"]
    # not on the portal before publication; the participant cannot publish
    assert "Tuyến đường hoa" not in Client().get("/public/models/").content.decode()
    assert so.post(f"/movements/models/{model.pk}/", {"action": "endorse"}).status_code == 403
    tinh.post(f"/movements/models/{model.pk}/", {"action": "publish"})  # not endorsed yet: refused
    model.refresh_from_db()
    assert model.state == "proposed"
    tinh.post(f"/movements/models/{model.pk}/", {"action": "endorse"})
    tinh.post(f"/movements/models/{model.pk}/", {"action": "publish"})
    model.refresh_from_db()
    assert model.state == "published" and model.published_at is not None
    so.post(
        f"/movements/models/{model.pk}/", {"action": "replicate", "unit": unit("30706").pk, "year": "2024"}
    )
    assert [(r.unit.key, r.year) for r in model.replications.all()] == [("30706", 2024)]
    public = Client().get("/public/models/").content.decode()
    assert "Tuyến đường hoa do dân tự góp" in public and "Xã Định Mỹ" in public
    # withdrawing needs a reason
    tinh.post(f"/movements/models/{model.pk}/", {"action": "withdraw"})
    model.refresh_from_db()
    assert model.state == "published"
    actions = set(
        AuditEntry.objects.filter(target_type="movements.exemplarymodel").values_list("action", flat=True)
    )
    assert {
        "movement.model_propose",
        "movement.model_endorse",
        "movement.model_publish",
        "movement.model_replicate",
        "movement.model_attach",
    } <= actions
