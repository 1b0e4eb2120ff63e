"""Fixtures for the core tests: the engine runs against stub permission hooks and a tiny subject."""

import pytest

from chungsuc.core.tests import stubs

COMMUNE = 1001
OTHER_COMMUNE = 2002

# A recognition-like workflow with three tiers: commune → district → province.
THREE_TIER = {
    "code": "test-recognition",
    "name": "Hồ sơ công nhận (thử)",
    "description": "Ba cấp: xã → huyện → tỉnh",
    "states": [
        {"code": "draft", "name": "Đang soạn", "is_initial": True},
        {"code": "submitted", "name": "Đã nộp", "locks_data": True},
        {"code": "district_approved", "name": "Huyện đã thẩm định", "locks_data": True},
        {"code": "returned", "name": "Bị trả lại"},
        {"code": "recognised", "name": "Đã công nhận", "is_final": True, "locks_data": True},
    ],
    "transitions": [
        {
            "code": "submit",
            "name": "Nộp hồ sơ",
            "source": "draft",
            "target": "submitted",
            "roles": ["commune_officer"],
        },
        {
            "code": "approve",
            "name": "Thẩm định đạt",
            "source": "submitted",
            "target": "district_approved",
            "roles": ["district_officer"],
        },
        {
            "code": "return",
            "name": "Trả lại",
            "source": "submitted",
            "target": "returned",
            "roles": ["district_officer"],
            "requires_reason": True,
        },
        {
            "code": "approve",
            "name": "Công nhận",
            "source": "district_approved",
            "target": "recognised",
            "roles": ["province_admin"],
        },
        {
            "code": "return",
            "name": "Trả lại",
            "source": "district_approved",
            "target": "returned",
            "roles": ["province_admin"],
            "requires_reason": True,
        },
        {
            "code": "submit",
            "name": "Nộp lại",
            "source": "returned",
            "target": "submitted",
            "roles": ["commune_officer"],
        },
        {
            "code": "reopen",
            "name": "Mở lại",
            "source": "recognised",
            "target": "returned",
            "roles": ["province_admin"],
            "requires_reason": True,
            "is_reopen": True,
        },
    ],
}


@pytest.fixture
def stub_hooks(settings):
    settings.CHUNGSUC_WORKFLOW_PERMISSION = "chungsuc.core.tests.stubs.can_act"
    settings.CHUNGSUC_WORKFLOW_RECIPIENTS = "chungsuc.core.tests.stubs.recipients"
    settings.CHUNGSUC_WORKFLOW_ORG_PERMISSION = "chungsuc.core.tests.stubs.can_act_for_organisation"
    settings.CHUNGSUC_WORKFLOW_ORG_RECIPIENTS = "chungsuc.core.tests.stubs.users_of_organisation"
    settings.CHUNGSUC_WORKFLOW_USER_ORGANISATIONS = "chungsuc.core.tests.stubs.organisation_ids_of"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    stubs.GRANTS.clear()
    stubs.ORG_MEMBERS.clear()
    yield stubs
    stubs.GRANTS.clear()
    stubs.ORG_MEMBERS.clear()


@pytest.fixture
def people(db, stub_hooks, django_user_model):
    """A commune officer, a district officer and a province admin of COMMUNE, and an outsider."""

    def make(username, unit, role):
        user = django_user_model.objects.create_user(
            username=username,
            password="pw-Chung-Suc-1",
            email=f"{username}@example.invalid",
            first_name=username.title(),
        )
        if role:
            stubs.grant(user, unit, role)
        return user

    return {
        "commune": make("xa", COMMUNE, "commune_officer"),
        "district": make("huyen", COMMUNE, "district_officer"),
        "province": make("tinh", COMMUNE, "province_admin"),
        "outsider": make("huyenkhac", OTHER_COMMUNE, "district_officer"),
    }


@pytest.fixture
def three_tier(db, stub_hooks):
    from chungsuc.core.workflow import workflow_define

    return workflow_define(actor=None, **THREE_TIER)


@pytest.fixture
def subject(db):
    """Any saved model instance will do as the subject; a Group is the smallest."""
    from django.contrib.auth.models import Group

    return Group.objects.create(name="Hồ sơ xã Vĩnh Chánh 2024")
