from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import include, path, reverse

from chungsuc.core.views import healthz


def moved(pattern_name: str):
    """A page that moved to another app (issue 8: recognitions out of assessments): 308 to its new
    address with the same arguments and query string (308 keeps a POST a POST)."""

    def view(request, **kwargs):
        url = reverse(pattern_name, kwargs=kwargs)
        if request.META.get("QUERY_STRING"):
            url += "?" + request.META["QUERY_STRING"]
        response = HttpResponseRedirect(url)
        response.status_code = 308
        return response

    return view


# Old addresses of the recognition pages, kept working for bookmarks and links already sent.
MOVED = [
    path("assessments/<int:pk>/consultation/open/", moved("recognitions:consultation-open")),
    path("assessments/<int:pk>/consultation/close/", moved("recognitions:consultation-close")),
    path("assessments/<int:pk>/condition/", moved("recognitions:condition")),
    path("assessments/<int:pk>/decision/", moved("recognitions:decision")),
    path("assessments/decisions/<int:pk>.pdf", moved("recognitions:decision-pdf")),
    path("assessments/register/", moved("recognitions:register")),
    path("assessments/register/template.xlsx", moved("recognitions:register-template")),
    path("assessments/register/import/", moved("recognitions:register-import")),
    path("assessments/register/import/<str:token>/commit/", moved("recognitions:register-import-commit")),
    path("assessments/register/<int:pk>/revoke/", moved("recognitions:revoke")),
    path("assessments/units/<int:unit_pk>/standards/", moved("recognitions:unit-standards")),
    path("assessments/watch/", moved("recognitions:watch")),
    path("assessments/public/consultations/", moved("portal:consultations")),
    path("assessments/public/consultations/<int:pk>/", moved("portal:consultation")),
    path("assessments/public/recognised/", moved("portal:recognised")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("chungsuc.accounts.urls")),
    path("audit/", include("chungsuc.core.urls")),
    path("units/", include("chungsuc.geo.urls")),
    path("criteria/", include("chungsuc.criteria.urls")),
    *MOVED,
    path("assessments/", include("chungsuc.assessments.urls")),
    path("movements/", include("chungsuc.movements.urls")),
    path("recognitions/", include("chungsuc.recognitions.urls")),
    path("dashboard/", include("chungsuc.dashboard.urls")),
    path("reports/", include("chungsuc.reports.urls")),
    path("api/v1/", include("chungsuc.api.urls")),
    path("", include("chungsuc.portal.urls")),
]

handler400 = "chungsuc.core.errors.bad_request"
handler403 = "chungsuc.core.errors.permission_denied"
handler404 = "chungsuc.core.errors.page_not_found"
handler500 = "chungsuc.core.errors.server_error"
