"""Navigation by role for the base layout."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

# (label, url name, roles that see it; None = every logged-in user)
MENU = [
    ("Tổng quan", "dashboard:home", None),
    ("Biểu đồ", "dashboard:charts", None),
    ("Bản đồ", "dashboard:map", None),
    ("Đơn vị hành chính", "geo:unit-list", None),
    ("Bộ tiêu chí", "criteria:framework-list", None),
    ("Tự đánh giá", "assessments:assessment-list", None),
    ("Phong trào thi đua", "movements:list", None),
    ("Văn bản, báo cáo", "reports:home", None),
    ("Nhật ký thay đổi", "core:audit-list", None),
    ("Thông báo", "core:notification-list", None),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from django.conf import settings
    from django.utils.module_loading import import_string

    roles = import_string(settings.CHUNGSUC_USER_ROLES)(user)
    items = []
    for label, name, allowed in MENU:
        if allowed is not None and not (roles & set(allowed)) and not user.is_superuser:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": _(label), "url": url, "active": request.path.startswith(url) and url != "/"})
    from chungsuc.core.selectors import unread_notifications

    return {"nav_items": items, "nav_roles": roles, "unread_count": unread_notifications(user).count()}
