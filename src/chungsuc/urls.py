from django.contrib import admin
from django.urls import include, path

from chungsuc.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("chungsuc.accounts.urls")),
    path("audit/", include("chungsuc.core.urls")),
    path("units/", include("chungsuc.geo.urls")),
    path("criteria/", include("chungsuc.criteria.urls")),
    path("assessments/", include("chungsuc.assessments.urls")),
    path("movements/", include("chungsuc.movements.urls")),
    path("dashboard/", include("chungsuc.dashboard.urls")),
    path("reports/", include("chungsuc.reports.urls")),
    path("api/v1/", include("chungsuc.api.urls")),
    path("", include("chungsuc.portal.urls")),
]
