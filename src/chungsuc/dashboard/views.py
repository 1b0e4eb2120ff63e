"""The officials' home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from chungsuc.accounts import selectors as account_selectors


@login_required
def home(request):
    scope = account_selectors.scope_for(request.user)
    units = account_selectors.visible_units(request.user).order_by("level", "code")
    return render(
        request,
        "dashboard/home.html",
        {
            "organisations": account_selectors.organisations_of(request.user),
            "scope": scope,
            "unit_count": units.count(),
            "top_units": units.exclude(level="commune")[:20]
            if not scope.is_all
            else units.filter(level="province"),
        },
    )
